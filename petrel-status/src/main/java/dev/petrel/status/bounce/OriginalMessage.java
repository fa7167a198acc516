package dev.petrel.status.bounce;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The header of the returned original message, wherever the bounce put it: an attached
 * message/rfc822 part, a text/rfc822-headers part, a part that is itself the original's header (no
 * MIME header of its own), or plain lines after a separator in the notice text.
 */
final class OriginalMessage {

  final List<MailPart.Header> headers;

  /** The part the header came from, or null when it came from notice text. */
  final MailPart part;

  private OriginalMessage(List<MailPart.Header> headers, MailPart part) {
    this.headers = headers;
    this.part = part;
  }

  static final OriginalMessage NONE = new OriginalMessage(List.of(), null);

  String header(String name) {
    for (MailPart.Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) return h.value();
    }
    return null;
  }

  List<String> headersNamed(String name) {
    List<String> out = new ArrayList<>();
    for (MailPart.Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) out.add(h.value());
    }
    return out;
  }

  boolean isEmpty() {
    return headers.isEmpty();
  }

  /** Looks for the original among the parts of a bounce (not in its text). */
  static OriginalMessage inParts(MailPart root, List<MailPart> all) {
    for (MailPart p : all) {
      if (p != root && p.enclosedMessage && !hasEnclosingMessage(p.parent)) {
        return new OriginalMessage(p.headers, p);
      }
    }
    for (MailPart p : all) {
      if (p.insideEnclosedMessage()) continue;
      String t = p.mimeType;
      if ((t.equals("text/rfc822-headers")
              || t.equals("message/rfc822-headers")
              || t.equals("message/global-headers")
              || t.equals("text/rfc822-header"))
          && p.text != null) {
        return new OriginalMessage(parseHeaders(p.text), p);
      }
    }
    for (MailPart p : all) {
      if (p == root || p.insideEnclosedMessage() || p.header("Content-Type") != null) continue;
      if (p.header("Received") != null
          || p.header("Message-ID") != null
          || p.header("Return-Path") != null
          || (p.header("From") != null && p.header("Subject") != null)) {
        return new OriginalMessage(p.headers, p);
      }
    }
    return NONE;
  }

  private static boolean hasEnclosingMessage(MailPart p) {
    for (MailPart q = p; q != null; q = q.parent) {
      if (q.enclosedMessage) return true;
    }
    return false;
  }

  /** The original as lines of text after a separator (non-MIME bounces). */
  static OriginalMessage inText(String text) {
    if (text == null || text.isBlank()) return NONE;
    List<MailPart.Header> h = parseHeaders(text);
    return h.isEmpty() ? NONE : new OriginalMessage(h, null);
  }

  /** Reads "Name: value" lines with continuations until the first blank line. */
  static List<MailPart.Header> parseHeaders(String text) {
    List<MailPart.Header> out = new ArrayList<>();
    String name = null;
    StringBuilder value = new StringBuilder();
    int lines = 0;
    // the lines between LFs (as text.split("\n", -1) gives them), CR at the end dropped
    for (int pos = 0, n = text.length(); pos <= n; ) {
      int lf = text.indexOf('\n', pos);
      int lineEnd = lf < 0 ? n : lf;
      int start = pos;
      pos = lineEnd + 1;
      if (++lines > 2000) break;
      if (lineEnd > start && text.charAt(lineEnd - 1) == '\r') lineEnd--;
      String line = text.substring(start, lineEnd);
      if (line.isBlank()) {
        if (name != null || !out.isEmpty()) break;
        continue;
      }
      if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
        value.append(' ').append(line.trim());
        continue;
      }
      if (name != null) out.add(decoded(name, value.toString()));
      name = null;
      value.setLength(0);
      if (!TextNotice.looksLikeHeaderLine(line)) {
        if (out.isEmpty()) continue;
        break;
      }
      int colon = line.indexOf(':');
      name = line.substring(0, colon).trim();
      value.append(line.substring(colon + 1).trim());
    }
    if (name != null) out.add(decoded(name, value.toString()));
    return out;
  }

  /** The header; encoded words in its value are decoded when the value is first asked for. */
  private static MailPart.Header decoded(String name, String value) {
    if (value.contains("=?")) return MailPart.Header.withEncodedWords(name, value);
    return new MailPart.Header(name, value.trim());
  }

  /** The value with RFC 2047 encoded words decoded (kept as it is when that fails), trimmed. */
  static String decodeWords(String value) {
    String v = value;
    try {
      v =
          org.apache.james.mime4j.codec.DecoderUtil.decodeEncodedWords(
              v, org.apache.james.mime4j.codec.DecodeMonitor.SILENT);
    } catch (RuntimeException e) {
      // keep as is
    }
    return v.trim();
  }

  /** The Message-ID without angle brackets, or null. */
  String messageId() {
    String v = header("Message-ID");
    if (v == null) return null;
    v = v.trim();
    int lt = v.indexOf('<');
    int gt = v.indexOf('>', lt + 1);
    if (lt >= 0 && gt > lt) v = v.substring(lt + 1, gt);
    return v.isBlank() ? null : v;
  }

  private String returnPath;
  private String from;
  private boolean addressesRead;

  String returnPath() {
    readAddresses();
    return returnPath;
  }

  String from() {
    readAddresses();
    return from;
  }

  private void readAddresses() {
    if (addressesRead) return;
    returnPath = Addresses.first(header("Return-Path"));
    from = Addresses.first(header("From"));
    addressesRead = true;
  }

  String subject() {
    String s = header("Subject");
    return s == null || s.isBlank() ? null : s;
  }

  /** Addresses of To and Cc, lower case. */
  List<String> recipients() {
    List<String> out = new ArrayList<>();
    for (String v : headersNamed("To")) out.addAll(Addresses.all(v));
    for (String v : headersNamed("Cc")) out.addAll(Addresses.all(v));
    return out;
  }

  private Set<String> envelope;

  /**
   * Every address the returned message was sent to as far as its header tells: To and Cc, the
   * envelope recipient an earlier hop recorded (X-Original-To, Delivered-To, Envelope-To,
   * X-Envelope-To) and the "for <address>" of its Received fields. Lower case.
   */
  Set<String> envelope() {
    Set<String> e = envelope;
    if (e != null) return e;
    e = new LinkedHashSet<>(recipients());
    for (String h : List.of("X-Original-To", "Delivered-To", "Envelope-To", "X-Envelope-To"))
      for (String v : headersNamed(h)) e.addAll(Addresses.all(v));
    e.addAll(receivedFor());
    envelope = e;
    return e;
  }

  /** The distinct addresses of the "for <address>" clauses of the Received fields, lower case. */
  List<String> receivedFor() {
    List<String> out = new ArrayList<>();
    for (String v : headersNamed("Received")) {
      int f = v.toLowerCase(Locale.ROOT).indexOf(" for ");
      if (f < 0) continue;
      int semi = v.indexOf(';', f);
      String clause = v.substring(f + 5, semi < 0 ? v.length() : semi);
      List<Addresses.Found> found = Addresses.find(clause);
      if (!found.isEmpty() && !out.contains(found.getFirst().address()))
        out.add(found.getFirst().address());
    }
    return out;
  }

  static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
