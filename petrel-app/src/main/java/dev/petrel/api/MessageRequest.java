package dev.petrel.api;

import dev.petrel.content.InternalHeaders;
import dev.petrel.model.EmailAddress;
import dev.petrel.queue.MessageQuery;
import dev.petrel.report.StatusJson;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/v1/messages}, read and checked field by field: every mistake is
 * collected with its JSON pointer so the 422 lists them all.
 *
 * <p>Addresses are a string ({@code "Ann <ann@example.com>"} or {@code "ann@example.com"}) or an
 * object ({@code {"email": ..., "name": ...}}); {@code to}, {@code cc}, {@code bcc} and {@code
 * reply_to} take one or a list.
 */
record MessageRequest(
    Named from,
    List<Named> to,
    List<Named> cc,
    List<Named> bcc,
    List<Named> replyTo,
    String subject,
    String text,
    String html,
    List<Attachment> attachments,
    Map<String, String> headers,
    List<String> tags,
    Map<String, Object> metadata,
    byte[] raw) {

  /** An address with an optional display name. */
  record Named(String name, EmailAddress address) {}

  record Attachment(String filename, String contentType, byte[] content) {}

  static final int MAX_RECIPIENTS = 1000;

  /** Headers a caller may not set: Petrel writes them from the structured fields. */
  static final Set<String> RESERVED =
      Set.of(
          "from",
          "to",
          "cc",
          "bcc",
          "reply-to",
          "subject",
          "date",
          "message-id",
          "mime-version",
          "content-type",
          "content-transfer-encoding",
          "received",
          "return-path",
          "dkim-signature");

  static MessageRequest read(JsonBody b) {
    JsonNode root = b.root;
    for (var name : root.propertyNames())
      if (!KNOWN.contains(name))
        b.error("/" + name, "is not a field of a message; see /api/v1/openapi.json");
    byte[] raw = null;
    String rawText = b.string("raw");
    if (rawText != null) {
      if (rawText.isBlank()) b.error("/raw", "is empty");
      raw = rawText.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      for (String f : List.of("subject", "text", "html", "attachments", "headers"))
        if (root.has(f)) b.error("/" + f, "cannot be used together with raw");
    }
    Named from = one(b, "from");
    List<Named> to = many(b, "to");
    List<Named> cc = many(b, "cc");
    List<Named> bcc = many(b, "bcc");
    List<Named> replyTo = many(b, "reply_to");
    if (raw == null) {
      if (from == null && !root.has("from")) b.error("/from", "is required");
      if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty() && !hasAny(root))
        b.error("/to", "at least one recipient is required (to, cc or bcc)");
    }
    if (to.size() + cc.size() + bcc.size() > MAX_RECIPIENTS)
      b.error("/to", "at most " + MAX_RECIPIENTS + " recipients per message");
    String subject = b.string("subject");
    if (subject != null && (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0))
      b.error("/subject", "must be one line");
    String text = b.string("text");
    String html = b.string("html");
    if (raw == null && text == null && html == null)
      b.error("/text", "a message needs text, html or raw");
    return new MessageRequest(
        from,
        to,
        cc,
        bcc,
        replyTo,
        subject,
        text,
        html,
        attachments(b),
        headers(b),
        tags(b),
        metadata(b),
        raw);
  }

  private static final Set<String> KNOWN =
      Set.of(
          "from",
          "to",
          "cc",
          "bcc",
          "reply_to",
          "subject",
          "text",
          "html",
          "attachments",
          "headers",
          "tags",
          "metadata",
          "raw");

  private static boolean hasAny(JsonNode root) {
    return root.has("to") || root.has("cc") || root.has("bcc");
  }

  /** Every envelope recipient, without repeats (case-insensitive), in to, cc, bcc order. */
  List<EmailAddress> recipients() {
    Map<String, EmailAddress> out = new LinkedHashMap<>();
    for (List<Named> l : List.of(to, cc, bcc))
      for (Named n : l)
        out.putIfAbsent(n.address().toString().toLowerCase(Locale.ROOT), n.address());
    return List.copyOf(out.values());
  }

  private static Named one(JsonBody b, String field) {
    JsonNode n = b.root.get(field);
    if (n == null || n.isNull()) return null;
    return named(b, "/" + field, n);
  }

  private static List<Named> many(JsonBody b, String field) {
    JsonNode n = b.root.get(field);
    if (n == null || n.isNull()) return List.of();
    List<Named> out = new ArrayList<>();
    if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        Named one = named(b, "/" + field + "/" + i, n.get(i));
        if (one != null) out.add(one);
      }
    } else {
      Named one = named(b, "/" + field, n);
      if (one != null) out.add(one);
    }
    return out;
  }

  private static Named named(JsonBody b, String pointer, JsonNode n) {
    String name = null;
    String email;
    if (n.isString()) {
      String s = n.asString().trim();
      int lt = s.lastIndexOf('<');
      if (lt >= 0 && s.endsWith(">")) {
        name = s.substring(0, lt).trim();
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\""))
          name = name.substring(1, name.length() - 1);
        email = s.substring(lt + 1, s.length() - 1).trim();
      } else email = s;
    } else if (n.isObject()) {
      JsonNode e = n.get("email");
      JsonNode nm = n.get("name");
      if (e == null || !e.isString()) {
        b.error(pointer + "/email", "is required and must be a string");
        return null;
      }
      if (nm != null && !nm.isNull() && !nm.isString()) {
        b.error(pointer + "/name", "must be a string");
        return null;
      }
      email = e.asString().trim();
      name = nm == null || nm.isNull() ? null : nm.asString();
    } else {
      b.error(pointer, "must be an address string or an object with email and name");
      return null;
    }
    if (name != null && (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0)) {
      b.error(pointer, "a display name must be one line");
      return null;
    }
    try {
      return new Named(name == null || name.isBlank() ? null : name, EmailAddress.parse(email));
    } catch (IllegalArgumentException ex) {
      b.error(pointer, "'" + email + "' is not an email address: " + ex.getMessage());
      return null;
    }
  }

  private static List<Attachment> attachments(JsonBody b) {
    JsonNode n = b.root.get("attachments");
    if (n == null || n.isNull()) return List.of();
    if (!n.isArray()) {
      b.error("/attachments", "must be an array");
      return List.of();
    }
    List<Attachment> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      String p = "/attachments/" + i;
      JsonNode a = n.get(i);
      if (!a.isObject()) {
        b.error(p, "must be an object with filename and content");
        continue;
      }
      JsonNode fn = a.get("filename");
      JsonNode content = a.get("content");
      JsonNode type = a.get("content_type");
      if (fn == null || !fn.isString() || fn.asString().isBlank()) {
        b.error(p + "/filename", "is required");
        continue;
      }
      if (fn.asString().matches(".*[\\r\\n\"\\\\].*")) {
        b.error(p + "/filename", "must not hold quotes, backslashes or line breaks");
        continue;
      }
      if (content == null || !content.isString()) {
        b.error(p + "/content", "is required (the file in base64)");
        continue;
      }
      byte[] bytes;
      try {
        bytes = Base64.getMimeDecoder().decode(content.asString());
      } catch (IllegalArgumentException e) {
        b.error(p + "/content", "is not valid base64: " + e.getMessage());
        continue;
      }
      String ct = "application/octet-stream";
      if (type != null && !type.isNull()) {
        if (!type.isString() || !type.asString().matches("[\\w.+-]+/[\\w.+-]+")) {
          b.error(p + "/content_type", "must be a media type such as application/pdf");
          continue;
        }
        ct = type.asString();
      }
      out.add(new Attachment(fn.asString(), ct, bytes));
    }
    return out;
  }

  private static Map<String, String> headers(JsonBody b) {
    JsonNode n = b.root.get("headers");
    if (n == null || n.isNull()) return Map.of();
    if (!n.isObject()) {
      b.error("/headers", "must be an object of header names and values");
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (var e : n.properties()) {
      String name = e.getKey();
      String p = "/headers/" + name;
      if (!name.matches("[!-9;-~]+")) b.error(p, "is not a valid header name");
      else if (RESERVED.contains(name.toLowerCase(Locale.ROOT)))
        b.error(p, "is set by Petrel from the message's fields; it cannot be given here");
      else if (name.toLowerCase(Locale.ROOT).startsWith(InternalHeaders.PREFIX))
        b.error(p, "X-Petrel-* fields are Petrel's own; use tags and metadata");
      else if (!e.getValue().isString()) b.error(p, "must be a string");
      else if (e.getValue().asString().matches("(?s).*[\\r\\n].*"))
        b.error(p, "must be one line (no CR or LF)");
      else out.put(name, e.getValue().asString());
    }
    return out;
  }

  /** At most this many tags a message (docs/api.md, "Tags and metadata"). */
  static final int MAX_TAGS = 10;

  /** At most this many metadata keys a message. */
  static final int MAX_METADATA_KEYS = 20;

  /**
   * The longest metadata string value, in characters (Stripe's limit for its metadata values,
   * https://docs.stripe.com/api/metadata).
   */
  static final int MAX_METADATA_VALUE = 500;

  private static List<String> tags(JsonBody b) {
    JsonNode n = b.root.get("tags");
    if (n == null || n.isNull()) return List.of();
    if (!n.isArray()) {
      b.error("/tags", "must be an array of strings");
      return List.of();
    }
    if (n.size() > MAX_TAGS) {
      b.error("/tags", "at most " + MAX_TAGS + " tags per message, not " + n.size());
      return List.of();
    }
    // each tag once, in the order first given
    Set<String> out = new java.util.LinkedHashSet<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode t = n.get(i);
      if (!t.isString() || !MessageQuery.TAG.matcher(t.asString()).matches())
        b.error("/tags/" + i, "must be a word of 1 to 64 letters, digits, '.', ':', '-' or '_'");
      else out.add(t.asString());
    }
    return List.copyOf(out);
  }

  /** The metadata with each value's JSON type kept (a number stays a number). */
  private static Map<String, Object> metadata(JsonBody b) {
    JsonNode n = b.root.get("metadata");
    if (n == null || n.isNull()) return Map.of();
    if (!n.isObject()) {
      b.error("/metadata", "must be an object of string, number or boolean values");
      return Map.of();
    }
    if (n.size() > MAX_METADATA_KEYS) {
      b.error("/metadata", "at most " + MAX_METADATA_KEYS + " keys per message, not " + n.size());
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (var e : n.properties()) {
      String key = e.getKey();
      String p = "/metadata/" + pointerToken(key);
      JsonNode v = e.getValue();
      if (!MessageQuery.METADATA_KEY.matcher(key).matches())
        b.error(p, "a metadata key is 1 to 40 letters, digits, '_', '.' or '-'");
      else if (!v.isString() && !v.isNumber() && !v.isBoolean())
        b.error(p, "must be a string, number or boolean");
      else if (v.isFloatingPointNumber() && !Double.isFinite(v.asDouble()))
        b.error(p, "must be a number JSON can hold (this one is out of range)");
      else if (v.isString() && v.asString().length() > MAX_METADATA_VALUE)
        b.error(p, "must be at most " + MAX_METADATA_VALUE + " characters");
      else out.put(key, StatusJson.MAPPER.treeToValue(v, Object.class));
    }
    return out;
  }

  /** A key as a JSON pointer reference token (RFC 6901 section 4: ~ and / escaped). */
  private static String pointerToken(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  /** The metadata as the text of a JSON object, or null when there is none. */
  String metadataJson() {
    return metadata.isEmpty() ? null : StatusJson.MAPPER.writeValueAsString(metadata);
  }
}
