package dev.petrel.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HeaderSummaryTest {

  static Stream<Arguments> headerBlocks() {
    return Stream.of(
        Arguments.of(
            "plain CRLF block, body ignored",
            "Subject: Hi\r\nFrom: a@example.com\r\n\r\nSubject: not a header\r\n",
            Map.of("Subject", "Hi", "From", "a@example.com")),
        Arguments.of(
            "bare LF line ends",
            "subject: lower case name\nTO: b@example.org\n\nbody",
            Map.of("Subject", "lower case name", "To", "b@example.org")),
        Arguments.of(
            "folded value is unfolded, tab shown as a space",
            "Subject: one\r\n two\r\n\tthree\r\n\r\n",
            Map.of("Subject", "one two three")),
        Arguments.of(
            "first occurrence wins",
            "Subject: first\r\nSubject: second\r\n\r\n",
            Map.of("Subject", "first")),
        Arguments.of(
            "RFC 2047 B and Q words, blank between words dropped",
            "Subject: =?UTF-8?B?SGVsbG8gd8O2cmxk?= =?ISO-8859-1?Q?_caf=E9?= end\r\n\r\n",
            Map.of("Subject", "Hello wörld café end")),
        Arguments.of(
            "a word in an unknown charset stays as written; a bad Q escape is kept literally",
            "Subject: =?x-nope?Q?abc?= and =?UTF-8?Q?bad=G1?=\r\n\r\n",
            Map.of("Subject", "=?x-nope?Q?abc?= and bad=G1")),
        Arguments.of(
            "UTF-8 header (RFC 6532)",
            "Subject: Grüße\r\nMessage-ID: <a@b>\r\nDate: Mon, 2 Mar 2026 09:00:00 +0100\r\n\r\n",
            Map.of(
                "Subject",
                "Grüße",
                "Message-ID",
                "<a@b>",
                "Date",
                "Mon, 2 Mar 2026 09:00:00 +0100")),
        Arguments.of(
            "control characters are blanked",
            "Subject: a=?UTF-8?Q?=1B[31m?=b\r\n\r\n",
            Map.of("Subject", "a [31mb")),
        Arguments.of("no header block at all", "\r\nSubject: body\r\n", Map.of()),
        Arguments.of(
            "lines that are not headers are skipped",
            "From sender Mon Jan 1\r\nSubject: after junk\r\n\r\n",
            Map.of("Subject", "after junk")),
        Arguments.of(
            "a cut block keeps what it has",
            "Subject: cut off he",
            Map.of("Subject", "cut off he")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("headerBlocks")
  void summarises(String name, String message, Map<String, String> expected) {
    HeaderCapture capture = new HeaderCapture();
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    // in two uneven pieces, as a session's writes come
    capture.accept(bytes, 0, bytes.length / 3);
    capture.accept(bytes, bytes.length / 3, bytes.length - bytes.length / 3);
    assertThat(capture.summary()).containsExactlyInAnyOrderEntriesOf(expected);
  }

  @org.junit.jupiter.api.Test
  void longValuesAreCapped() {
    String subject = "x".repeat(5000);
    byte[] bytes = ("Subject: " + subject + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    HeaderCapture capture = new HeaderCapture();
    capture.accept(bytes, 0, bytes.length);
    assertThat(capture.summary().get("Subject")).hasSize(HeaderSummary.MAX_VALUE);
  }
}
