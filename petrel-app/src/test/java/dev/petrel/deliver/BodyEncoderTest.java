package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Wire form of a stored message: CRLF everywhere, a closed last line, dot-stuffing for DATA. */
class BodyEncoderTest {

  static String encode(String in, boolean stuff) throws IOException {
    try (BodyEncoder e =
        new BodyEncoder(
            new ByteArrayInputStream(in.getBytes(StandardCharsets.ISO_8859_1)), stuff)) {
      return new String(e.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void dotStuffing() throws IOException {
    assertThat(encode(".a\r\nb.\r\n..c\r\n.\r\n", true)).isEqualTo("..a\r\nb.\r\n...c\r\n..\r\n");
    assertThat(encode(".a\r\n", false)).isEqualTo(".a\r\n");
  }

  @Test
  void lineEndings() throws IOException {
    assertThat(encode("a\nb\rc\r\n\r\rd", true)).isEqualTo("a\r\nb\r\nc\r\n\r\n\r\nd\r\n");
    assertThat(encode("\n.x", true)).isEqualTo("\r\n..x\r\n");
    assertThat(encode("ends in cr\r", true)).isEqualTo("ends in cr\r\n");
  }

  @Test
  void emptyBodyStaysEmpty() throws IOException {
    assertThat(encode("", true)).isEmpty();
  }

  @Test
  void eightBitPassesUnchanged() throws IOException {
    assertThat(encode("caf\u00e9\r\n", true)).isEqualTo("caf\u00e9\r\n");
  }

  @Test
  void boundariesBetweenBlocks() throws IOException {
    // CRs, LFs and dots at every position around the 64 KiB block edge.
    for (int pad = 65_530; pad < 65_540; pad++) {
      String in = "x".repeat(pad) + "\r\n.dot\r\n" + "y".repeat(3) + "\r";
      String expected = "x".repeat(pad) + "\r\n..dot\r\n" + "yyy\r\n";
      assertThat(encode(in, true)).as("pad %d", pad).isEqualTo(expected);
      String lf = "x".repeat(pad) + "\r" + "\n.";
      assertThat(encode(lf, true)).as("pad %d", pad).isEqualTo("x".repeat(pad) + "\r\n..\r\n");
    }
  }

  @Test
  void countsOutput() throws IOException {
    BodyEncoder e = new BodyEncoder(new ByteArrayInputStream("a\n.b".getBytes()), true);
    e.readAllBytes();
    assertThat(e.encodedBytes()).isEqualTo(8);
  }

  @Test
  void sourceFailureIsTold() {
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("disk error");
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            throw new IOException("disk error");
          }
        };
    assertThatThrownBy(() -> new BodyEncoder(broken, true).readAllBytes())
        .isInstanceOf(BodyEncoder.SourceException.class)
        .hasMessage("disk error");
  }
}
