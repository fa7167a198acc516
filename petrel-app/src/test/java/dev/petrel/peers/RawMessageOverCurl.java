package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * curl downloads a message sent through the API as a {@code .eml} file: the file is byte for byte
 * the stored message, served as {@code message/rfc822} with {@code Content-Disposition:
 * attachment}; another account's key, an unknown id and a malformed id get the same 404 problem.
 */
class RawMessageOverCurl {

  @TempDir Path dir;
  RunningPetrel petrel;
  Http http;

  @BeforeEach
  void start() throws Exception {
    petrel = RunningPetrel.start(dir.resolve("data"));
    http = new Http(petrel.httpPort());
  }

  @AfterEach
  void stop() {
    if (petrel != null) petrel.close();
  }

  @Test
  void theStoredMessageDownloadsForItsAccountOnly() throws Exception {
    String acme = petrel.apiKey("acme");
    String other = petrel.apiKey("other");
    Http.Answer sent =
        http.curl(
            "POST",
            "/api/v1/messages",
            acme,
            "{\"from\": \"app@example.com\", \"to\": \"bob@example.org\", \"subject\": \"Raw é\","
                + " \"text\": \"Plain words\", \"html\": \"<p>Rich words</p>\"}",
            "Content-Type: application/json");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    String id = sent.json().get("id").asString();

    Path file = dir.resolve("out.eml");
    Path head = dir.resolve("head.txt");
    Exec.Result r =
        Exec.run(
            Duration.ofSeconds(60),
            List.of(
                Peers.require("curl"),
                "-sS",
                "-D",
                head.toString(),
                "-o",
                file.toString(),
                "-H",
                "Authorization: Bearer " + acme,
                "http://127.0.0.1:" + petrel.httpPort() + "/api/v1/messages/" + id + "/raw"));
    assertThat(r.exit()).as(r.err()).isZero();
    String headers = Files.readString(head).toLowerCase();
    assertThat(headers).startsWith("http/1.1 200");
    assertThat(headers).contains("content-type: message/rfc822");
    assertThat(headers)
        .contains("content-disposition: attachment; filename=\"" + id.toLowerCase() + ".eml\"");
    assertThat(Files.readAllBytes(file)).isEqualTo(petrel.body(id));
    String eml = Files.readString(file);
    assertThat(eml).contains("Subject: ").contains("Plain words").contains("text/html");

    // another account's key: the same answer as for an id that does not exist
    String otherDetail =
        http.curl("GET", "/api/v1/messages/" + id + "/raw", other, null)
            .problem(404)
            .get("detail")
            .asString();
    assertThat(otherDetail).isEqualTo("no message with id '" + id + "'");
    http.curl("GET", "/api/v1/messages/not-an-id/raw", acme, null).problem(404);
    http.curl("GET", "/api/v1/messages/" + id + "/raw", null, null).problem(401);
  }
}
