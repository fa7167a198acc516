package dev.petrel.peers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Python's smtplib submits mail with {@code X-Petrel-Tag} fields (one tag a field): the tags are
 * the message's, found by the API's {@code tag=} search, and the fields never reach Postfix's
 * smtp-sink. A field that holds no tag, or more fields than a message may have tags, is refused
 * with 554 5.6.0 and nothing is queued.
 */
class SmtpSubmittersTagWithXPetrelTag {

  @TempDir Path dir;

  @Test
  void tagFieldsBecomeTagsAndNeverLeave() throws Exception {
    try (DeliveringPetrel p = DeliveringPetrel.start(dir)) {
      String message =
          "From: ann@example.com\r\nTo: bob@sink.test\r\nSubject: tagged over smtp\r\n"
              + "X-Petrel-Tag: tag-marker-5150\r\nx-petrel-tag: nov\r\nX-Petrel-Tag: nov\r\n"
              + "\r\nhello\r\n";
      assertThat(p.smtplib("ann@example.com", List.of("bob@sink.test"), message.getBytes(UTF_8)))
          .startsWith("250");

      // the trusted loopback client sends for the default account
      String key = p.petrel.apiKey("default");
      JsonNode found =
          p.http.curl("GET", "/api/v1/messages?tag=tag-marker-5150", key, null).json().get("data");
      assertThat(found.size()).isEqualTo(1);
      assertThat(found.get(0).get("tags").toString()).isEqualTo("[\"tag-marker-5150\",\"nov\"]");
      assertThat(found.get(0).get("subject").asString()).isEqualTo("tagged over smtp");
      // another account does not find it
      String other = p.petrel.apiKey("other");
      assertThat(
              p.http
                  .curl("GET", "/api/v1/messages?tag=tag-marker-5150", other, null)
                  .json()
                  .get("data")
                  .size())
          .isZero();

      String id = found.get(0).get("id").asString();
      assertThat(new String(p.petrel.body(id), UTF_8))
          .doesNotContainIgnoringCase("x-petrel")
          .doesNotContain("tag-marker-5150");
      String delivered = DeliveringPetrel.message(p.delivered(1).getFirst());
      assertThat(delivered).contains("Subject: tagged over smtp");
      assertThat(delivered.toLowerCase())
          .doesNotContain("x-petrel")
          .doesNotContain("tag-marker-5150");

      // refused: a field that is no tag, and eleven tags
      String bad =
          "From: ann@example.com\r\nTo: bob@sink.test\r\nX-Petrel-Tag: two words\r\n\r\nx\r\n";
      assertThat(p.smtplib("ann@example.com", List.of("bob@sink.test"), bad.getBytes(UTF_8)))
          .startsWith("554 5.6.0")
          .contains("'two words'");
      StringBuilder eleven = new StringBuilder("From: ann@example.com\r\nTo: bob@sink.test\r\n");
      for (int i = 0; i < 11; i++) eleven.append("X-Petrel-Tag: t").append(i).append("\r\n");
      eleven.append("\r\nx\r\n");
      assertThat(
              p.smtplib(
                  "ann@example.com", List.of("bob@sink.test"), eleven.toString().getBytes(UTF_8)))
          .startsWith("554 5.6.0")
          .contains("11 X-Petrel-Tag fields");
      // nothing of the refused ones was queued
      assertThat(p.queued()).isEqualTo(1);
    }
  }
}
