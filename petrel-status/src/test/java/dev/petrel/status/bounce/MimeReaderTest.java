package dev.petrel.status.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The MIME reader's rules on the broken structures bounce generators write. They are mime4j's
 * lenient rules, which the reader keeps so that bounces read as they did with mime4j.
 */
class MimeReaderTest {

  private static MailPart read(String mail) {
    return MimeReader.read(mail.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static List<String> types(MailPart p) {
    return p.flatten().stream().map(q -> q.mimeType).toList();
  }

  @Test
  void multipartWithPreambleEpilogueAndDecodedHeaders() {
    MailPart root =
        read(
            """
            Subject: =?UTF-8?B?w6l0w6k=?= report
            X-Folded: one
             two
            Content-Type: multipart/report; report-type=delivery-status;
            \tboundary="XYZ"

            preamble text
            --XYZ
            Content-Type: text/plain; charset=us-ascii

            Delivery failed.
            --XYZ
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.org
            --XYZ--
            epilogue
            """);
    assertThat(root.header("Subject")).isEqualTo("été report");
    assertThat(root.header("X-Folded")).isEqualTo("one two");
    assertThat(types(root))
        .containsExactly("multipart/report", "text/plain", "message/delivery-status");
    assertThat(root.preamble).isEqualTo("preamble text");
    assertThat(root.epilogue).isEqualTo("epilogue\n");
    assertThat(root.children.get(0).text).isEqualTo("Delivery failed.");
    assertThat(root.children.get(0).charset).isEqualTo("us-ascii");
    assertThat(root.children.get(1).text).isEqualTo("Reporting-MTA: dns; mx.example.org");
  }

  @Test
  void boundaryLineMustEndAfterTheBoundary() {
    // "--B2" and "--Bx" are not boundary lines of "B"; "--B-- trailing" closes it
    MailPart root =
        read(
            """
            Content-Type: multipart/mixed; boundary=B

            --B
            Content-Type: multipart/alternative; boundary=B2

            --B2
            Content-Type: text/plain

            inner
            --Bx
            --B2--
            --B
            Content-Type: text/plain

            second
            --B-- trailing
            after""");
    assertThat(types(root))
        .containsExactly("multipart/mixed", "multipart/alternative", "text/plain", "text/plain");
    MailPart inner = root.children.get(0).children.get(0);
    assertThat(inner.text).isEqualTo("inner\n--Bx");
    assertThat(root.children.get(1).text).isEqualTo("second");
    assertThat(root.epilogue).isEqualTo("after");
  }

  @Test
  void missingBoundariesLeaveTextWhereItCanBeRead() {
    MailPart unclosed =
        read("Content-Type: multipart/mixed; boundary=B\n\n--B\n\nlast part runs to the end\n");
    assertThat(unclosed.children).hasSize(1);
    assertThat(unclosed.children.get(0).text).isEqualTo("last part runs to the end\n");

    MailPart none = read("Content-Type: multipart/mixed; boundary=B\n\nno boundary at all\n");
    assertThat(none.children).isEmpty();
    assertThat(none.preamble).isEqualTo("no boundary at all\n");

    MailPart noBoundaryParameter = read("Content-Type: multipart/mixed\n\ntext\n");
    assertThat(noBoundaryParameter.mimeType).isEqualTo("text/plain");
    assertThat(noBoundaryParameter.text).isEqualTo("text\n");
  }

  @Test
  void contentTypeCommentsQuotesAndDigestDefaults() {
    MailPart root =
        read(
            """
            Content-Type: multipart/digest (a digest; boundary=no) ; boundary = "d \\"1\\""

            --d "1"

            Subject: a message by default

            body
            --d "1"--
            """);
    assertThat(types(root)).containsExactly("multipart/digest", "message/rfc822", "text/plain");
    MailPart enclosed = root.children.get(0).children.get(0);
    assertThat(enclosed.enclosedMessage).isTrue();
    assertThat(enclosed.header("Subject")).isEqualTo("a message by default");
  }

  @Test
  void headerFieldNames() {
    MailPart root =
        read(
            """
            Subject (comment) : kept
            Bad Name: dropped
            no colon here
            X-Ok: kept too

            body""");
    assertThat(root.headers).extracting(MailPart.Header::name).containsExactly("Subject", "X-Ok");
    assertThat(root.header("Subject")).isEqualTo("kept");
  }

  @Test
  void base64EnclosedMessageWithCrlfIsRead() {
    String original =
        "From: sender@example.com\r\nSubject: original\r\nContent-Type: text/plain\r\n\r\nhi\r\n";
    String encoded = Base64.getMimeEncoder().encodeToString(original.getBytes());
    MailPart root =
        read(
            "Content-Type: multipart/report; boundary=R\n\n--R\n"
                + "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
                + encoded
                + "\n--R--\n");
    MailPart enclosed = root.children.get(0).children.get(0);
    assertThat(enclosed.enclosedMessage).isTrue();
    assertThat(enclosed.header("Subject")).isEqualTo("original");
    assertThat(enclosed.text).isEqualTo("hi\r\n");
  }

  @Test
  void charsets() {
    byte[] jis = "\u001b$B$3$s\u001b(B".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(TextDecoder.decode(jis, "us-ascii")).isEqualTo("こん");
    byte[] latin = {'c', 'a', 'f', (byte) 0xe9};
    assertThat(TextDecoder.decode(latin, null)).isEqualTo("café");
    byte[] utf8 = "café".getBytes(StandardCharsets.UTF_8);
    assertThat(TextDecoder.decode(utf8, "no-such-charset")).isEqualTo("café");
    assertThat(TextDecoder.decode(utf8, "iso-8859-1")).isEqualTo("cafÃ©");
    assertThat(TextDecoder.charset("utf8")).isEqualTo(StandardCharsets.UTF_8);
    assertThat(TextDecoder.charset("x-unknown")).isNull();
    assertThat(TextDecoder.charset("x-unknown")).isNull();
  }

  @Test
  void utf8ValidationAgreesWithTheStrictDecoder() {
    java.util.Random random = new java.util.Random(1);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[random.nextInt(6)];
      random.nextBytes(b);
      boolean strict;
      try {
        StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b));
        strict = true;
      } catch (java.nio.charset.CharacterCodingException e) {
        strict = false;
      }
      assertThat(TextDecoder.validUtf8(b, 0, b.length)).as("%s", b).isEqualTo(strict);
    }
  }

  @Test
  void deepNestingStopsAndKeepsTheRestAsText() {
    int depth = 5_000;
    StringBuilder mail = new StringBuilder("Content-Type: multipart/mixed; boundary=b0\n\n");
    for (int i = 0; i < depth; i++) {
      mail.append("--b").append(i).append('\n');
      mail.append("Content-Type: multipart/mixed; boundary=b").append(i + 1).append("\n\n");
    }
    mail.append("--b").append(depth).append("\n\n550 5.1.1 unknown\n");
    MailPart root = read(mail.toString());
    MailPart p = root;
    int levels = 0;
    while (!p.children.isEmpty()) {
      p = p.children.get(0);
      levels++;
    }
    assertThat(levels).isEqualTo(MimeReader.MAX_DEPTH);
    assertThat(p.mimeType).isEqualTo("text/plain");
    assertThat(p.text).endsWith("550 5.1.1 unknown\n");
  }

  @Test
  void blankLinesAboveTheHeaderAreDropped() {
    MailPart root = read("\n   \nSubject: saved from a web page\nX-Test: 1\n\nbody\n");
    assertThat(root.header("Subject")).isEqualTo("saved from a web page");
    assertThat(root.header("X-Test")).isEqualTo("1");
  }

  @Test
  void aBlankLineAboveTextThatIsNoHeaderIsKept() {
    byte[] raw = "\nJust some words, no header here.\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(MimeReader.leadingBlankLines(raw, raw.length)).isZero();
    byte[] saved =
        "\n \t\nFrom x@y Mon Jan  1 00:00:00 2001\nSubject: s\n\nb\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    assertThat(new String(MimeReader.normaliseLineEnds(saved), StandardCharsets.ISO_8859_1))
        .startsWith("Subject: s\n");
  }
}
