package dev.petrel.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.report.StatusJson;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.junit.jupiter.api.Test;

class MessageComposerTest {

  private static byte[] compose(String json) throws Exception {
    MessageRequest r = MessageRequest.read(JsonBody.of(StatusJson.MAPPER.readTree(json)));
    return MessageComposer.compose(r, "<m1@petrel.test>", new Date(0));
  }

  /** Every LF of the composed message ends a CRLF pair: no bare LF, no bare CR. */
  private static void assertOnlyCrlf(byte[] mail) {
    for (int i = 0; i < mail.length; i++) {
      if (mail[i] == '\n') assertThat(i > 0 && mail[i - 1] == '\r').as("LF at %d", i).isTrue();
      if (mail[i] == '\r')
        assertThat(i + 1 < mail.length && mail[i + 1] == '\n').as("CR at %d", i).isTrue();
    }
  }

  @Test
  void textAndHtmlWithJsonLineBreaksAreWrittenWithCrlf() throws Exception {
    byte[] mail =
        compose(
            """
            {"from": "a@acme.example", "to": "b@example.org", "subject": "Lines",
             "text": "Plain part line 1\\nline 2\\r\\nline 3\\rline 4\\n",
             "html": "<p>one</p>\\n<p>two</p>\\n"}
            """);
    assertOnlyCrlf(mail);
    String s = new String(mail, StandardCharsets.UTF_8);
    assertThat(s).contains("Plain part line 1\r\nline 2\r\nline 3\r\nline 4\r\n");
    assertThat(s).contains("<p>one</p>\r\n<p>two</p>\r\n");
  }

  @Test
  void textOnlyMessageWithAttachmentIsCrlfThroughout() throws Exception {
    byte[] mail =
        compose(
            """
            {"from": "a@acme.example", "to": "b@example.org", "subject": "Files",
             "text": "see the file\\nthanks\\n",
             "attachments": [{"filename": "a.txt", "content_type": "text/plain",
                              "content": "aGVsbG8Kd29ybGQK"}]}
            """);
    assertOnlyCrlf(mail);
  }
}
