package dev.petrel.status.bounce;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * The header block of one MIME entity, read from the bytes of a mail: its fields (added to the
 * {@link MailPart}, decoded), and what the MIME fields say about the body (media type, multipart
 * boundary, transfer encoding).
 *
 * <p>The rules are those of mime4j's lenient parser, which this reader replaced on the hot path so
 * that the parts of a bounce are read the same way as before: a field is a line and the lines after
 * it that start with a space or tab; a blank line ends the block; a field without a colon or with a
 * name outside RFC 5322's printable characters is skipped; the first valid Content-Type decides the
 * media type (a multipart type only with a boundary), the first non-empty Content-Transfer-Encoding
 * the decoding. Comments in parentheses are skipped in field names and in Content-Type, as mime4j
 * does.
 */
final class MimeHeader {

  /** Header fields kept per part; the rest are read for their MIME meaning only. */
  private static final int MAX_FIELDS = 1000;

  /** The media type a valid Content-Type gives (lower case), or null. */
  String mimeType;

  /** The multipart boundary, set with a multipart {@link #mimeType}. */
  String boundary;

  /** The first non-empty Content-Transfer-Encoding, trimmed and in lower case, or null. */
  String transferEncoding;

  /** Where the body starts: after the blank line that ends the header, or at the end. */
  int bodyStart;

  /** The lines of the block that start a field (not continuation lines), valid fields or not. */
  int lines;

  /** The lines of the block that were read as a valid field. */
  int fields;

  private MimeHeader() {}

  /** Reads the header block in {@code b[start, end)}, adding its fields to {@code part}. */
  static MimeHeader read(byte[] b, int start, int end, MailPart part) {
    MimeHeader h = new MimeHeader();
    int pos = start;
    while (pos < end) {
      int lineEnd = lineEnd(b, pos, end);
      if (blank(b, pos, lineEnd)) {
        pos = lineEnd;
        break;
      }
      int fieldStart = pos;
      h.lines++;
      pos = lineEnd;
      while (pos < end && (b[pos] == ' ' || b[pos] == '\t')) pos = lineEnd(b, pos, end);
      int fieldEnd = pos;
      if (fieldEnd > fieldStart && b[fieldEnd - 1] == '\n') fieldEnd--;
      if (fieldEnd > fieldStart && b[fieldEnd - 1] == '\r') fieldEnd--;
      h.field(b, fieldStart, fieldEnd, part);
    }
    h.bodyStart = pos;
    return h;
  }

  /**
   * Whether the block is no header at all but the first paragraph of a text: fewer than half of its
   * lines are fields. A bounce notice's text handed over without its mail (a mail API's or a bounce
   * library's "text body", a notice pasted into a ticket) starts with a sentence ("This is the mail
   * system at host ...", "Delivery has failed to these recipients or groups:"), which no mail
   * header does; a real header with a stray bad line still has far more fields than not.
   */
  boolean notAHeader() {
    return lines > 0 && fields * 2 < lines;
  }

  /** The index after the next LF at or after {@code pos}, or {@code end}. */
  static int lineEnd(byte[] b, int pos, int end) {
    int lf = Bytes.indexOf(b, pos, end, '\n');
    return lf < 0 ? end : lf + 1;
  }

  /** A line with nothing but its line end (LF, CRLF). */
  private static boolean blank(byte[] b, int from, int to) {
    int len = to - from;
    if (len > 0 && b[to - 1] == '\n') len--;
    if (len > 0 && b[from + len - 1] == '\r') len--;
    return len == 0;
  }

  private void field(byte[] b, int from, int to, MailPart part) {
    int colon = from;
    while (colon < to && fieldNameChar(b[colon]) && b[colon] != '(') colon++;
    String name;
    if (colon < to && b[colon] == ':') {
      name = new String(b, from, colon - from, StandardCharsets.ISO_8859_1);
    } else {
      colon = separator(b, from, to);
      if (colon < 0) return;
      name = commentedName(b, from, colon);
      if (name == null) return;
    }
    fields++;
    if (part.headers.size() < MAX_FIELDS) {
      part.headers.add(new MailPart.Header(name, b, from, to));
    }
    if (transferEncoding == null && name.equalsIgnoreCase("Content-Transfer-Encoding")) {
      transferEncoding = transferEncoding(b, colon + 1, to);
    } else if (mimeType == null && name.equalsIgnoreCase("Content-Type")) {
      contentType(b, colon + 1, to);
    }
  }

  /** RFC 5322 field-name characters: printable US-ASCII except colon. */
  private static boolean fieldNameChar(byte c) {
    return c >= 0x21 && c <= 0x7e && c != ':';
  }

  private static boolean space(int c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  /** The colon that ends a name with spaces or comments in it, or -1 when there is none. */
  private static int separator(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      int c = b[i];
      if (c == ':') return i;
      i = c == '(' ? skipComment(b, i, to) : i + 1;
    }
    return -1;
  }

  /**
   * A field name written with spaces, control characters or comments around it ("Subject (x) :"):
   * the words outside comments joined by single spaces, trimmed; null unless that is one valid
   * name.
   */
  private static String commentedName(byte[] b, int from, int colon) {
    StringBuilder name = new StringBuilder();
    boolean gap = false;
    int i = from;
    while (i < colon) {
      int c = b[i];
      if (space(c)) {
        gap = true;
        i++;
      } else if (c == '(') {
        i = skipComment(b, i, colon);
      } else {
        if (gap && !name.isEmpty()) name.append(' ');
        while (i < colon && !space(b[i]) && b[i] != '(') name.append((char) (b[i++] & 0xff));
        gap = false;
      }
    }
    String n = name.toString().trim();
    for (int k = 0; k < n.length(); k++) {
      char c = n.charAt(k);
      if (c < 0x21 || c > 0x7e) return null;
    }
    return n;
  }

  /** The index after the comment (nested, with backslash escapes) at {@code b[i] == '('}. */
  private static int skipComment(byte[] b, int i, int to) {
    int level = 0;
    boolean escaped = false;
    for (; i < to; i++) {
      byte c = b[i];
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '(') {
        level++;
      } else if (c == ')' && --level == 0) {
        return i + 1;
      }
    }
    return to;
  }

  // ---------------------------------------------------------------- field values

  /**
   * The value of the field in {@code b[from, to)}: the text after the first colon, unfolded, with
   * RFC 2047 encoded words decoded, trimmed. Bytes are UTF-8 when valid, else windows-1252.
   */
  static String value(byte[] b, int from, int to) {
    if (!TextDecoder.plainAscii(b, from, to)) {
      String whole = TextDecoder.decode(b, from, to - from, null);
      int colon = whole.indexOf(':');
      return decodeWords(unfold(colon >= 0 ? whole.substring(colon + 1) : whole)).trim();
    }
    int colon = from;
    while (colon < to && b[colon] != ':') colon++;
    int s = colon < to ? colon + 1 : from;
    byte[] src = b;
    int e = to;
    if (Bytes.indexOfEither(b, s, to, '\n', '\r') >= 0) {
      src = unfold(b, s, to);
      s = 0;
      e = src.length;
    }
    if (Bytes.indexOfPair(src, s, e, '=', '?') >= 0) {
      return decodeWords(new String(src, s, e - s, StandardCharsets.ISO_8859_1)).trim();
    }
    while (s < e && (src[s] & 0xff) <= ' ') s++;
    while (e > s && (src[e - 1] & 0xff) <= ' ') e--;
    return new String(src, s, e - s, StandardCharsets.ISO_8859_1);
  }

  private static String decodeWords(String v) {
    if (!v.contains("=?")) return v;
    try {
      return DecoderUtil.decodeEncodedWords(v, DecodeMonitor.SILENT);
    } catch (RuntimeException e) {
      return v;
    }
  }

  /** Each line break (a run of CR and LF) with the blanks after it becomes one space. */
  static String unfold(String v) {
    StringBuilder sb = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '\r' || c == '\n') {
        while (i + 1 < v.length() && (v.charAt(i + 1) == '\r' || v.charAt(i + 1) == '\n')) i++;
        sb.append(' ');
        while (i + 1 < v.length() && (v.charAt(i + 1) == ' ' || v.charAt(i + 1) == '\t')) i++;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** {@link #unfold(String)} over bytes. */
  private static byte[] unfold(byte[] b, int from, int to) {
    byte[] out = new byte[to - from];
    int o = 0;
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c == '\r' || c == '\n') {
        while (i + 1 < to && (b[i + 1] == '\r' || b[i + 1] == '\n')) i++;
        out[o++] = ' ';
        while (i + 1 < to && (b[i + 1] == ' ' || b[i + 1] == '\t')) i++;
      } else {
        out[o++] = c;
      }
    }
    return java.util.Arrays.copyOf(out, o);
  }

  // ---------------------------------------------------------------- MIME fields

  /** Content-Transfer-Encoding: line breaks dropped, trimmed, lower case; null when empty. */
  private static String transferEncoding(byte[] b, int from, int to) {
    StringBuilder sb = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      if (b[i] != '\r' && b[i] != '\n') sb.append((char) (b[i] & 0xff));
    }
    String v = sb.toString().trim();
    return v.isEmpty() ? null : v.toLowerCase(Locale.ROOT);
  }

  /**
   * Content-Type: "type/subtype" (words outside comments, in lower case) and the boundary parameter
   * (the last one given wins). A multipart type without a boundary, or a value without both a type
   * and a subtype, leaves the media type unset, so that a later Content-Type decides.
   */
  private void contentType(byte[] b, int from, int to) {
    Cursor c = new Cursor(b, from, to);
    String main = c.token(false);
    boolean hasBoundary = false;
    String bound = null;
    if (c.pos < to) {
      c.pos++;
      c.skipSpace();
      while (c.pos < to) {
        String name = c.token(true).toLowerCase(Locale.ROOT);
        boolean isBoundary = name.equals("boundary");
        String value = null;
        if (c.pos < to) {
          byte delim = b[c.pos++];
          if (delim != ';') {
            // only the boundary's value is wanted; the others are passed over the same way
            value = c.value(isBoundary);
            if (c.pos < to) c.pos++;
          }
        }
        if (isBoundary) {
          hasBoundary = true;
          bound = value;
        }
      }
    }
    main = main.toLowerCase(Locale.ROOT).trim();
    int slash = main.indexOf('/');
    if (slash < 0) return;
    int last = main.length() - 1;
    if (slash == 0
        || slash == last
        || main.charAt(slash - 1) <= ' '
        || main.charAt(slash + 1) <= ' ') {
      // white space around the slash (trim's sense: up to ' '), or a part missing
      String type = main.substring(0, slash).trim();
      String subtype = main.substring(slash + 1).trim();
      if (type.isEmpty() || subtype.isEmpty()) return;
      main = type + "/" + subtype;
    }
    boolean multipart = main.startsWith("multipart/");
    if (multipart && !(hasBoundary && bound != null)) return;
    mimeType = main;
    if (multipart) boundary = bound;
  }

  /** Reads the words and quoted strings of a structured field value. */
  private static final class Cursor {
    final byte[] b;
    final int end;
    int pos;

    Cursor(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    void skipSpace() {
      while (pos < end && space(b[pos])) pos++;
    }

    private boolean delimiter(int c, boolean equalsToo) {
      return c == ';' || (equalsToo && c == '=');
    }

    /** Words up to ';' (and '=' when asked), one space between words, comments dropped. */
    String token(boolean equalsToo) {
      String first = null; // the usual single word needs no builder
      StringBuilder dst = null;
      boolean gap = false;
      while (pos < end) {
        int c = b[pos];
        if (delimiter(c, equalsToo)) break;
        if (space(c)) {
          skipSpace();
          gap = true;
        } else if (c == '(') {
          pos = skipComment(b, pos, end);
        } else {
          int s = pos;
          while (pos < end && !delimiter(b[pos], equalsToo) && !space(b[pos]) && b[pos] != '(')
            pos++;
          String word = new String(b, s, pos - s, StandardCharsets.UTF_8);
          if (first == null) {
            first = word;
          } else {
            if (dst == null) dst = new StringBuilder(first);
            if (gap) dst.append(' ');
            dst.append(word);
          }
          gap = false;
        }
      }
      return dst != null ? dst.toString() : first != null ? first : "";
    }

    /**
     * A parameter value up to ';': words and quoted strings, comments dropped. When not {@code
     * keep}, the value is passed over and null returned.
     */
    String value(boolean keep) {
      StringBuilder dst = keep ? new StringBuilder() : null;
      boolean gap = false;
      while (pos < end) {
        int c = b[pos];
        if (c == ';') break;
        if (space(c)) {
          skipSpace();
          gap = true;
        } else if (c == '(') {
          pos = skipComment(b, pos, end);
        } else if (!keep) {
          if (c == '"') skipQuoted();
          else unquoted(null);
        } else {
          if (!dst.isEmpty() && gap) dst.append(' ');
          if (c == '"') quoted(dst);
          else unquoted(dst);
          gap = false;
        }
      }
      return keep ? dst.toString() : null;
    }

    private void unquoted(StringBuilder dst) {
      int s = pos;
      while (pos < end) {
        int c = b[pos];
        if (c == ';' || space(c) || c == '(' || c == '"') break;
        pos++;
      }
      if (dst != null) dst.append(new String(b, s, pos - s, StandardCharsets.UTF_8));
    }

    /** Moves past a quoted string as {@link #quoted} reads it. */
    private void skipQuoted() {
      pos++;
      boolean escaped = false;
      for (; pos < end; pos++) {
        byte c = b[pos];
        if (escaped) {
          escaped = false;
        } else if (c == '"') {
          pos++;
          break;
        } else if (c == '\\') {
          escaped = true;
        }
      }
    }

    private void quoted(StringBuilder dst) {
      pos++;
      byte[] raw = new byte[2 * (end - pos) + 1];
      int n = 0;
      boolean escaped = false;
      for (; pos < end; pos++) {
        byte c = b[pos];
        if (escaped) {
          if (c != '"' && c != '\\') raw[n++] = '\\';
          raw[n++] = c;
          escaped = false;
        } else if (c == '"') {
          pos++;
          break;
        } else if (c == '\\') {
          escaped = true;
        } else if (c != '\r' && c != '\n') {
          raw[n++] = c;
        }
      }
      String s = new String(raw, 0, n, StandardCharsets.UTF_8);
      if (s.startsWith("=?")) s = decodeWords(s);
      dst.append(s);
    }
  }
}
