package dev.petrel.protocol;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Fuzzes the grammar with arbitrary bytes. Without {@code JAZZER_FUZZ=1} each test runs over its
 * seed inputs under {@code src/test/resources/dev/petrel/protocol/ProtocolFuzzTestInputs}; with it,
 * Jazzer explores for the given time.
 */
class ProtocolFuzzTest {

  private static final byte[] TERMINATOR = {'\r', '\n', '.', '\r', '\n'};

  /**
   * DATA ends at the first CRLF.CRLF of the raw input and nowhere else, and what comes out has only
   * CRLF line endings. The first input byte sets how many octets each read gets.
   */
  @FuzzTest(maxDuration = "60s")
  void dataEndsOnlyAtTheRealTerminator(byte[] input) throws IOException {
    if (input.length == 0) return;
    int step = 1 + (input[0] & 0x3f);
    byte[] data = java.util.Arrays.copyOfRange(input, 1, input.length);
    SmtpInput in = new SmtpInput(new ProtocolChunkedStream(data, step));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataDecoder.Result r = DataDecoder.decode(in, out);
    long rest = in.copy(Long.MAX_VALUE, OutputStream.nullOutputStream());
    int consumed = (int) (data.length - rest);
    // The data starts right after DATA's CRLF, so a leading ".\r\n" is a terminator too.
    byte[] raw = new byte[consumed + 2];
    raw[0] = '\r';
    raw[1] = '\n';
    System.arraycopy(data, 0, raw, 2, consumed);
    int first = indexOf(raw, TERMINATOR);
    if (r.complete()) assertThat(first).isEqualTo(raw.length - TERMINATOR.length);
    else assertThat(first).isEqualTo(-1);
    String text = out.toString(ISO_8859_1);
    assertThat(text.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
    assertThat(r.octets()).isEqualTo(out.size());
  }

  /** Lines come back bounded, and their octets add up to the input. */
  @FuzzTest(maxDuration = "30s")
  void linesStayBoundedAndAccountForEveryOctet(byte[] input) throws IOException {
    SmtpInput in = new SmtpInput(new ProtocolChunkedStream(input, 7));
    long total = 0;
    for (Line l = in.readLine(64); l != null; l = in.readLine(64)) {
      assertThat(l.content().length).isLessThanOrEqualTo(64);
      assertThat(l.tooLong()).isEqualTo(l.octets() > 64);
      total += l.octets();
      l.text();
    }
    assertThat(total).isEqualTo(input.length);
  }

  /** MAIL, RCPT and BDAT arguments either parse or are refused with a 5xx; nothing else. */
  @FuzzTest(maxDuration = "30s")
  void argumentsParseOrAreRefused(byte[] input) {
    String s = new String(input, java.nio.charset.StandardCharsets.UTF_8);
    for (String arg : new String[] {s, "FROM:" + s, "TO:" + s, "FROM:<a@b.example> " + s}) {
      try {
        MailFrom.parse(arg);
      } catch (CommandRejectedException e) {
        assertThat(e.reply().klass()).isEqualTo(5);
      }
      try {
        RcptTo.parse(arg, input.length % 2 == 0);
      } catch (CommandRejectedException e) {
        assertThat(e.reply().klass()).isEqualTo(5);
      }
      try {
        ChunkHeader.parse(arg);
      } catch (CommandRejectedException e) {
        assertThat(e.reply().code()).isEqualTo(501);
      }
      CommandLine.parse(arg);
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
