package dev.petrel.status.bounce;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;

/**
 * Turns the bytes of a mail into a {@link MailPart} tree, tolerating what bounce generators get
 * wrong: bare CR or LF line ends, 8-bit text without a charset, unknown charset names, ISO-2022-JP
 * text labelled us-ascii, and broken multipart structure (text outside any part is kept as the
 * preamble or epilogue of its multipart).
 *
 * <p>It splits the byte array in place, without streams or copies: a multipart's parts are the
 * ranges between its boundary lines, an enclosed message (message/rfc822) is its part's body. The
 * splitting follows mime4j's lenient parser, which it replaced for speed (mime4j copied every body
 * through buffers and threw an exception per malformed header line), so that bounces read as
 * before: a boundary line is "--" and the boundary at the start of a line, followed by white space,
 * "--" or the end; "--" anywhere after it on that line makes it the closing one; a part runs to the
 * next boundary line or to the end of its enclosing part. The line end before a boundary line
 * belongs to the boundary. Transfer encodings are decoded by {@link TransferDecoding}, which reads
 * them as mime4j's decoders did.
 *
 * <p>Bounded work on any input: inputs are cut at {@link #MAX_INPUT}, texts at 1 MB, parts after
 * the 500th are not kept, and below {@link #MAX_DEPTH} levels a multipart or an enclosed message is
 * read as plain text (each level scans its range once, so nesting costs at most that many passes).
 */
final class MimeReader {

  /** Inputs are cut here; a bounce notice that matters is never this long. */
  static final int MAX_INPUT = 8 << 20;

  /** Nesting deeper than this (multiparts in multiparts, messages in messages) is read as text. */
  static final int MAX_DEPTH = 20;

  /** The most text kept from one part. */
  private static final int MAX_PART_TEXT = 1 << 20;

  private static final int MAX_PARTS = 500;

  /** Entities read so far; parts after {@link #MAX_PARTS} are left out of the tree. */
  private int parts;

  private MimeReader() {}

  /** Parses a mail; never throws. */
  static MailPart read(byte[] raw) {
    MailPart root = new MailPart(null);
    try {
      byte[] bytes = normaliseLineEnds(raw);
      new MimeReader().entity(bytes, 0, bytes.length, root, 0, null);
    } catch (RuntimeException | StackOverflowError e) {
      // Keep what was built so far; a part that was cut short still carries useful text.
    }
    return root;
  }

  /**
   * The length of the lines of white space only at the top of a mail whose header follows them, or
   * 0. A mail saved from a web page or a mail client's "view source" may start with an empty line,
   * or one of spaces, above its header; read as it stands, that line would end an empty header and
   * the whole mail, header and parts, would be taken for the plain text of its body. The lines are
   * dropped only when the next line is a header field ("Name: value", or an mbox "From " line), so
   * a body-only text that starts with a blank line keeps it.
   */
  static int leadingBlankLines(byte[] raw, int n) {
    int i = 0;
    int lineStart = 0;
    while (i < n) {
      byte b = raw[i];
      if (b == '\n') {
        lineStart = ++i;
      } else if (b == ' ' || b == '\t' || b == '\r') {
        i++;
      } else {
        break;
      }
    }
    if (lineStart == 0 || lineStart >= n) return 0;
    if (n - lineStart > 5
        && raw[lineStart] == 'F'
        && raw[lineStart + 1] == 'r'
        && raw[lineStart + 2] == 'o'
        && raw[lineStart + 3] == 'm'
        && raw[lineStart + 4] == ' ') return lineStart;
    // a field name: printable characters other than the colon, then a colon, on the same line
    int j = lineStart;
    while (j < n && raw[j] > ' ' && raw[j] < 127 && raw[j] != ':') j++;
    return j > lineStart && j < n && raw[j] == ':' ? lineStart : 0;
  }

  /**
   * Makes every line end a single LF, drops lines of white space above the header ({@link
   * #leadingBlankLines}) and an mbox "From " envelope line at the top, and cuts inputs longer than
   * {@link #MAX_INPUT}. Returns {@code raw} itself when there is nothing to do.
   */
  static byte[] normaliseLineEnds(byte[] raw) {
    int n = Math.min(raw.length, MAX_INPUT);
    int start = leadingBlankLines(raw, n);
    if (n > start + 5
        && raw[start] == 'F'
        && raw[start + 1] == 'r'
        && raw[start + 2] == 'o'
        && raw[start + 3] == 'm'
        && raw[start + 4] == ' ') {
      while (start < n && raw[start] != '\n' && raw[start] != '\r') start++;
      if (start < n && raw[start] == '\r') start++;
      if (start < n && raw[start] == '\n') start++;
    }
    int firstCr = Bytes.indexOf(raw, start, n, '\r');
    if (firstCr < 0) firstCr = n;
    if (start == 0 && firstCr == n) return n == raw.length ? raw : Arrays.copyOf(raw, n);
    byte[] out = new byte[n - start];
    int o = firstCr - start;
    System.arraycopy(raw, start, out, 0, o);
    // from one CR to the next: the CR (with a LF after it) becomes a LF, the rest is copied
    int cr = firstCr;
    while (cr < n) {
      out[o++] = '\n';
      int i = cr + 1;
      if (i < n && raw[i] == '\n') i++;
      int next = Bytes.indexOf(raw, i, n, '\r');
      if (next < 0) next = n;
      System.arraycopy(raw, i, out, o, next - i);
      o += next - i;
      cr = next;
    }
    return o == out.length ? out : Arrays.copyOf(out, o);
  }

  /**
   * Reads the entity (a message or a body part) in {@code b[start, end)} into {@code part}.
   *
   * @param parentType the media type the enclosing entity's Content-Type gave, or null; the parts
   *     of a multipart/digest are messages by default
   */
  private void entity(byte[] b, int start, int end, MailPart part, int depth, String parentType) {
    parts++;
    MimeHeader h = MimeHeader.read(b, start, end, part);
    if (depth == 0 && h.notAHeader()) {
      // the text of a notice without its mail: all of it is the body, as plain text
      part.headers.clear();
      leaf(b, start, end, part, "text/plain", null);
      return;
    }
    String ct = part.header("Content-Type");
    if (ct != null) {
      int semi = ct.indexOf(';');
      String t = (semi >= 0 ? ct.substring(0, semi) : ct).trim().toLowerCase(Locale.ROOT);
      if (t.indexOf('/') > 0) part.mimeType = t;
    } else if (part.parent != null && "multipart/digest".equals(part.parent.mimeType)) {
      part.mimeType = "message/rfc822";
    }
    String type = h.mimeType;
    if (type == null) {
      type = "multipart/digest".equalsIgnoreCase(parentType) ? "message/rfc822" : "text/plain";
    }
    boolean multipart = type.startsWith("multipart/");
    boolean message = type.equals("message/rfc822");
    if ((multipart || message) && depth >= MAX_DEPTH) {
      leaf(b, h.bodyStart, end, part, "text/plain", h.transferEncoding);
    } else if (multipart) {
      part.mimeType = type;
      multipart(b, h.bodyStart, end, part, h, depth);
    } else if (message) {
      if (parts >= MAX_PARTS) return;
      MailPart enclosed = new MailPart(part);
      enclosed.enclosedMessage = true;
      part.children.add(enclosed);
      int len = end - h.bodyStart;
      byte[] content = transferDecode(b, h.bodyStart, len, h.transferEncoding, Integer.MAX_VALUE);
      if (content == null) entity(b, h.bodyStart, end, enclosed, depth + 1, h.mimeType);
      else entity(content, 0, content.length, enclosed, depth + 1, h.mimeType);
    } else {
      leaf(b, h.bodyStart, end, part, type, h.transferEncoding);
    }
  }

  private void multipart(byte[] b, int body, int end, MailPart part, MimeHeader h, int depth) {
    byte[] delimiter = delimiter(h.boundary);
    int at = findBoundary(b, body, end, delimiter);
    if (at < 0) {
      // no boundary at all: the whole body is preamble
      part.preamble = text(b, body, end);
      return;
    }
    part.preamble = text(b, body, beforeBoundary(b, body, at));
    while (true) {
      int next = at + delimiter.length;
      boolean last = false;
      boolean lookForClose = true;
      // the rest of the boundary line is skipped; "--" anywhere on it closes the multipart
      while (end - next > 1) {
        byte c1 = b[next];
        byte c2 = b[next + 1];
        if (lookForClose && c1 == '-' && c2 == '-') {
          last = true;
          lookForClose = false;
          next += 2;
          continue;
        }
        if (c1 == '\r' && c2 == '\n') {
          next += 2;
          break;
        }
        next++;
        if (c1 == '\n') break;
      }
      if (last) {
        part.epilogue = text(b, next, end);
        return;
      }
      if (next >= end) return;
      at = findBoundary(b, next, end, delimiter);
      int partEnd = at < 0 ? end : beforeBoundary(b, next, at);
      if (parts < MAX_PARTS) {
        MailPart child = new MailPart(part);
        part.children.add(child);
        entity(b, next, partEnd, child, depth + 1, h.mimeType);
      }
      if (at < 0) return;
    }
  }

  /** "--" and the boundary, one byte per char. */
  private static byte[] delimiter(String boundary) {
    byte[] d = new byte[boundary.length() + 2];
    d[0] = '-';
    d[1] = '-';
    for (int i = 0; i < boundary.length(); i++) d[i + 2] = (byte) boundary.charAt(i);
    return d;
  }

  /**
   * The first boundary line in {@code b[from, end)}: the delimiter at {@code from} or right after a
   * LF, followed by white space, "--" or the end. Returns its index, or -1.
   */
  static int findBoundary(byte[] b, int from, int end, byte[] delimiter) {
    int last = end - delimiter.length;
    if (from > last) return -1;
    if (boundaryAt(b, from, end, delimiter)) return from;
    // the delimiter starts with '-': only lines that do can hold it
    int i = from;
    while (true) {
      int lf = Bytes.indexOfPair(b, i, last + 1, '\n', '-');
      if (lf < 0) return -1;
      if (boundaryAt(b, lf + 1, end, delimiter)) return lf + 1;
      i = lf + 1;
    }
  }

  /** Whether the delimiter at {@code i} (with room for it) is followed as a boundary line's is. */
  private static boolean boundaryAt(byte[] b, int i, int end, byte[] delimiter) {
    if (!startsWith(b, i, delimiter)) return false;
    int after = i + delimiter.length;
    if (after == end) return true;
    byte c = b[after];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return true;
    return c == '-' && after + 1 < end && b[after + 1] == '-';
  }

  private static boolean startsWith(byte[] b, int at, byte[] prefix) {
    for (int k = 0; k < prefix.length; k++) {
      if (b[at + k] != prefix[k]) return false;
    }
    return true;
  }

  /** Where the content before a boundary line at {@code at} ends: its LF (or CRLF) excluded. */
  private static int beforeBoundary(byte[] b, int from, int at) {
    int len = at - from;
    int e = at;
    if (len > 0 && b[e - 1] == '\n') e--;
    if (len > 1 && b[e - 1] == '\r') e--;
    return e;
  }

  /** A preamble or epilogue: raw bytes as text, or null when empty. */
  private static String text(byte[] b, int from, int to) {
    if (to <= from) return null;
    return TextDecoder.decode(b, from, Math.min(to - from, MAX_PART_TEXT), null);
  }

  private static void leaf(
      byte[] b, int body, int end, MailPart part, String type, String transferEncoding) {
    part.mimeType = type;
    String cs = part.contentTypeParam("charset");
    part.charset = cs;
    if (type.startsWith("image/")
        || type.startsWith("audio/")
        || type.startsWith("video/")
        || (type.startsWith("application/") && !type.contains("json") && !type.contains("octet"))) {
      return;
    }
    int len = end - body;
    byte[] decoded = transferDecode(b, body, len, transferEncoding, MAX_PART_TEXT);
    if (decoded == null) {
      part.text = TextDecoder.decode(b, body, Math.min(len, MAX_PART_TEXT), cs);
    } else {
      part.text = TextDecoder.decode(decoded, 0, Math.min(decoded.length, MAX_PART_TEXT), cs);
    }
  }

  /**
   * The body decoded from base64 or quoted-printable (at most {@code cap} bytes of it), or null
   * when the transfer encoding leaves the bytes as they are.
   */
  static byte[] transferDecode(byte[] b, int off, int len, String encoding, int cap) {
    if ("base64".equals(encoding)) return TransferDecoding.base64(b, off, len, cap);
    if (!"quoted-printable".equals(encoding)) return null;
    byte[] decoded = TransferDecoding.quotedPrintable(b, off, len, cap);
    return decoded != null ? decoded : mime4jQuotedPrintable(b, off, len, cap);
  }

  /**
   * Quoted-printable through mime4j's stream, for the rare inputs whose result depends on how that
   * stream buffers them (see {@link TransferDecoding}); read in the same steps as before.
   */
  static byte[] mime4jQuotedPrintable(byte[] b, int off, int len, int cap) {
    InputStream in =
        new QuotedPrintableInputStream(new ByteArrayInputStream(b, off, len), DecodeMonitor.SILENT);
    byte[] out = new byte[Math.min(cap, len + 16)];
    int n = 0;
    try (in) {
      while (n < cap) {
        if (n == out.length) out = Arrays.copyOf(out, (int) Math.min(cap, 2L * out.length));
        int r = in.read(out, n, out.length - n);
        if (r < 0) break;
        n += r;
      }
    } catch (IOException | RuntimeException e) {
      // keep what was decoded
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }
}
