package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A send over curl whose recipients are all on the suppression list answers {@code "status":
 * "suppressed"}, not "queued", since no delivery will be tried; one live recipient among them keeps
 * the message "queued" with each recipient's own status.
 */
class SendToSuppressedRecipientsSaysSo {

  @TempDir Path dir;

  @Test
  void allSuppressedIsNotQueued() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir.resolve("data"))) {
      Http http = new Http(petrel.httpPort());
      String key = petrel.apiKey("acme");
      assertThat(
              http.curl(
                      "POST",
                      "/api/v1/suppressions",
                      key,
                      "{\"address\":\"gone@example.org\"}",
                      "Content-Type: application/json")
                  .status())
          .isEqualTo(201);

      JsonNode all =
          http.curl(
                  "POST",
                  "/api/v1/messages",
                  key,
                  "{\"from\":\"a@example.com\",\"to\":\"Gone@Example.org\",\"subject\":\"s\",\"text\":\"t\"}",
                  "Content-Type: application/json")
              .json();
      assertThat(all.get("status").asString()).isEqualTo("suppressed");
      assertThat(all.get("recipients").get(0).get("status").asString()).isEqualTo("suppressed");

      JsonNode some =
          http.curl(
                  "POST",
                  "/api/v1/messages",
                  key,
                  "{\"from\":\"a@example.com\",\"to\":[\"gone@example.org\",\"live@example.org\"],"
                      + "\"subject\":\"s\",\"text\":\"t\"}",
                  "Content-Type: application/json")
              .json();
      assertThat(some.get("status").asString()).isEqualTo("queued");
      assertThat(some.get("recipients").findValuesAsString("status"))
          .containsExactly("suppressed", "queued");
    }
  }
}
