package dev.petrel.peers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.report.StatusJson;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code X-Petrel-*} fields are Petrel's own. A client's are removed as the message comes in (SMTP
 * with Python's smtplib, raw API mail with curl); the API's tags and metadata are kept in the
 * queue's rows, never in the message, so neither Petrel's stored copy nor the octets that reach
 * Postfix's smtp-sink hold them; a structured request cannot set such a field in {@code headers}
 * (422).
 */
class InternalHeadersNeverLeave {

  @TempDir Path dir;

  @Test
  void noDeliveredMessageCarriesAnXPetrelField() throws Exception {
    try (DeliveringPetrel p = DeliveringPetrel.start(dir)) {
      String key = p.petrel.apiKey("acme");
      String spoof =
          "From: ann@example.com\r\nTo: bob@sink.test\r\nX-Petrel-Tags: vip\r\n"
              + "x-petrel-account: other,\r\n\tfolded\r\nSubject: spoof\r\n\r\nhi\r\n";
      assertThat(p.smtplib("ann@example.com", List.of("bob@sink.test"), spoof.getBytes(UTF_8)))
          .startsWith("250");
      p.send(key, StatusJson.MAPPER.writeValueAsString(Map.of("raw", spoof)));
      String tagged =
          p.send(
              key,
              """
              {"from": "ann@example.com", "to": "bob@sink.test", "subject": "tagged",
               "text": "t", "tags": ["tag-marker-5150", "nov"],
               "metadata": {"meta-key-7431": "meta-value-9902", "n": 31337}}
              """);
      String stored = new String(p.petrel.body(tagged), UTF_8);
      assertThat(stored)
          .doesNotContainIgnoringCase("x-petrel")
          .doesNotContain("tag-marker-5150")
          .doesNotContain("meta-value-9902")
          .doesNotContain("31337");
      var kept = p.petrel.find(tagged).orElseThrow();
      assertThat(kept.tags()).containsExactly("tag-marker-5150", "nov");
      assertThat(kept.metadata()).contains("meta-value-9902").contains("31337");
      Http.Answer refused =
          p.post(
              key,
              """
              {"from": "ann@example.com", "to": "bob@sink.test", "text": "t",
               "headers": {"X-Petrel-Tags": "x"}}
              """);
      assertThat(refused.problem(422).get("errors").get(0).get("pointer").asString())
          .isEqualTo("/headers/X-Petrel-Tags");

      List<String> dumps = p.delivered(3);
      assertThat(dumps).hasSize(3);
      for (String d : dumps) {
        String message = DeliveringPetrel.message(d);
        assertThat(message.toLowerCase())
            .as(message)
            .doesNotContain("x-petrel")
            .doesNotContain("folded")
            .doesNotContain("tag-marker-5150")
            .doesNotContain("meta-key-7431")
            .doesNotContain("meta-value-9902")
            .doesNotContain("31337");
        assertThat(message).contains("Subject:");
      }
    }
  }
}
