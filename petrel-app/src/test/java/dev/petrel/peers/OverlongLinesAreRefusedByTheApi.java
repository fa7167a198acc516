package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.report.StatusJson;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 5322 §2.1.1 allows 998 octets on a line. Raw API mail with a longer line gets a 422 problem
 * pointing at {@code /raw} (SMTP refuses such a DATA line already), and so does a header value
 * given to the composer that has no space to fold at; one that has spaces is folded there, so every
 * line that arrives at the receiving server is within the limit and the value unfolds to what was
 * given.
 */
class OverlongLinesAreRefusedByTheApi {

  @TempDir Path dir;

  @Test
  void rawLongLinesAreRefusedAndComposedHeadersFolded() throws Exception {
    try (DeliveringPetrel p = DeliveringPetrel.start(dir)) {
      String key = p.petrel.apiKey("acme");
      String raw =
          "From: ann@example.com\r\nTo: bob@sink.test\r\nSubject: long\r\n\r\n"
              + "x".repeat(5009)
              + "\r\n";
      Http.Answer a = p.post(key, StatusJson.MAPPER.writeValueAsString(Map.of("raw", raw)));
      assertThat(a.problem(422).get("errors").get(0).get("pointer").asString()).isEqualTo("/raw");
      assertThat(p.queued()).isZero();

      Http.Answer unfoldable =
          p.post(
              key,
              StatusJson.MAPPER.writeValueAsString(
                  Map.of(
                      "from", "ann@example.com",
                      "to", "bob@sink.test",
                      "text", "t",
                      "headers", Map.of("X-Token", "x".repeat(5000)))));
      assertThat(unfoldable.problem(422).get("errors").get(0).get("detail").asString())
          .contains("998");
      assertThat(p.queued()).isZero();

      String value = "word ".repeat(1000).strip(); // 4,999 octets
      p.send(
          key,
          StatusJson.MAPPER.writeValueAsString(
              Map.of(
                  "from", "ann@example.com",
                  "to", "bob@sink.test",
                  "subject", "folded",
                  "text", "t",
                  "headers", Map.of("X-Long", value))));
      String message = DeliveringPetrel.message(p.delivered(1).getFirst());
      for (String line : message.split("\r?\n"))
        assertThat(line.length()).as(line).isLessThanOrEqualTo(998);
      String header = DeliveringPetrel.header(message);
      String folded = header.lines().filter(l -> l.startsWith("X-Long:")).findFirst().orElseThrow();
      assertThat(folded.substring("X-Long:".length()).strip().replaceAll("\\s+", " "))
          .isEqualTo(value);
    }
  }
}
