package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import dev.petrel.queue.Selection;
import dev.petrel.report.StatusJson;
import dev.petrel.report.WebhookDispatcher;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real Petrel delivers to the mailbox simulator and reports each recipient's state changes to two
 * webhooks served by a receiver written in Python. The receiver checks every signature with
 * Python's hmac and fails the first two tries of each event on purpose: the events arrive signed,
 * the retries happen and show in the delivery log, and the final-only webhook never hears of the
 * greylisted recipient's deferral.
 */
class WebhooksAreSignedAndRetried {

  static final int FAILS = 2;

  @TempDir Path dir;
  SimulatorServer sim;
  RunningPetrel petrel;
  Python.Server receiver;
  Http http;
  String key;
  Path log;
  Path secrets;
  int receiverPort;

  @BeforeEach
  void start() throws Exception {
    Peers.require("curl");
    log = dir.resolve("seen.jsonl");
    secrets = dir.resolve("secrets.json");
    Files.writeString(secrets, "{}");
    receiver =
        Python.serve(
            dir,
            "/peers/webhook_receiver.py",
            secrets.toString(),
            log.toString(),
            Integer.toString(FAILS));
    receiverPort = receiver.port();

    sim = new SimulatorServer(SimulatorOptions.DEFAULTS);
    int simPort = sim.start(InetAddress.getLoopbackAddress(), 0);
    petrel =
        RunningPetrel.start(
            dir.resolve("data"),
            Map.of(
                ConfigKey.PAUSED,
                "false",
                ConfigKey.ROUTE,
                "sim.test=127.0.0.1:" + simPort,
                // the receiver listens on loopback, which webhooks may reach only when allowed
                ConfigKey.WEBHOOK_ALLOW_NETWORKS,
                "127.0.0.1/32"),
            WebhookDispatcher.Settings.DEFAULTS.withRetries(
                List.of(Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofMillis(300))));
    http = new Http(petrel.httpPort());
    key = petrel.apiKey("acme");
  }

  @AfterEach
  void stop() {
    if (petrel != null) petrel.close();
    if (sim != null) sim.close();
    if (receiver != null) receiver.close();
  }

  private JsonNode create(String body) {
    Http.Answer a =
        http.curl("POST", "/api/v1/webhooks", key, body, "Content-Type: application/json");
    assertThat(a.status()).as(a.body()).isEqualTo(201);
    return a.json();
  }

  private List<JsonNode> seen() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(log)) return out;
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8))
      if (!line.isBlank()) out.add(StatusJson.MAPPER.readTree(line));
    return out;
  }

  /** The events the receiver accepted (answered 200) at a path, by type. */
  private List<JsonNode> accepted(String path) throws Exception {
    return seen().stream()
        .filter(s -> s.get("path").asString().equals(path))
        .filter(s -> s.get("answered").asInt() == 200)
        .map(s -> s.get("payload"))
        .toList();
  }

  private static List<String> types(List<JsonNode> payloads) {
    return payloads.stream().map(p -> p.get("type").asString()).toList();
  }

  @Test
  void eventsArriveSignedAfterRetriesAndFinalOnlySkipsDeferrals() throws Exception {
    String base = "http://127.0.0.1:" + receiverPort;
    JsonNode all = create("{\"url\": \"" + base + "/all\"}");
    JsonNode fin = create("{\"url\": \"" + base + "/final\", \"final_only\": true}");
    assertThat(all.get("secret").asString()).startsWith("whsec_");
    assertThat(fin.get("final_only").asBoolean()).isTrue();
    Files.writeString(
        secrets,
        StatusJson.MAPPER.writeValueAsString(
            Map.of("/all", all.get("secret").asString(), "/final", fin.get("secret").asString())));
    // the secret is shown once: neither the listing nor the webhook itself repeats it
    JsonNode listed = http.curl("GET", "/api/v1/webhooks", key, null).json();
    assertThat(listed.get("data").size()).isEqualTo(2);
    assertThat(listed.toString()).doesNotContain("whsec_");

    Http.Answer sent =
        http.curl(
            "POST",
            "/api/v1/messages",
            key,
            "{\"from\": \"app@example.com\", \"to\": [\"ok@sim.test\", \"rcpt-550-5.1.1@sim.test\","
                + " \"greylist@sim.test\"], \"subject\": \"Hi\", \"text\": \"Hello\","
                + " \"tags\": [\"welcome\", \"nov\"],"
                + " \"metadata\": {\"order\": 42, \"vip\": true, \"customer\": \"c-7\"}}",
            "Content-Type: application/json");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    String id = sent.json().get("id").asString();

    // the greylisted recipient is deferred first; then an operator's retry gets it through
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> types(accepted("/all")).contains("message.deferred"));
    petrel.store().retryNow(Selection.all(), Instant.now());
    petrel.server().scheduler().wake();

    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () ->
                types(accepted("/all")).stream().filter(t -> t.equals("message.delivered")).count()
                        == 2
                    && types(accepted("/final")).stream()
                            .filter(t -> t.equals("message.delivered"))
                            .count()
                        == 2);

    List<JsonNode> everything = seen();
    assertThat(everything)
        .allSatisfy(s -> assertThat(s.get("verified").asBoolean()).as(s.toString()).isTrue());

    List<JsonNode> toAll = accepted("/all");
    assertThat(types(toAll))
        .contains("message.delivered", "message.bounced", "message.deferred", "suppression.added");
    assertThat(types(accepted("/final")))
        .contains("message.delivered", "message.bounced", "suppression.added")
        .doesNotContain("message.deferred");

    // every accepted event took FAILS failed tries first, with the same webhook-id each time
    for (JsonNode s : everything)
      if (s.get("answered").asInt() == 200) assertThat(s.get("try").asInt()).isEqualTo(FAILS + 1);

    // every event about the message carries its subject, Message-ID, tags and metadata (typed)
    String headerMessageId = sent.json().get("message_id").asString();
    List<JsonNode> aboutIt = toAll.stream().filter(p -> p.get("data").has("message_id")).toList();
    assertThat(types(aboutIt)).contains("message.delivered", "message.bounced", "message.deferred");
    for (JsonNode p : aboutIt) {
      JsonNode d = p.get("data");
      assertThat(d.get("subject").asString()).as(p.toString()).isEqualTo("Hi");
      assertThat(d.get("header_message_id").asString()).isEqualTo(headerMessageId);
      assertThat(d.get("tags").toString()).isEqualTo("[\"welcome\",\"nov\"]");
      assertThat(d.get("metadata").get("order").isIntegralNumber()).isTrue();
      assertThat(d.get("metadata").get("order").asInt()).isEqualTo(42);
      assertThat(d.get("metadata").get("vip").isBoolean()).isTrue();
      assertThat(d.get("metadata").get("customer").asString()).isEqualTo("c-7");
    }

    JsonNode bounced =
        toAll.stream()
            .filter(p -> p.get("type").asString().equals("message.bounced"))
            .findFirst()
            .orElseThrow();
    assertThat(bounced.get("id").asString()).startsWith("evt_");
    JsonNode data = bounced.get("data");
    assertThat(data.get("message_id").asString()).isEqualTo(id);
    assertThat(data.get("account").asString()).isEqualTo("acme");
    assertThat(data.get("recipient").asString()).isEqualTo("rcpt-550-5.1.1@sim.test");
    assertThat(data.get("state").asString()).isEqualTo("bounced");
    JsonNode attempt = data.get("attempt");
    assertThat(attempt.get("code").asInt()).isEqualTo(550);
    assertThat(attempt.get("enhanced").asString()).isEqualTo("5.1.1");
    assertThat(attempt.get("reason").asString()).isEqualTo("userunknown");
    assertThat(attempt.get("bounce").asString()).isEqualTo("hard");
    assertThat(attempt.get("explanation").get("meaning").asString()).isNotBlank();
    assertThat(attempt.get("explanation").get("solution").asString()).isNotBlank();
    assertThat(attempt.get("explanation").get("who").asString()).isNotBlank();
    JsonNode delivered =
        toAll.stream()
            .filter(p -> p.get("type").asString().equals("message.delivered"))
            .filter(p -> p.get("data").get("recipient").asString().equals("ok@sim.test"))
            .findFirst()
            .orElseThrow();
    assertThat(delivered.get("data").get("attempt").get("code").asInt()).isEqualTo(250);
    JsonNode deferred =
        toAll.stream()
            .filter(p -> p.get("type").asString().equals("message.deferred"))
            .findFirst()
            .orElseThrow();
    assertThat(deferred.get("data").get("recipient").asString()).isEqualTo("greylist@sim.test");
    assertThat(deferred.get("data").get("attempt").get("code").asInt()).isEqualTo(450);

    // the delivery log shows the failed tries and the delivered one, newest first
    String hook = all.get("id").asString();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                http.curl("GET", "/api/v1/webhooks/" + hook + "/deliveries", key, null)
                        .json()
                        .get("data")
                        .size()
                    >= toAll.size() * (FAILS + 1));
    JsonNode logRows =
        http.curl("GET", "/api/v1/webhooks/" + hook + "/deliveries?limit=1000", key, null)
            .json()
            .get("data");
    String bouncedId = bounced.get("id").asString();
    List<JsonNode> bouncedTries = new ArrayList<>();
    for (JsonNode r : logRows)
      if (r.get("event_id").asString().equals(bouncedId)) bouncedTries.add(r);
    assertThat(bouncedTries).hasSize(FAILS + 1);
    assertThat(bouncedTries.get(0).get("state").asString()).isEqualTo("delivered");
    assertThat(bouncedTries.get(0).get("attempt").asInt()).isEqualTo(FAILS + 1);
    assertThat(bouncedTries.get(0).get("status").asInt()).isEqualTo(200);
    assertThat(bouncedTries.get(1).get("state").asString()).isEqualTo("pending");
    assertThat(bouncedTries.get(1).get("status").asInt()).isEqualTo(500);
    assertThat(bouncedTries.get(1).get("next_attempt").isNull()).isFalse();
    assertThat(bouncedTries.get(2).get("attempt").asInt()).isEqualTo(1);
  }

  @Test
  void badWebhooksAndOtherAccountsGetProblems() {
    String json = "Content-Type: application/json";
    JsonNode badScheme =
        http.curl("POST", "/api/v1/webhooks", key, "{\"url\": \"ftp://example.com/x\"}", json)
            .problem(422);
    assertThat(badScheme.get("errors").toString()).contains("/url");
    http.curl("POST", "/api/v1/webhooks", key, "{\"url\": \"http:///x\"}", json).problem(422);
    http.curl("POST", "/api/v1/webhooks", key, "{}", json).problem(422);
    JsonNode badType =
        http.curl(
                "POST",
                "/api/v1/webhooks",
                key,
                "{\"url\": \"http://example.com/\", \"events\": [\"message.exploded\"],"
                    + " \"final_only\": \"yes\"}",
                json)
            .problem(422);
    assertThat(badType.get("errors").toString()).contains("/events/0").contains("/final_only");
    http.curl("POST", "/api/v1/webhooks", key, "{not json", json).problem(400);
    http.curl("POST", "/api/v1/webhooks", null, "{}", json).problem(401);

    JsonNode mine =
        create("{\"url\": \"https://example.com/hook\", \"events\": [\"message.bounced\"]}");
    String id = mine.get("id").asString();
    assertThat(
            http.curl("GET", "/api/v1/webhooks/" + id, key, null).json().get("events").toString())
        .isEqualTo("[\"message.bounced\"]");
    String other;
    try {
      other = petrel.apiKey("other");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    http.curl("GET", "/api/v1/webhooks/" + id, other, null).problem(404);
    http.curl("GET", "/api/v1/webhooks/" + id + "/deliveries", other, null).problem(404);
    http.curl("DELETE", "/api/v1/webhooks/" + id, other, null).problem(404);
    assertThat(http.curl("GET", "/api/v1/webhooks", other, null).json().get("data").size())
        .isZero();
    http.curl("GET", "/api/v1/webhooks/" + id + "/deliveries?limit=0", key, null).problem(400);
    assertThat(http.curl("DELETE", "/api/v1/webhooks/" + id, key, null).status()).isEqualTo(204);
    http.curl("GET", "/api/v1/webhooks/" + id, key, null).problem(404);
  }
}
