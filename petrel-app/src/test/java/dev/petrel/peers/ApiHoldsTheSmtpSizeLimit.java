package dev.petrel.peers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.app.ConfigKey;
import dev.petrel.report.StatusJson;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both doors take messages up to the one configured {@code max-message-size}: SMTP announces it
 * with SIZE and refuses a larger message with 552 5.3.4 (Python's smtplib); the API answers a
 * larger one, raw or composed, with a 413 problem (curl), and takes one that fits.
 */
class ApiHoldsTheSmtpSizeLimit {

  @TempDir Path dir;

  @Test
  void aMessageOverTheLimitIsRefusedOnBothDoors() throws Exception {
    try (DeliveringPetrel p =
        DeliveringPetrel.start(dir, Map.of(ConfigKey.MAX_MESSAGE_SIZE, "64KiB"))) {
      String key = p.petrel.apiKey("acme");
      String head = "From: ann@example.com\r\nTo: bob@sink.test\r\nSubject: big\r\n\r\n";
      String over = head + "0123456789abcdef".repeat(4).concat("\r\n").repeat(1100); // ~72 KB
      String under = head + "0123456789abcdef".repeat(4).concat("\r\n").repeat(900); // ~59 KB

      assertThat(p.smtplib("ann@example.com", List.of("bob@sink.test"), over.getBytes(UTF_8)))
          .startsWith("552 5.3.4");
      Http.Answer raw = p.post(key, StatusJson.MAPPER.writeValueAsString(Map.of("raw", over)));
      assertThat(raw.problem(413).get("detail").asString()).contains("65536");
      Http.Answer composed =
          p.post(
              key,
              StatusJson.MAPPER.writeValueAsString(
                  Map.of(
                      "from", "ann@example.com",
                      "to", "bob@sink.test",
                      "text", over.substring(head.length()))));
      composed.problem(413);
      assertThat(p.queued()).isZero();

      p.send(key, StatusJson.MAPPER.writeValueAsString(Map.of("raw", under)));
      assertThat(DeliveringPetrel.message(p.delivered(1).getFirst()))
          .contains("0123456789abcdef".repeat(4));
    }
  }
}
