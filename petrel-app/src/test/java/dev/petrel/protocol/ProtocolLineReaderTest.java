package dev.petrel.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProtocolLineReaderTest {

  private static SmtpInput input(String s, int step) {
    return new SmtpInput(new ProtocolChunkedStream(s.getBytes(UTF_8), step));
  }

  @ParameterizedTest(name = "{0} octets per read")
  @ValueSource(ints = {1, 2, 3, 7, 64, 100_000})
  void tellsCrlfFromBareLfAndKeepsBareCrInTheContent(int step) throws IOException {
    SmtpInput in = input("EHLO a\r\nNOOP\nRSET x\ry\r\n\r\nlast", step);
    Line l1 = in.readLine(512);
    assertThat(l1.text()).isEqualTo("EHLO a");
    assertThat(l1.ending()).isEqualTo(Line.Ending.CRLF);
    assertThat(l1.octets()).isEqualTo(8);
    Line l2 = in.readLine(512);
    assertThat(l2.text()).isEqualTo("NOOP");
    assertThat(l2.ending()).isEqualTo(Line.Ending.BARE_LF);
    Line l3 = in.readLine(512);
    assertThat(l3.text()).isEqualTo("RSET x\ry");
    assertThat(l3.hasBareCr()).isTrue();
    assertThat(l3.ending()).isEqualTo(Line.Ending.CRLF);
    Line l4 = in.readLine(512);
    assertThat(l4.content()).isEmpty();
    assertThat(l4.ending()).isEqualTo(Line.Ending.CRLF);
    Line l5 = in.readLine(512);
    assertThat(l5.text()).isEqualTo("last");
    assertThat(l5.ending()).isEqualTo(Line.Ending.EOF);
    assertThat(in.readLine(512)).isNull();
  }

  @ParameterizedTest(name = "{0} octets per read")
  @ValueSource(ints = {1, 5, 511, 512, 513, 100_000})
  void reportsAnOverlongLineConsumesItAndGoesOn(int step) throws IOException {
    String longLine = "NOOP " + "x".repeat(2000);
    SmtpInput in = input(longLine + "\r\nQUIT\r\n", step);
    Line l = in.readLine(512);
    assertThat(l.tooLong()).isTrue();
    assertThat(l.octets()).isEqualTo(longLine.length() + 2);
    assertThat(l.content()).hasSize(512);
    assertThat(l.ending()).isEqualTo(Line.Ending.CRLF);
    Line next = in.readLine(512);
    assertThat(next.text()).isEqualTo("QUIT");
    assertThat(next.tooLong()).isFalse();
  }

  @Test
  void theLimitCountsTheLineEnding() throws IOException {
    String exactly = "x".repeat(510);
    SmtpInput in = input(exactly + "\r\n" + exactly + "y\r\n" + exactly + "y\n", 1000);
    Line ok = in.readLine(512);
    assertThat(ok.tooLong()).isFalse();
    assertThat(ok.text()).isEqualTo(exactly);
    Line over = in.readLine(512);
    assertThat(over.tooLong()).isTrue();
    Line bareLf = in.readLine(512);
    assertThat(bareLf.tooLong()).isFalse();
    assertThat(bareLf.ending()).isEqualTo(Line.Ending.BARE_LF);
  }

  @Test
  void aCrJustBeforeTheLimitStillMakesACrlfEnding() throws IOException {
    // The CR is the 512th octet of content, so it is kept in the truncated content and stripped.
    SmtpInput in = input("x".repeat(511) + "\r\n", 3);
    Line l = in.readLine(512);
    assertThat(l.ending()).isEqualTo(Line.Ending.CRLF);
    assertThat(l.tooLong()).isTrue();
    assertThat(l.content()).hasSize(511);
  }

  @Test
  void invalidUtf8IsKeptOctetForOctetAndFlagged() throws IOException {
    SmtpInput in =
        new SmtpInput(new ByteArrayInputStream(new byte[] {'A', (byte) 0xff, '\r', '\n'}));
    Line l = in.readLine(512);
    assertThat(l.isUtf8()).isFalse();
    assertThat(l.text()).isEqualTo("A\u00ff");
    Line utf8 = new SmtpInput(new ByteArrayInputStream("é\n".getBytes(UTF_8))).readLine(10);
    assertThat(utf8.isUtf8()).isTrue();
    assertThat(utf8.text()).isEqualTo("é");
  }

  @Test
  void flushesPendingRepliesOnlyWhenItWouldBlock() throws IOException {
    AtomicInteger hooks = new AtomicInteger();
    ProtocolChunkedStream stream =
        new ProtocolChunkedStream("MAIL\r\nRCPT\r\nDATA\r\n".getBytes(UTF_8), 1000);
    SmtpInput in = new SmtpInput(stream, hooks::incrementAndGet);
    in.readLine(512);
    in.readLine(512);
    in.readLine(512);
    assertThat(hooks).hasValue(1);
    assertThat(in.readLine(512)).isNull();
    assertThat(hooks).hasValue(2);
  }

  @Test
  void discardsWhatIsBufferedAndSwitchesStreams() throws IOException {
    SmtpInput in = input("STARTTLS\r\nMAIL FROM:<evil@example.org>\r\n", 1000);
    assertThat(in.readLine(512).text()).isEqualTo("STARTTLS");
    assertThat(in.buffered()).isEqualTo(30);
    assertThatThrownBy(() -> in.switchTo(new ByteArrayInputStream(new byte[0])))
        .isInstanceOf(IllegalStateException.class);
    assertThat(in.discardBuffered()).isEqualTo(30);
    in.switchTo(new ByteArrayInputStream("EHLO again\r\n".getBytes(UTF_8)));
    assertThat(in.readLine(512).text()).isEqualTo("EHLO again");
  }

  @ParameterizedTest(name = "{0} octets per read")
  @ValueSource(ints = {1, 4, 100_000})
  void copiesExactlyAChunk(int step) throws IOException {
    SmtpInput in = input("BDAT 5\r\nab\r\n.NOOP\r\n", step);
    assertThat(in.readLine(512).text()).isEqualTo("BDAT 5");
    ByteArrayOutputStream chunk = new ByteArrayOutputStream();
    assertThat(in.copy(5, chunk)).isEqualTo(5);
    assertThat(chunk.toString(UTF_8)).isEqualTo("ab\r\n.");
    assertThat(in.readLine(512).text()).isEqualTo("NOOP");
    assertThat(in.copy(10, chunk)).isZero();
  }
}
