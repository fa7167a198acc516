package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.app.ConfigKey;
import dev.petrel.report.StatusJson;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * curl asks a real Petrel to send a test event to a webhook: the Python receiver of the webhook
 * tests checks its signature with Python's hmac and sees the same envelope as real events, type
 * {@code test}; the answer says the receiver took it (HTTP 200). A target that is not listening is
 * answered with the error class, another account's webhook with 404, a second test while the first
 * waits for its target with 429, and nothing of it lands in the delivery log.
 */
class WebhookTestEventOverCurl {

  @TempDir Path dir;
  RunningPetrel petrel;
  Python.Server receiver;
  Http http;
  Path log;
  Path secrets;

  @BeforeEach
  void start() throws Exception {
    log = dir.resolve("seen.jsonl");
    secrets = dir.resolve("secrets.json");
    Files.writeString(secrets, "{}");
    receiver =
        Python.serve(dir, "/peers/webhook_receiver.py", secrets.toString(), log.toString(), "0");
    petrel =
        RunningPetrel.start(
            dir.resolve("data"), Map.of(ConfigKey.WEBHOOK_ALLOW_NETWORKS, "127.0.0.1/32"));
    http = new Http(petrel.httpPort());
  }

  @AfterEach
  void stop() {
    if (petrel != null) petrel.close();
    if (receiver != null) receiver.close();
  }

  private JsonNode create(String key, String url) {
    Http.Answer a =
        http.curl(
            "POST",
            "/api/v1/webhooks",
            key,
            "{\"url\": \"" + url + "\"}",
            "Content-Type: application/json");
    assertThat(a.status()).as(a.body()).isEqualTo(201);
    return a.json();
  }

  @Test
  void theTestEventArrivesSignedAndTheAnswerSaysHowTheTargetAnswered() throws Exception {
    String acme = petrel.apiKey("acme");
    String other = petrel.apiKey("other");
    JsonNode hook = create(acme, "http://127.0.0.1:" + receiver.port() + "/hooks/acme");
    Files.writeString(
        secrets,
        StatusJson.MAPPER.writeValueAsString(Map.of("/hooks/acme", hook.get("secret").asString())));
    String id = hook.get("id").asString();

    Http.Answer a = http.curl("POST", "/api/v1/webhooks/" + id + "/test", acme, null);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    JsonNode answer = a.json();
    assertThat(answer.get("delivered").asBoolean()).isTrue();
    assertThat(answer.get("status").asInt()).isEqualTo(200);
    assertThat(answer.get("error").isNull()).isTrue();
    assertThat(answer.get("event_type").asString()).isEqualTo("test");

    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1);
    JsonNode seen = StatusJson.MAPPER.readTree(lines.getFirst());
    assertThat(seen.get("verified").asBoolean()).as("signature checked by Python's hmac").isTrue();
    assertThat(seen.get("id").asString()).isEqualTo(answer.get("event_id").asString());
    JsonNode payload = seen.get("payload");
    assertThat(payload.get("type").asString()).isEqualTo("test");
    assertThat(payload.get("id").asString()).isEqualTo(answer.get("event_id").asString());
    assertThat(payload.get("timestamp").asString()).isNotBlank();
    assertThat(payload.get("data").get("account").asString()).isEqualTo("acme");
    assertThat(payload.get("data").get("webhook_id").asString()).isEqualTo(id);

    // another account cannot test (nor learn of) acme's webhook; the receiver hears nothing more
    http.curl("POST", "/api/v1/webhooks/" + id + "/test", other, null).problem(404);
    http.curl("POST", "/api/v1/webhooks/wh_0000000000000000/test", acme, null).problem(404);
    assertThat(Files.readAllLines(log, StandardCharsets.UTF_8)).hasSize(1);
    // a test is not an event of the account: the delivery log stays empty
    assertThat(
            http.curl("GET", "/api/v1/webhooks/" + id + "/deliveries", acme, null)
                .json()
                .get("data")
                .size())
        .isZero();

    // a target nobody listens on: the answer gives the error class
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String deadId = create(acme, "http://127.0.0.1:" + closed + "/gone").get("id").asString();
    JsonNode dead = http.curl("POST", "/api/v1/webhooks/" + deadId + "/test", acme, null).json();
    assertThat(dead.get("delivered").asBoolean()).isFalse();
    assertThat(dead.get("status").isNull()).isTrue();
    assertThat(dead.get("error").asString()).isEqualTo("connect: refused");

    // a target that takes the connection and says nothing: while that test waits, a second one
    // for the same webhook is refused; when the target hangs up, the first gets its answer
    try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String slowId =
          create(acme, "http://127.0.0.1:" + silent.getLocalPort() + "/slow").get("id").asString();
      CompletableFuture<Http.Answer> first =
          CompletableFuture.supplyAsync(
              () -> http.curl("POST", "/api/v1/webhooks/" + slowId + "/test", acme, null));
      try (Socket taken = silent.accept()) {
        Http.Answer second = http.curl("POST", "/api/v1/webhooks/" + slowId + "/test", acme, null);
        assertThat(second.problem(429).get("type").asString()).endsWith("/test-in-flight");
        assertThat(second.headers()).containsKey("retry-after");
      }
      JsonNode hungUp = first.get(60, TimeUnit.SECONDS).json();
      assertThat(hungUp.get("delivered").asBoolean()).isFalse();
      assertThat(hungUp.get("error").asString()).isEqualTo("closed: no answer");
    }
  }
}
