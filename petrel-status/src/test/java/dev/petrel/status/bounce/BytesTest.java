package dev.petrel.status.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The word-at-a-time scans and the line-end normalisation against byte-by-byte versions. */
class BytesTest {

  private static final byte[] ALPHABET = {'\r', '\n', '=', '-', 'a', ' ', 0x1b, (byte) 0x80, 0};

  private static byte[] random(Random r, int len) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) b[i] = ALPHABET[r.nextInt(ALPHABET.length)];
    return b;
  }

  @Test
  void scansFindWhatALoopFinds() {
    Random r = new Random(8);
    for (int k = 0; k < 20000; k++) {
      byte[] b = random(r, r.nextInt(40));
      int from = b.length == 0 ? 0 : r.nextInt(b.length + 1);
      int to = from + r.nextInt(b.length - from + 1);
      int c1 = ALPHABET[r.nextInt(ALPHABET.length)];
      int c2 = ALPHABET[r.nextInt(ALPHABET.length)];
      int first = -1;
      int either = -1;
      boolean high = false;
      for (int i = to - 1; i >= from; i--) {
        if (b[i] == c1) first = i;
        if (b[i] == c1 || b[i] == c2) either = i;
        high |= b[i] < 0;
      }
      assertThat(Bytes.indexOf(b, from, to, c1)).isEqualTo(first);
      assertThat(Bytes.indexOfEither(b, from, to, c1, c2)).isEqualTo(either);
      int pair = -1;
      for (int i = from; i < to - 1 && pair < 0; i++) {
        if (b[i] == c1 && b[i + 1] == c2) pair = i;
      }
      assertThat(Bytes.indexOfPair(b, from, to, c1, c2)).isEqualTo(pair);
      assertThat(Bytes.hasHighBit(b, from, to)).isEqualTo(high);
      boolean esc = Bytes.hasEscape(b, from, to);
      assertThat(esc).isEqualTo(Bytes.indexOf(b, from, to, 0x1b) >= 0);
      assertThat(Bytes.kinds(b, from, to))
          .isEqualTo((high ? Bytes.HIGH_BIT : 0) | (esc ? Bytes.ESCAPE : 0));
    }
  }

  /** The first line from {@code from} on that starts with the delimiter, as a boundary line. */
  private static int boundaryLine(byte[] b, int from, int end, byte[] delimiter) {
    for (int i = from; i <= end - delimiter.length; i++) {
      if (i > from && b[i - 1] != '\n') continue;
      if (!Arrays.equals(b, i, i + delimiter.length, delimiter, 0, delimiter.length)) continue;
      int after = i + delimiter.length;
      if (after == end) return i;
      byte c = b[after];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return i;
      if (c == '-' && after + 1 < end && b[after + 1] == '-') return i;
    }
    return -1;
  }

  @Test
  void boundaryLinesAreFoundAsALoopFindsThem() {
    byte[] delimiter = "--a-".getBytes(StandardCharsets.ISO_8859_1);
    byte[] alphabet = {'\n', '\n', '-', '-', '-', 'a', 'a', ' ', '\r', 'x'};
    Random r = new Random(2046);
    for (int k = 0; k < 50000; k++) {
      byte[] b = new byte[r.nextInt(50)];
      for (int i = 0; i < b.length; i++) b[i] = alphabet[r.nextInt(alphabet.length)];
      int from = r.nextInt(b.length + 1);
      int end = from + r.nextInt(b.length - from + 1);
      assertThat(MimeReader.findBoundary(b, from, end, delimiter))
          .as(new String(b, StandardCharsets.ISO_8859_1) + " " + from + " " + end)
          .isEqualTo(boundaryLine(b, from, end, delimiter));
    }
  }

  /** Every CR, CRLF and LF a LF; a "From " line at the top dropped. */
  private static byte[] normalised(byte[] raw) {
    int start = 0;
    if (raw.length > 5 && new String(raw, 0, 5, StandardCharsets.ISO_8859_1).equals("From ")) {
      while (start < raw.length && raw[start] != '\n' && raw[start] != '\r') start++;
      if (start < raw.length && raw[start] == '\r') start++;
      if (start < raw.length && raw[start] == '\n') start++;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = start; i < raw.length; i++) {
      if (raw[i] == '\r') {
        out.write('\n');
        if (i + 1 < raw.length && raw[i + 1] == '\n') i++;
      } else {
        out.write(raw[i]);
      }
    }
    return out.toByteArray();
  }

  @Test
  void lineEndsBecomeLf() {
    Random r = new Random(5322);
    for (int k = 0; k < 20000; k++) {
      byte[] raw = random(r, r.nextInt(60));
      if (k % 3 == 0) {
        byte[] from = "From x\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = new byte[from.length + raw.length];
        System.arraycopy(from, 0, b, 0, from.length);
        System.arraycopy(raw, 0, b, from.length, raw.length);
        raw = b;
      }
      assertThat(MimeReader.normaliseLineEnds(raw)).isEqualTo(normalised(raw));
    }
  }
}
