package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * curl drives the HTTP API of a real Petrel that delivers to the mailbox simulator: a message sent
 * with POST is delivered or bounced, and GET shows each attempt with the engine's explanation; bad
 * requests get problem documents that say what was wrong.
 */
class ApiSendsAndExplainsOverCurl {

  @TempDir Path dir;
  SimulatorServer sim;
  RunningPetrel petrel;
  Http http;
  String key;

  @BeforeEach
  void start() throws Exception {
    sim = new SimulatorServer(SimulatorOptions.DEFAULTS);
    int simPort = sim.start(InetAddress.getLoopbackAddress(), 0);
    petrel =
        RunningPetrel.start(
            dir.resolve("data"),
            Map.of(ConfigKey.PAUSED, "false", ConfigKey.ROUTE, "sim.test=127.0.0.1:" + simPort));
    http = new Http(petrel.httpPort());
    key = petrel.apiKey("acme");
  }

  @AfterEach
  void stop() {
    if (petrel != null) petrel.close();
    if (sim != null) sim.close();
  }

  private JsonNode awaitFinal(String id) {
    JsonNode[] m = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              m[0] = http.curl("GET", "/api/v1/messages/" + id, key, null).json();
              for (JsonNode r : m[0].get("recipients")) {
                String s = r.get("state").asString();
                if (s.equals("queued") || s.equals("deferred")) return false;
              }
              return true;
            });
    return m[0];
  }

  @Test
  void sentMessageIsDeliveredAndItsAttemptsAreExplained() {
    Http.Answer sent =
        http.curl(
            "POST",
            "/api/v1/messages",
            key,
            """
            {"from": "Ann Example <ann@example.com>",
             "to": ["ok@sim.test", {"email": "rcpt-550-5.1.1@sim.test", "name": "Gone"}],
             "subject": "Invoice", "text": "Hello", "html": "<p>Hello</p>",
             "attachments": [{"filename": "a.txt", "content": "aGVsbG8=", "content_type": "text/plain"}],
             "tags": ["invoice"], "metadata": {"order": 42}}
            """,
            "Content-Type: application/json");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    assertThat(sent.headers()).containsKey("ratelimit-remaining");
    String id = sent.json().get("id").asString();
    assertThat(sent.headers().get("location")).isEqualTo("/api/v1/messages/" + id);

    JsonNode m = awaitFinal(id);
    assertThat(m.get("source").asString()).isEqualTo("api");
    JsonNode ok = m.get("recipients").get(0);
    JsonNode gone = m.get("recipients").get(1);
    assertThat(ok.get("state").asString()).isEqualTo("delivered");
    assertThat(gone.get("state").asString()).isEqualTo("bounced");
    JsonNode attempt = gone.get("attempts").get(0);
    assertThat(attempt.get("code").asInt()).isEqualTo(550);
    assertThat(attempt.get("enhanced").asString()).isEqualTo("5.1.1");
    assertThat(attempt.get("reason").asString()).isEqualTo("userunknown");
    assertThat(attempt.get("explanation").get("meaning").asString()).isNotBlank();
    assertThat(attempt.get("explanation").get("solution").asString()).isNotBlank();

    // the hard bounce put the address on the account's list
    JsonNode list = http.curl("GET", "/api/v1/suppressions", key, null).json();
    assertThat(list.get("data").toString()).contains("rcpt-550-5.1.1@sim.test");

    // search finds it by state and by reason; another page-less query finds both
    JsonNode bounced = http.curl("GET", "/api/v1/messages?status=bounced", key, null).json();
    assertThat(bounced.get("data").size()).isEqualTo(1);
    JsonNode byReason =
        http.curl("GET", "/api/v1/messages?reason=userunknown&domain=sim.test", key, null).json();
    assertThat(byReason.get("data").get(0).get("id").asString()).isEqualTo(id);
    assertThat(
            http.curl("GET", "/api/v1/messages?status=expired", key, null)
                .json()
                .get("data")
                .size())
        .isZero();
  }

  @Test
  void theReservedSimulatorDomainIsServedByTheBuiltInSink() {
    // No route was given for simulator.petrel.test: serve routes it to its own simulator.
    Http.Answer sent =
        http.curl(
            "POST",
            "/api/v1/messages",
            key,
            """
            {"from": "ann@example.com",
             "to": ["ok@simulator.petrel.test", "rcpt-550-5.1.1@simulator.petrel.test"],
             "text": "hello"}
            """,
            "Content-Type: application/json");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    JsonNode m = awaitFinal(sent.json().get("id").asString());
    assertThat(m.get("recipients").get(0).get("state").asString()).isEqualTo("delivered");
    JsonNode bounced = m.get("recipients").get(1);
    assertThat(bounced.get("state").asString()).isEqualTo("bounced");
    assertThat(bounced.get("attempts").get(0).get("code").asInt()).isEqualTo(550);
    assertThat(bounced.get("attempts").get(0).get("mx").asString()).isEqualTo("127.0.0.1");
  }

  @Test
  void composedMimeArrivesAtTheSimulatorWithBccOnlyInTheEnvelope() {
    Http.Answer sent =
        http.curl(
            "POST",
            "/api/v1/messages",
            key,
            """
            {"from": {"email": "ann@example.com", "name": "Änn"}, "to": "ok@sim.test",
             "bcc": ["ok-bcc@sim.test"], "subject": "Grüße", "text": "Ça va?"}
            """,
            "Content-Type: application/json");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    JsonNode m = awaitFinal(sent.json().get("id").asString());
    assertThat(m.get("recipients").size()).isEqualTo(2);
    var received = sim.received();
    assertThat(received).isNotEmpty();
    String data = new String(received.getLast().content(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(data).contains("Subject: =?").contains("MIME-Version: 1.0").doesNotContain("Bcc");
    assertThat(data).contains("Received: from api");
  }

  @Test
  void idempotencyKeyReturnsTheFirstAnswerAndRefusesAnotherBody() {
    String body = "{\"from\":\"a@example.com\",\"to\":\"ok@sim.test\",\"text\":\"x\"}";
    Http.Answer first =
        http.curl(
            "POST",
            "/api/v1/messages",
            key,
            body,
            "Content-Type: application/json",
            "Idempotency-Key: order-1");
    Http.Answer again =
        http.curl(
            "POST",
            "/api/v1/messages",
            key,
            body,
            "Content-Type: application/json",
            "Idempotency-Key: order-1");
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
    assertThat(again.headers().get("idempotent-replayed")).isEqualTo("true");
    http.curl(
            "POST",
            "/api/v1/messages",
            key,
            body.replace("\"x\"", "\"y\""),
            "Content-Type: application/json",
            "Idempotency-Key: order-1")
        .problem(422);
  }

  @Test
  void explainAnswersWithTheEngine() {
    JsonNode e =
        http.curl("GET", "/api/v1/explain?reply=452%204.2.2%20Mailbox%20full", key, null).json();
    assertThat(e.get("code").asInt()).isEqualTo(452);
    assertThat(e.get("bounce").asString()).isEqualTo("soft");
    assertThat(e.get("reason").asString()).isEqualTo("mailboxfull");
    http.curl("GET", "/api/v1/explain", key, null).problem(400);
  }

  @Test
  void badRequestsGetProblemDocuments() throws Exception {
    String json = "Content-Type: application/json";
    http.curl("GET", "/api/v1/messages", null, null).problem(401);
    http.curl("GET", "/api/v1/messages", "pk_wrong", null).problem(401);
    http.curl("POST", "/api/v1/messages", key, "{not json", json).problem(400);
    http.curl("POST", "/api/v1/messages", key, "[1,2]", json).problem(400);
    http.curl("POST", "/api/v1/messages", key, "{}", "Content-Type: text/plain").problem(415);
    JsonNode missing =
        http.curl("POST", "/api/v1/messages", key, "{\"subject\": 3}", json).problem(422);
    assertThat(missing.get("errors").toString())
        .contains("/from")
        .contains("/to")
        .contains("/subject")
        .contains("/text");
    JsonNode badAddress =
        http.curl(
                "POST",
                "/api/v1/messages",
                key,
                "{\"from\":\"a@example.com\",\"to\":[\"nobody\"],\"text\":\"x\",\"headers\":{\"Subject\":\"x\"}}",
                json)
            .problem(422);
    assertThat(badAddress.get("errors").toString()).contains("/to/0").contains("/headers/Subject");
    http.curl("GET", "/api/v1/messages/NOSUCHID", key, null).problem(404);
    http.curl("GET", "/api/v1/nothing-here", key, null).problem(404);
    http.curl("GET", "/api/v1/messages?limit=0", key, null).problem(400);
    http.curl("GET", "/api/v1/messages?since=yesterday", key, null).problem(400);

    Path big = dir.resolve("big.json");
    try (var out = Files.newOutputStream(big)) {
      out.write("{\"raw\":\"".getBytes());
      byte[] chunk = "a".repeat(1 << 20).getBytes();
      for (int i = 0; i < 37; i++) out.write(chunk);
      out.write("\"}".getBytes());
    }
    http.curl("POST", "/api/v1/messages", key, "@" + big, json).problem(413);
  }

  @Test
  void healthAndOpenApiNeedNoKey() throws Exception {
    assertThat(http.curl("GET", "/healthz", null, null).status()).isEqualTo(200);
    assertThat(http.curl("GET", "/readyz", null, null).status()).isEqualTo(200);
    Http.Answer doc = http.curl("GET", "/api/v1/openapi.json", null, null);
    assertThat(doc.json().get("openapi").asString()).startsWith("3.1");
  }
}
