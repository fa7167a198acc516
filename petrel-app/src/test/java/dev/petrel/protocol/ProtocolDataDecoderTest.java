package dev.petrel.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DATA decoding: only CRLF.CRLF ends the message, dots are un-stuffed, bare endings become CRLF.
 * Every case also runs with the input split into reads of every size from 1 to 9 octets.
 */
class ProtocolDataDecoderTest {

  private static final String END = "\r\n.\r\n";

  /** input, expected output, bare LF count, bare CR count. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("plain", "a\r\nb" + END, "a\r\nb\r\n", 0, 0),
        Arguments.of("empty message", ".\r\n", "", 0, 0),
        Arguments.of("one empty line", "\r\n.\r\n", "\r\n", 0, 0),
        Arguments.of("stuffed dot", "..a\r\n...\r\n.." + END, ".a\r\n..\r\n.\r\n", 0, 0),
        Arguments.of("dot then text", ".x\r\nx.\r\n" + END, "x\r\nx.\r\n\r\n", 0, 0),
        Arguments.of("LF.LF", "a\n.\nb" + END, "a\r\n.\r\nb\r\n", 2, 0),
        Arguments.of("LF.CRLF", "a\n.\r\nb" + END, "a\r\n.\r\nb\r\n", 1, 0),
        Arguments.of("CR.CR", "a\r.\rb" + END, "a\r\n.\r\nb\r\n", 0, 2),
        Arguments.of("CRLF.LF", "a\r\n.\nb" + END, "a\r\n.\r\nb\r\n", 1, 0),
        Arguments.of("CRLF.CR", "a\r\n.\rb" + END, "a\r\n.\r\nb\r\n", 0, 1),
        Arguments.of("CR.CRLF", "a\r.\r\nb" + END, "a\r\n.\r\nb\r\n", 0, 1),
        Arguments.of("LF.CR", "a\n.\rb" + END, "a\r\n.\r\nb\r\n", 1, 1),
        Arguments.of("CRLF.CRCRLF", "a\r\n.\r\r\nb" + END, "a\r\n.\r\n\r\nb\r\n", 0, 1),
        Arguments.of("bare LF lines", "a\nb\n" + END, "a\r\nb\r\n\r\n", 2, 0),
        Arguments.of("bare CR inside a line", "a\rb" + END, "a\r\nb\r\n", 0, 1),
        Arguments.of("CRCRLF", "a\r\r\n" + ".\r\n", "a\r\n\r\n", 0, 1),
        Arguments.of("stuffed dot after bare LF", "a\n..b" + END, "a\r\n.b\r\n", 1, 0),
        Arguments.of("8-bit text", "caf\u00e9 \u2603" + END, "caf\u00e9 \u2603\r\n", 0, 0),
        Arguments.of(
            "smuggled second message",
            "body\n.\nMAIL FROM:<x@y>\r\nRCPT TO:<v@w>\r\nDATA\r\nevil" + END,
            "body\r\n.\r\nMAIL FROM:<x@y>\r\nRCPT TO:<v@w>\r\nDATA\r\nevil\r\n",
            2,
            0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decodes(String name, String input, String expected, long bareLf, long bareCr)
      throws IOException {
    for (int step = 1; step <= 9; step++) {
      byte[] bytes = (input + "NEXT\r\n").getBytes(UTF_8);
      SmtpInput in = new SmtpInput(new ProtocolChunkedStream(bytes, step));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      DataDecoder.Result r = DataDecoder.decode(in, out);
      assertThat(r.complete()).as("step %d", step).isTrue();
      assertThat(out.toString(UTF_8)).as("step %d", step).isEqualTo(expected);
      assertThat(r.octets()).isEqualTo(out.size());
      assertThat(r.bareLf()).as("bare LF").isEqualTo(bareLf);
      assertThat(r.bareCr()).as("bare CR").isEqualTo(bareCr);
      assertThat(in.readLine(512).text()).as("what follows the message").isEqualTo("NEXT");
    }
  }

  @Test
  void streamEndingBeforeTheTerminatorIsIncomplete() throws IOException {
    for (String s :
        new String[] {
          "", "abc", "abc\r\n.", "abc\r\n.\r", "abc\n.\n", "a\r.\r", "a\nb\n.\r\n", "a\r.\r\n"
        }) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      DataDecoder.Result r =
          DataDecoder.decode(new SmtpInput(new ProtocolChunkedStream(s.getBytes(UTF_8), 2)), out);
      assertThat(r.complete()).as(s).isFalse();
    }
  }

  @Test
  void terminatorAtTheVeryStartIsTheEmptyMessage() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataDecoder.Result r =
        DataDecoder.decode(
            new SmtpInput(new ProtocolChunkedStream(".\r\n".getBytes(UTF_8), 1)), out);
    assertThat(r.complete()).isTrue();
    assertThat(out.size()).isZero();
  }

  @Test
  void reportsLinesOver1000OctetsWithoutCuttingThem() throws IOException {
    String ok = "a".repeat(998);
    String over = "b".repeat(999);
    String stuffedOver = "." + "c".repeat(998);
    for (String[] c :
        new String[][] {
          {ok, "false"}, {over, "true"}, {stuffedOver, "true"}, {ok + "\n", "false"}
        }) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      DataDecoder.Result r =
          DataDecoder.decode(
              new SmtpInput(new ProtocolChunkedStream((c[0] + END).getBytes(UTF_8), 100)), out);
      assertThat(r.lineTooLong())
          .as(c[0].length() + " octets")
          .isEqualTo(Boolean.parseBoolean(c[1]));
      assertThat(r.complete()).isTrue();
    }
  }

  @Test
  void largeMessagesStreamThrough() throws IOException {
    String line = "0123456789".repeat(7) + "\r\n";
    String body = line.repeat(20_000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataDecoder.Result r =
        DataDecoder.decode(
            new SmtpInput(new ProtocolChunkedStream((body + ".\r\n").getBytes(UTF_8), 4096)), out);
    assertThat(r.complete()).isTrue();
    assertThat(out.toString(UTF_8)).isEqualTo(body);
  }
}
