package dev.petrel.status.bounce;

import java.util.Arrays;

/**
 * Decoders for the two content transfer encodings of RFC 2045, from a range of a byte array to a
 * new array, without streams: base64 (§6.8) and quoted-printable (§6.7).
 *
 * <p>Both are lenient the way mime4j's stream decoders are with {@code DecodeMonitor.SILENT}, which
 * the MIME reader used before, so that bounces read exactly as they did: nothing is ever rejected,
 * and broken input is kept or dropped as those decoders keep or drop it. The unit test
 * TransferDecodingTest runs both over every body of the corpus and over malformed inputs.
 *
 * <p>mime4j's quoted-printable stream reads its input through a 2 KiB window, and on two shapes of
 * input its result depends on where that window happens to end (a CR byte, and "==" before a line
 * end). {@link #quotedPrintable} returns null for inputs with these shapes, so that the caller
 * decodes them with mime4j itself. Mails reach the decoders with LF line ends, so only bodies
 * decoded out of an enclosed message can hold a CR.
 */
final class TransferDecoding {

  /** The 6-bit value of each base64 alphabet byte (RFC 2045 §6.8, table 1), -1 for the others. */
  private static final byte[] SEXTET = new byte[256];

  /** Bytes that mime4j's quoted-printable decoder treats as white space: Java's definition. */
  private static final boolean[] BLANK = new boolean[256];

  static {
    Arrays.fill(SEXTET, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) SEXTET[alphabet.charAt(i)] = (byte) i;
    for (int c = 0; c < 256; c++) BLANK[c] = Character.isWhitespace(c);
  }

  private TransferDecoding() {}

  /**
   * Base64 per RFC 2045 §6.8: bytes outside the alphabet (line ends included) are skipped, every
   * four alphabet bytes give three bytes. The first "=" ends the data: two or three alphabet bytes
   * before it in the current group give one or two bytes, fewer give none, and whatever follows it
   * is ignored. An incomplete group at the end without "=" is dropped. At most {@code cap} bytes
   * are returned.
   */
  static byte[] base64(byte[] b, int off, int len, int cap) {
    int end = off + len;
    int room = (int) Math.min((long) cap, (len / 4) * 3L + 3);
    byte[] out = new byte[room];
    int o = 0;
    int group = 0;
    int have = 0;
    for (int i = off; i < end && o < cap; i++) {
      int c = b[i] & 0xff;
      int v = SEXTET[c];
      if (v >= 0) {
        group = (group << 6) | v;
        if (++have == 4) {
          have = 0;
          o = put(out, o, (byte) (group >>> 16));
          o = put(out, o, (byte) (group >>> 8));
          o = put(out, o, (byte) group);
        }
      } else if (c == '=') {
        if (have == 2) {
          o = put(out, o, (byte) (group >>> 4));
        } else if (have == 3) {
          o = put(out, o, (byte) (group >>> 10));
          o = put(out, o, (byte) (group >>> 2));
        }
        break;
      }
    }
    return o == out.length ? out : Arrays.copyOf(out, o);
  }

  /** Stores {@code v} at {@code o} when there is room (the cap may cut a group short). */
  private static int put(byte[] out, int o, byte v) {
    if (o < out.length) out[o++] = v;
    return o;
  }

  /**
   * Quoted-printable per RFC 2045 §6.7, with mime4j's lenient reading, or null when the result
   * would depend on mime4j's buffering (see the class comment). At most {@code cap} bytes are
   * returned.
   *
   * <ul>
   *   <li>A line end (LF) becomes CRLF (rule 4), and the white space before it is dropped (rule 3).
   *   <li>"=" and two hex digits, upper or lower case, is the byte they give (rule 1).
   *   <li>"=" followed by white space is a soft line break (rule 5): "=" LF is dropped; for "=" and
   *       a blank, the "=" and the blanks after it are dropped when a line end follows them, and
   *       are kept as they are when other text follows.
   *   <li>"==" gives one "=" (broken encoders write it for "=3D").
   *   <li>Any other "=" is kept with the (at most two) bytes after it, as they are.
   *   <li>White space at the very end is dropped.
   * </ul>
   */
  static byte[] quotedPrintable(byte[] b, int off, int len, int cap) {
    int end = off + len;
    if (Bytes.indexOf(b, off, end, '\r') >= 0) return null;
    // each input byte gives at most two (LF gives CRLF); 3 bytes of slack let an emission overrun
    // the cap before the loop checks it
    byte[] out = new byte[(int) Math.min((long) cap, 2L * len) + 3];
    int o = 0;
    int blanks = -1; // start of pending white space that ends at i, or -1
    int i = off;
    while (i < end && o < cap) {
      // the text up to the next "=" or line end is copied as it is, except for white space at its
      // end, which waits for what follows it
      int j = Bytes.indexOfEither(b, i, end, '=', '\n');
      if (j < 0) j = end;
      int from = blanks >= 0 ? blanks : i;
      int text = j;
      while (text > i && BLANK[b[text - 1] & 0xff]) text--;
      if (j == end) {
        // white space at the very end is dropped
        if (text > i) o = copy(b, from, text, out, o, cap);
        break;
      }
      if (b[j] == '\n') {
        int run; // where the white space before the line end starts, or -1
        if (text > i) {
          o = copy(b, from, text, out, o, cap);
          run = text < j ? text : -1;
        } else {
          run = j > from ? from : -1;
        }
        // a line end after "=" and blanks is a soft line break; any other is hard
        if (run < 0 || b[run] != '=') {
          out[o++] = '\r';
          out[o++] = '\n';
        }
        blanks = -1;
        i = j + 1;
        continue;
      }
      // "=": the white space before it is kept
      o = copy(b, from, j, out, o, cap);
      blanks = -1;
      if (o >= cap) break;
      int c2 = j + 1 < end ? b[j + 1] & 0xff : -1;
      if (c2 == '=') {
        if (j + 2 < end && b[j + 2] == '\n') return null;
        out[o++] = '=';
        i = j + 2;
      } else if (c2 >= 0 && BLANK[c2]) {
        if (c2 != '\n') blanks = j;
        i = j + 2;
      } else {
        int c3 = j + 2 < end ? b[j + 2] & 0xff : -1;
        int hi = hex(c2);
        int lo = hex(c3);
        if (hi >= 0 && lo >= 0) {
          out[o++] = (byte) (hi << 4 | lo);
        } else {
          out[o++] = '=';
          if (c2 >= 0) out[o++] = (byte) c2;
          if (c3 >= 0) out[o++] = (byte) c3;
        }
        i = Math.min(j + 3, end);
      }
    }
    return Arrays.copyOf(out, Math.min(o, cap));
  }

  /** Writes {@code b[from, to)} at {@code o}, up to the cap. */
  private static int copy(byte[] b, int from, int to, byte[] out, int o, int cap) {
    int n = Math.min(to - from, Math.max(0, cap - o));
    System.arraycopy(b, from, out, o, n);
    return o + n;
  }

  private static int hex(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }
}
