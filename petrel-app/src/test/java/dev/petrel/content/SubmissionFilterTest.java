package dev.petrel.content;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The header rules on their own: what goes, what comes, what is noted, whatever the message is
 * split into when it arrives (one octet at a time or all at once).
 */
class SubmissionFilterTest {

  private static final Generated GENERATED =
      new Generated("h.test", InstantSource.fixed(Instant.parse("2026-12-07T00:00:00Z")));

  record Out(String text, SubmissionFilter filter) {}

  private static Out run(String message, Generated g, int piece) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SubmissionFilter f = new SubmissionFilter(out, g);
    byte[] b = message.getBytes(ISO_8859_1);
    for (int i = 0; i < b.length; i += piece) f.write(b, i, Math.min(piece, b.length - i));
    f.finish();
    return new Out(out.toString(ISO_8859_1), f);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 100_000})
  void removesBccAndInternalFieldsWithTheirContinuations(int piece) throws IOException {
    Out o =
        run(
            "From: a@x.test\r\nBCC : h@x.test,\r\n i@x.test\r\nX-Petrel-Tags: t\r\n"
                + "\tmore\r\nSubject: s\r\n\r\nBcc: body\r\n",
            null,
            piece);
    assertThat(o.text()).isEqualTo("From: a@x.test\r\nSubject: s\r\n\r\nBcc: body\r\n");
    assertThat(o.filter().removed()).isEqualTo(2);
    assertThat(o.filter().fromCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 100_000})
  void addsWhatIsMissingAtTheEndOfTheHeader(int piece) throws IOException {
    Out o = run("Subject: s\r\n\r\nb\r\n", GENERATED, piece);
    assertThat(o.text())
        .matches(
            "Subject: s\r\nDate: Mon, 7 Dec 2026 00:00:00 \\+0000\r\n"
                + "Message-ID: <[0-9a-f-]{36}@h\\.test>\r\n\r\nb\r\n");
    assertThat(o.filter().addedMessageId()).startsWith("<").endsWith("@h.test>");
    Out own = run("Date: x\r\nmessage-id: <m@x>\r\n\r\nb\r\n", GENERATED, piece);
    assertThat(own.text()).isEqualTo("Date: x\r\nmessage-id: <m@x>\r\n\r\nb\r\n");
  }

  @Test
  void aHeaderWithoutBodyOrFinalLineBreakStillGetsTheFields() throws IOException {
    Out o = run("Subject: s", GENERATED, 4);
    assertThat(o.text()).startsWith("Subject: s\r\nDate: ").contains("\r\nMessage-ID: <");
    assertThat(run("", GENERATED, 1).text()).startsWith("Date: ");
  }

  @Test
  void aLineThatIsNoFieldEndsTheHeaderAfterAnEmptyLine() throws IOException {
    Out o = run("Subject: s\r\nnot a field\r\nBcc: x@y.test\r\n", null, 5);
    assertThat(o.text()).isEqualTo("Subject: s\r\n\r\nnot a field\r\nBcc: x@y.test\r\n");
    Out space = run(" leading space\r\n", null, 100);
    assertThat(space.text()).isEqualTo("\r\n leading space\r\n");
  }

  @Test
  void notesNulLongLinesAndEveryFrom() throws IOException {
    Out o =
        run(
            "From: a@x.test\r\nfrom: b@y.test\r\n\r\n" + "x".repeat(999) + "\r\nz\u0000\r\n",
            null,
            13);
    assertThat(o.filter().fromCount()).isEqualTo(2);
    assertThat(o.filter().longLine()).isTrue();
    assertThat(o.filter().nul()).isTrue();
    assertThat(o.filter().nulInHeader()).isFalse();
    assertThat(run("S: " + "x".repeat(995) + "\r\n\r\n", null, 9).filter().longLine()).isFalse();
    assertThat(run("S: " + "x".repeat(996) + "\r\n\r\n", null, 9).filter().longLine()).isTrue();
  }

  @Test
  void aVeryLongHeaderLineStreamsThroughWhole() throws IOException {
    String value = "v".repeat(100_000);
    Out o = run("X-Big: " + value + "\r\nBcc: h@x.test\r\n\r\nb\r\n", null, 4096);
    assertThat(o.text()).isEqualTo("X-Big: " + value + "\r\n\r\nb\r\n");
  }

  @Test
  void headerFromGivesEveryDomain() throws Exception {
    Out o = run("From: \"A, B\" <a@X.test>, c@Y.test\r\n\r\n", null, 100);
    assertThat(HeaderFrom.domains(o.filter().fromFields())).containsExactly("x.test", "y.test");
  }

  @Test
  void deliveryStripsInternalFields() throws IOException {
    byte[] stored =
        "Received: x\r\nX-Petrel-Tags: a\r\nSubject: s\r\n\r\nX-Petrel-Tags: body\r\n"
            .getBytes(ISO_8859_1);
    String sent =
        new String(
            InternalHeaders.stripped(new java.io.ByteArrayInputStream(stored)).readAllBytes(),
            ISO_8859_1);
    assertThat(sent).isEqualTo("Received: x\r\nSubject: s\r\n\r\nX-Petrel-Tags: body\r\n");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 1000})
  void tagFieldsAreReadThenRemoved(int piece) throws Exception {
    Out o =
        run(
            "From: a@x.test\r\nX-Petrel-Tag: invoice\r\nx-petrel-tag:\r\n  nov \r\n"
                + "Subject: s\r\nX-PETREL-TAG : a b\r\nX-Petrel-Tags: old\r\n\r\n"
                + "X-Petrel-Tag: in-body\r\n",
            null,
            piece);
    assertThat(o.filter().tags()).containsExactly("invoice", "nov", "a b");
    assertThat(o.filter().tagCount()).isEqualTo(3);
    assertThat(o.text()).isEqualTo("From: a@x.test\r\nSubject: s\r\n\r\nX-Petrel-Tag: in-body\r\n");
  }

  @Test
  void tagFieldsAreBounded() throws Exception {
    StringBuilder m = new StringBuilder();
    for (int i = 0; i < SubmissionFilter.MAX_TAG_FIELDS + 5; i++)
      m.append("X-Petrel-Tag: t").append(i).append("\r\n");
    m.append("X-Petrel-Tag: ").append("y".repeat(5000)).append("\r\n\r\nb\r\n");
    Out o = run(m.toString(), null, 100);
    assertThat(o.filter().tagCount()).isEqualTo(SubmissionFilter.MAX_TAG_FIELDS + 6);
    assertThat(o.filter().tags()).hasSize(SubmissionFilter.MAX_TAG_FIELDS);
    assertThat(o.text()).isEqualTo("\r\nb\r\n");
  }
}
