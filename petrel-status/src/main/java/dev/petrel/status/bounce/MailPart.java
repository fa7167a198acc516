package dev.petrel.status.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One entity of a parsed mail: its header fields, its media type and, for leaf parts, its decoded
 * content. A message/rfc822 part has the enclosed message as its only child.
 */
final class MailPart {

  /**
   * One header field, unfolded and with RFC 2047 encoded words decoded. A field read from a mail
   * keeps its bytes and decodes its value on first use: most fields of a bounce (Received,
   * DKIM-Signature, ...) are never asked for.
   */
  static final class Header {
    private final String name;
    private String value;

    /** The field's bytes (name, colon and value) in {@code source[from, to)}, or null. */
    private final byte[] source;

    private final int from;
    private final int to;

    /** A value with RFC 2047 encoded words still in it, or null. */
    private final String encoded;

    Header(String name, String value) {
      this(name, value, null, 0, 0, null);
    }

    /** A field whose value is {@link MimeHeader#value} of {@code source[from, to)}. */
    Header(String name, byte[] source, int from, int to) {
      this(name, null, source, from, to, null);
    }

    private Header(String name, String value, byte[] source, int from, int to, String encoded) {
      this.name = name;
      this.value = value;
      this.source = source;
      this.from = from;
      this.to = to;
      this.encoded = encoded;
    }

    /** A field whose value is {@link OriginalMessage#decodeWords} of {@code encoded}. */
    static Header withEncodedWords(String name, String encoded) {
      return new Header(name, null, null, 0, 0, encoded);
    }

    String name() {
      return name;
    }

    String value() {
      String v = value;
      if (v == null) {
        v =
            encoded != null
                ? OriginalMessage.decodeWords(encoded)
                : MimeHeader.value(source, from, to);
        value = v; // a race only decodes twice: the result is the same string
      }
      return v;
    }

    @Override
    public String toString() {
      return name + ": " + value();
    }
  }

  final List<Header> headers = new ArrayList<>();
  final List<MailPart> children = new ArrayList<>();
  final MailPart parent;

  /** Lower-case media type, e.g. {@code text/plain}; {@code text/plain} when absent. */
  String mimeType = "text/plain";

  String charset;

  /** Decoded text of a leaf part (after transfer decoding and charset decoding), or null. */
  String text;

  /**
   * Text that stood before the first boundary of a multipart (some MTAs write the report there).
   */
  String preamble;

  /** Text after the closing boundary of a multipart. */
  String epilogue;

  /** True for the entity that a message/rfc822 (or message/global) part encloses. */
  boolean enclosedMessage;

  MailPart(MailPart parent) {
    this.parent = parent;
  }

  /** The first value of a header, or null. */
  String header(String name) {
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) return h.value();
    }
    return null;
  }

  /** All values of a header, in order. */
  List<String> headers(String name) {
    List<String> out = new ArrayList<>();
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) out.add(h.value());
    }
    return out;
  }

  boolean isMultipart() {
    return mimeType.startsWith("multipart/");
  }

  /** The Content-Type value last lower-cased for {@link #contentTypeParam}, and that. */
  private String contentType;

  private String contentTypeLower;

  /** A Content-Type parameter of this part (lower-case value), or null. */
  String contentTypeParam(String param) {
    String ct = header("Content-Type");
    if (ct == null) return null;
    String lower = contentTypeLower;
    if (ct != contentType || lower == null) {
      lower = ct.toLowerCase(Locale.ROOT);
      contentType = ct;
      contentTypeLower = lower;
    }
    String needle = param.toLowerCase(Locale.ROOT) + "=";
    int i = lower.indexOf(needle);
    while (i > 0 && Character.isLetterOrDigit(lower.charAt(i - 1))) {
      i = lower.indexOf(needle, i + 1);
    }
    if (i < 0) return null;
    int s = i + param.length() + 1;
    int e = s;
    if (s < lower.length() && lower.charAt(s) == '"') {
      s++;
      e = lower.indexOf('"', s);
      if (e < 0) e = lower.length();
    } else {
      while (e < lower.length()
          && lower.charAt(e) != ';'
          && !Character.isWhitespace(lower.charAt(e))) e++;
    }
    return lower.substring(s, e).trim();
  }

  /** Every part below (and including) this one, depth first. */
  List<MailPart> flatten() {
    List<MailPart> out = new ArrayList<>();
    collect(this, out, 0);
    return out;
  }

  private static void collect(MailPart p, List<MailPart> out, int depth) {
    out.add(p);
    if (depth > 64) return;
    for (MailPart c : p.children) collect(c, out, depth + 1);
  }

  /** True when this part lies inside an enclosed (returned original) message. */
  boolean insideEnclosedMessage() {
    for (MailPart p = this; p != null; p = p.parent) {
      if (p.enclosedMessage) return true;
    }
    return false;
  }
}
