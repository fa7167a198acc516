package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.api.OpenApiSchemas;
import dev.petrel.app.ConfigKey;
import dev.petrel.deliver.SmtpSink;
import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import dev.petrel.report.StatusJson;
import dev.petrel.report.WebhookDispatcher;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Every answer of a real Petrel matches the OpenAPI document it serves. The server delivers to
 * Postfix's smtp-sink and to the mailbox simulator (a delivery, a hard bounce, a greylisting, and a
 * rate-limited address whose next recipients wait), and sends its events to a webhook receiver
 * written in Python; curl calls every GET endpoint (the message search with each of its filters)
 * and the main POSTs (a batch with good and bad messages too) with that real data, and each JSON
 * answer is checked against the document's schema for its path and status, made strict (a field the
 * document does not declare is an error), with the headers the document says the answer carries.
 * The events the receiver got (a test event too) are checked against the document's webhooks
 * section the same way.
 */
class ApiAnswersMatchTheOpenApiDocument {

  @TempDir Path dir;
  SmtpSink sink;
  SimulatorServer sim;
  Python.Server receiver;
  RunningPetrel petrel;
  Http http;
  String key;
  Path log;
  Path secrets;

  final OpenApiSchemas schemas = OpenApiSchemas.load();
  final Set<String> exercised = new TreeSet<>();
  final List<String> wrong = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Peers.require("curl");
    sink = SmtpSink.start(dir);
    sim = new SimulatorServer(SimulatorOptions.DEFAULTS);
    int simPort = sim.start(InetAddress.getLoopbackAddress(), 0);
    log = dir.resolve("seen.jsonl");
    secrets = dir.resolve("secrets.json");
    Files.writeString(secrets, "{}");
    // the receiver fails each event's first try, so the delivery log has a retried try too
    receiver =
        Python.serve(dir, "/peers/webhook_receiver.py", secrets.toString(), log.toString(), "1");
    petrel =
        RunningPetrel.start(
            dir.resolve("data"),
            Map.of(
                ConfigKey.PAUSED,
                "false",
                ConfigKey.ROUTE,
                "sink.test=127.0.0.1:" + sink.port + ",sim.test=127.0.0.1:" + simPort,
                ConfigKey.WEBHOOK_ALLOW_NETWORKS,
                "127.0.0.1/32",
                // a DNS server that does not answer: the domain check reports each record unknown
                // a small plan, so that this test's six recipients raise quota.warning
                ConfigKey.PLANS,
                "free=6",
                ConfigKey.DNS_SERVER,
                "127.0.0.1:" + closedUdpPort(),
                // one slow-down of a rate-421 simulator address keeps its next recipients waiting
                ConfigKey.SLOW_DOWN_MIN_RATE,
                "1/h"),
            WebhookDispatcher.Settings.DEFAULTS.withRetries(
                List.of(Duration.ofMillis(200), Duration.ofMillis(200))));
    http = new Http(petrel.httpPort());
    key = petrel.apiKey("acme");
  }

  @AfterEach
  void stop() throws Exception {
    if (petrel != null) petrel.close();
    if (sim != null) sim.close();
    if (sink != null) sink.close();
    if (receiver != null) receiver.close();
  }

  /**
   * Calls the API with curl and checks the answer against the document: the status is one the
   * operation documents, a JSON body matches the schema of that status, and every header the
   * document marks required (and the RateLimit headers it lists) is there.
   */
  private Http.Answer call(String method, String template, String path, String json) {
    return call(method, template, path, json, key);
  }

  private Http.Answer call(String method, String template, String path, String json, String k) {
    Http.Answer a =
        json == null
            ? http.curl(method, path, k, null)
            : http.curl(method, path, k, json, "Content-Type: application/json");
    exercised.add(method + " " + template + " " + a.status());
    String where = method + " " + path + " -> " + a.status();
    String type = a.headers().getOrDefault("content-type", "");
    String media = type.contains(";") ? type.substring(0, type.indexOf(';')).trim() : type;
    if (a.status() == 204) {
      assertThat(a.body()).as(where).isEmpty();
      schemas.responseHeaders(method, template, 204); // documented, or this throws
    } else {
      JsonNode schema = schemas.responseSchema(method, template, a.status(), media);
      if (media.endsWith("json"))
        for (String e : schemas.check(schema, a.json())) wrong.add(where + ": " + e);
    }
    for (var h : schemas.responseHeaders(method, template, a.status()).properties()) {
      JsonNode header = schemas.resolve(h.getValue());
      String name = h.getKey().toLowerCase(Locale.ROOT);
      boolean required = header.path("required").asBoolean(false);
      if (required || name.startsWith("ratelimit-"))
        if (!a.headers().containsKey(name))
          wrong.add(where + ": the documented header " + h.getKey() + " is missing");
    }
    return a;
  }

  private Http.Answer ok(Http.Answer a, int status) {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    return a;
  }

  @Test
  void everyAnswerMatchesItsSchema() throws Exception {
    String base = "http://127.0.0.1:" + receiver.port();
    call("GET", "/healthz", "/healthz", null, null);
    call("GET", "/readyz", "/readyz", null, null);
    ok(call("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", null, null), 200);
    Http.Answer metrics = http.curl("GET", "/metrics", null, null);
    assertThat(metrics.headers().get("content-type")).startsWith("text/plain");
    schemas.responseSchema("GET", "/metrics", 200, "text/plain; version=0.0.4");

    // a webhook first, so that it hears of everything below
    JsonNode hook =
        ok(
                call(
                    "POST",
                    "/api/v1/webhooks",
                    "/api/v1/webhooks",
                    "{\"url\": \"" + base + "/all\"}"),
                201)
            .json();
    String hookId = hook.get("id").asString();
    Files.writeString(
        secrets,
        StatusJson.MAPPER.writeValueAsString(Map.of("/all", hook.get("secret").asString())));
    // a test event: the receiver fails every event's first try, so the answer reports its 500
    JsonNode tested =
        ok(
                call(
                    "POST",
                    "/api/v1/webhooks/{id}/test",
                    "/api/v1/webhooks/" + hookId + "/test",
                    null),
                200)
            .json();
    assertThat(tested.get("delivered").asBoolean()).isFalse();
    assertThat(tested.get("status").asInt()).isEqualTo(500);

    // mail: one delivered to smtp-sink, one delivered, one bounced, one greylisted by the simulator
    Http.Answer sent =
        ok(
            call(
                "POST",
                "/api/v1/messages",
                "/api/v1/messages",
                "{\"from\": \"Acme <app@example.com>\", \"to\": [\"ann@sink.test\","
                    + " {\"email\": \"ok@sim.test\", \"name\": \"Ok\"}],"
                    + " \"cc\": \"rcpt-550-5.1.1@sim.test\", \"bcc\": [\"greylist@sim.test\"],"
                    + " \"subject\": \"Conformance\", \"text\": \"Hello\", \"html\": \"<p>Hello</p>\","
                    + " \"attachments\": [{\"filename\": \"a.txt\", \"content\": \"aGk=\"}],"
                    + " \"headers\": {\"X-Campaign\": \"c1\"}, \"tags\": [\"t1\"],"
                    + " \"metadata\": {\"order\": 7, \"vip\": true}}"),
            202);
    assertThat(sent.headers().get("location"))
        .isEqualTo("/api/v1/messages/" + sent.json().get("id").asString());
    String id = sent.json().get("id").asString();
    // the same again with an Idempotency-Key: queued once, replayed once
    String raw =
        "{\"from\": \"app@example.com\", \"to\": \"bob@sink.test\", \"raw\": \"From: app@example.com\\r\\nTo: bob@sink.test\\r\\nSubject: raw\\r\\n\\r\\nHi\\r\\n\"}";
    Path rawFile = dir.resolve("raw.json");
    Files.writeString(rawFile, raw);
    for (int i = 0; i < 2; i++) {
      Http.Answer a =
          http.curl(
              "POST",
              "/api/v1/messages",
              key,
              "@" + rawFile,
              "Content-Type: application/json",
              "Idempotency-Key: conformance-1");
      assertThat(a.status()).as(a.body()).isEqualTo(202);
      for (String e :
          schemas.check(
              schemas.responseSchema("POST", "/api/v1/messages", 202, "application/json"),
              a.json())) wrong.add("replayed send: " + e);
      if (i == 1) assertThat(a.headers().get("idempotent-replayed")).isEqualTo("true");
    }

    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              JsonNode m = http.curl("GET", "/api/v1/messages/" + id, key, null).json();
              List<String> states = new ArrayList<>();
              for (JsonNode r : m.get("recipients")) states.add(r.get("state").asString());
              return states.equals(List.of("delivered", "delivered", "bounced", "deferred"));
            });

    // messages
    JsonNode message =
        ok(call("GET", "/api/v1/messages/{id}", "/api/v1/messages/" + id, null), 200).json();
    assertThat(message.at("/recipients/2/attempts/0/reason").asString()).isEqualTo("userunknown");
    assertThat(message.at("/recipients/2/attempts/0/explanation/who").isMissingNode()).isFalse();
    ok(call("GET", "/api/v1/messages", "/api/v1/messages", null), 200);
    ok(
        call(
            "GET",
            "/api/v1/messages",
            "/api/v1/messages?status=bounced&reason=userunknown&domain=sim.test&limit=1",
            null),
        200);
    // tags and metadata come back with their JSON types, and each search filter finds the message
    assertThat(message.get("tags").toString()).isEqualTo("[\"t1\"]");
    assertThat(message.at("/metadata/order").isNumber()).isTrue();
    assertThat(message.at("/metadata/vip").isBoolean()).isTrue();
    String messageId = sent.json().get("message_id").asString();
    for (String query :
        List.of(
            "subject=conformANCE",
            "message_id=" + URLEncoder.encode(messageId, StandardCharsets.UTF_8),
            "tag=t1",
            "metadata.order=7",
            "metadata.vip=true&tag=t1&subject=Conform&limit=5")) {
      JsonNode found =
          ok(call("GET", "/api/v1/messages", "/api/v1/messages?" + query, null), 200).json();
      assertThat(found.get("data").size()).as(query).isEqualTo(1);
      assertThat(found.at("/data/0/id").asString()).as(query).isEqualTo(id);
      assertThat(found.at("/data/0/metadata/order").asInt()).as(query).isEqualTo(7);
    }
    call("GET", "/api/v1/messages", "/api/v1/messages?tag=no%20tag", null).problem(400);
    // held, the greylisted recipient is made due but not tried, then cancelled, then released
    ok(call("POST", "/api/v1/messages/{id}/hold", "/api/v1/messages/" + id + "/hold", null), 200);
    ok(call("POST", "/api/v1/messages/{id}/retry", "/api/v1/messages/" + id + "/retry", null), 200);
    JsonNode cancelled =
        ok(
                call(
                    "POST",
                    "/api/v1/messages/{id}/cancel",
                    "/api/v1/messages/" + id + "/cancel",
                    null),
                200)
            .json();
    assertThat(cancelled.get("recipients_cancelled").asInt()).isEqualTo(1);
    ok(
        call("POST", "/api/v1/messages/{id}/release", "/api/v1/messages/" + id + "/release", null),
        200);
    JsonNode after =
        ok(call("GET", "/api/v1/messages/{id}", "/api/v1/messages/" + id, null), 200).json();
    assertThat(after.at("/recipients/3/state").asString()).isEqualTo("cancelled");
    // the stored message itself, as message/rfc822 with its file name; only for its own account
    Http.Answer eml =
        ok(call("GET", "/api/v1/messages/{id}/raw", "/api/v1/messages/" + id + "/raw", null), 200);
    assertThat(eml.headers().get("content-type")).startsWith("message/rfc822");
    assertThat(eml.body()).contains("Subject: Conformance");
    call(
            "GET",
            "/api/v1/messages/{id}/raw",
            "/api/v1/messages/" + id + "/raw",
            null,
            petrel.apiKey("gamma"))
        .problem(404);
    ok(
        call(
            "GET", "/api/v1/explain", "/api/v1/explain?reply=550%205.1.1%20No%20such%20user", null),
        200);
    ok(
        call(
            "GET",
            "/api/v1/explain",
            "/api/v1/explain?reply=451%20try%20again%20in%205%20minutes",
            null),
        200);

    anotherAccountBatchesAndWaits();

    // suppressions (the bounce already added one)
    ok(
        call(
            "POST",
            "/api/v1/suppressions",
            "/api/v1/suppressions",
            "{\"address\": \"ann@example.org\", \"reason\": \"complaint\"}"),
        201);
    ok(
        call(
            "POST",
            "/api/v1/suppressions",
            "/api/v1/suppressions",
            "{\"address\": \"ann@example.org\"}"),
        200);
    ok(
        call(
            "POST",
            "/api/v1/suppressions/import",
            "/api/v1/suppressions/import",
            "[{\"address\": \"cy@example.org\"}, {\"address\": \"ann@example.org\", \"reason\": \"manual\"}]"),
        200);
    // mail to a suppressed address is accepted and not tried: the sixth recipient of the month
    JsonNode suppressed =
        ok(
                call(
                    "POST",
                    "/api/v1/messages",
                    "/api/v1/messages",
                    "{\"from\": \"app@example.com\", \"to\": \"ann@example.org\", \"text\": \"Hi\"}"),
                202)
            .json();
    assertThat(suppressed.get("status").asString()).isEqualTo("suppressed");
    // a seventh recipient is over the plan: 429 with Retry-After (checked as documented)
    call(
            "POST",
            "/api/v1/messages",
            "/api/v1/messages",
            "{\"from\": \"app@example.com\", \"to\": \"dan@sink.test\", \"text\": \"Hi\"}")
        .problem(429);
    // in a batch, the same message is refused on its own, with its retry_after
    JsonNode overQuota =
        ok(
                call(
                    "POST",
                    "/api/v1/messages/batch",
                    "/api/v1/messages/batch",
                    "{\"messages\": [{\"from\": \"app@example.com\", \"to\": \"dan@sink.test\","
                        + " \"text\": \"Hi\"}, {\"from\": \"app@example.com\", \"to\": \"bob@\","
                        + " \"text\": \"Hi\"}]}"),
                200)
            .json();
    assertThat(overQuota.at("/results/0/status").asInt()).isEqualTo(429);
    assertThat(overQuota.at("/results/0/problem/type").asString()).endsWith("/quota");
    assertThat(overQuota.at("/results/0/retry_after").isNumber()).isTrue();
    assertThat(overQuota.at("/results/1/status").asInt()).isEqualTo(422);
    call("POST", "/api/v1/suppressions", "/api/v1/suppressions", "[1").problem(400);
    Http.Answer textPlain =
        http.curl(
            "POST", "/api/v1/suppressions", key, "ann@example.org", "Content-Type: text/plain");
    assertThat(textPlain.status()).isEqualTo(415);
    for (String e :
        schemas.check(
            schemas.responseSchema("POST", "/api/v1/suppressions", 415, "application/problem+json"),
            textPlain.json())) wrong.add("415: " + e);
    JsonNode list =
        ok(call("GET", "/api/v1/suppressions", "/api/v1/suppressions?q=example", null), 200).json();
    assertThat(list.get("data").size()).isEqualTo(2);
    ok(
        call("GET", "/api/v1/suppressions/export", "/api/v1/suppressions/export?format=json", null),
        200);
    ok(call("GET", "/api/v1/suppressions/export", "/api/v1/suppressions/export", null), 200);
    ok(
        call(
            "DELETE",
            "/api/v1/suppressions/{address}",
            "/api/v1/suppressions/cy@example.org",
            null),
        204);

    // account, stats, keys, logins, domains
    ok(call("GET", "/api/v1/account", "/api/v1/account", null), 200);
    JsonNode stats = ok(call("GET", "/api/v1/stats", "/api/v1/stats", null), 200).json();
    assertThat(stats.at("/top_bounce_reasons/0/reason").asString()).isEqualTo("userunknown");
    ok(call("GET", "/api/v1/stats", "/api/v1/stats?bucket=hour", null), 200);
    // TLS sessions: the sink and the simulator offer no STARTTLS here, so some are counted the way
    // delivery's recorder counts them
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    petrel
        .store()
        .tlsReports()
        .addSessions(
            List.of(
                new dev.petrel.queue.TlsReportStore.SessionCount(
                    "acme",
                    today,
                    "sink.test",
                    "no-policy-found",
                    List.of(),
                    "",
                    "",
                    "",
                    "",
                    "",
                    3),
                new dev.petrel.queue.TlsReportStore.SessionCount(
                    "acme",
                    today,
                    "sink.test",
                    "no-policy-found",
                    List.of(),
                    "validation-failure",
                    "127.0.0.1",
                    "mx.sink.test",
                    "127.0.0.1",
                    "handshake failed",
                    1)));
    JsonNode tlsReports =
        ok(call("GET", "/api/v1/tls-reports", "/api/v1/tls-reports", null), 200).json();
    assertThat(tlsReports.at("/days/0/failures/0/result_type").asString())
        .isEqualTo("validation-failure");
    ok(
        call(
            "GET",
            "/api/v1/tls-reports",
            "/api/v1/tls-reports?from=" + today.minusDays(3) + "&to=" + today,
            null),
        200);
    call("GET", "/api/v1/tls-reports", "/api/v1/tls-reports?to=tomorrow", null).problem(400);
    JsonNode newKey = ok(call("POST", "/api/v1/keys", "/api/v1/keys", null), 201).json();
    ok(call("GET", "/api/v1/keys", "/api/v1/keys", null), 200);
    ok(
        call("DELETE", "/api/v1/keys/{id}", "/api/v1/keys/" + newKey.get("id").asString(), null),
        204);
    ok(
        call(
            "POST",
            "/api/v1/smtp-credentials",
            "/api/v1/smtp-credentials",
            "{\"user\": \"app@conformance.test\"}"),
        201);
    ok(call("GET", "/api/v1/smtp-credentials", "/api/v1/smtp-credentials", null), 200);
    ok(
        call(
            "DELETE",
            "/api/v1/smtp-credentials/{user}",
            "/api/v1/smtp-credentials/app@conformance.test",
            null),
        204);
    ok(
        call("POST", "/api/v1/domains", "/api/v1/domains", "{\"domain\": \"conformance.test\"}"),
        201);
    ok(call("GET", "/api/v1/domains", "/api/v1/domains", null), 200);
    ok(call("GET", "/api/v1/domains/{domain}", "/api/v1/domains/conformance.test", null), 200);
    JsonNode check =
        ok(
                call(
                    "POST",
                    "/api/v1/domains/{domain}/check",
                    "/api/v1/domains/conformance.test/check",
                    null),
                200)
            .json();
    assertThat(check.get("records").size()).isEqualTo(4);
    // the last check is part of the domain from now on
    ok(call("GET", "/api/v1/domains/{domain}", "/api/v1/domains/conformance.test", null), 200);

    // webhooks: wait for events, including a retried one, then read the log
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              Set<String> types = new TreeSet<>();
              for (JsonNode s : seen())
                if (s.get("answered").asInt() == 200) types.add(s.at("/payload/type").asString());
              assertThat(types)
                  .containsAll(
                      List.of(
                          "message.delivered",
                          "message.bounced",
                          "message.deferred",
                          "message.cancelled",
                          "message.suppressed",
                          "suppression.added",
                          "quota.warning"));
            });
    ok(call("GET", "/api/v1/webhooks", "/api/v1/webhooks", null), 200);
    ok(call("GET", "/api/v1/webhooks/{id}", "/api/v1/webhooks/" + hookId, null), 200);
    JsonNode deliveries =
        ok(
                call(
                    "GET",
                    "/api/v1/webhooks/{id}/deliveries",
                    "/api/v1/webhooks/" + hookId + "/deliveries?limit=50",
                    null),
                200)
            .json();
    assertThat(deliveries.toString()).contains("\"state\":\"pending\"", "\"state\":\"delivered\"");
    for (JsonNode s : seen()) {
      JsonNode payload = s.get("payload");
      String type = payload.get("type").asString();
      JsonNode schema =
          schemas
              .document()
              .at("/webhooks/" + type + "/post/requestBody/content/application~1json/schema");
      assertThat(schema.isMissingNode()).as(type).isFalse();
      for (String e : schemas.check(schema, payload)) wrong.add("webhook " + type + ": " + e);
      assertThat(s.get("verified").asBoolean()).as(s.toString()).isTrue();
    }
    assertThat(seen())
        .anyMatch(s -> s.get("id").asString().equals(tested.get("event_id").asString()));

    // problems: each documented for its operation and status, each on the problem schema
    call("GET", "/api/v1/messages/{id}", "/api/v1/messages/NOSUCHID", null).problem(404);
    call("GET", "/api/v1/messages", "/api/v1/messages?stauts=bounced", null).problem(400);
    call("GET", "/api/v1/account", "/api/v1/account", null, "pk_not_a_key").problem(401);
    call(
            "POST",
            "/api/v1/messages",
            "/api/v1/messages",
            "{\"from\": \"app@example.com\", \"to\": [\"bob@\"]}")
        .problem(422);
    call("POST", "/api/v1/domains", "/api/v1/domains", "{\"domain\": \"conformance.test\"}")
        .problem(409);
    call("DELETE", "/api/v1/webhooks/{id}", "/api/v1/webhooks/" + hookId, null);
    call("GET", "/api/v1/webhooks/{id}", "/api/v1/webhooks/" + hookId, null).problem(404);
    call("POST", "/api/v1/webhooks/{id}/test", "/api/v1/webhooks/" + hookId + "/test", null)
        .problem(404);
    ok(call("DELETE", "/api/v1/domains/{domain}", "/api/v1/domains/conformance.test", null), 204);

    assertThat(wrong).isEmpty();
    // every GET with a JSON answer in the document was called with success
    Set<String> gets = new TreeSet<>();
    for (var path : schemas.document().get("paths").properties()) {
      JsonNode get = path.getValue().get("get");
      if (get != null && get.at("/responses/200/content/application~1json").isObject())
        gets.add("GET " + path.getKey() + " 200");
    }
    assertThat(exercised).containsAll(gets);
  }

  /**
   * Another account (this one's plan is nearly used up by now): a batch with a good and a bad
   * message, a refused batch, and a recipient that waits behind its slowed-down destination (the
   * built-in simulator's rate-421 addresses: the first 421 slows them down, the third one waits).
   */
  private void anotherAccountBatchesAndWaits() throws Exception {
    String beta = petrel.apiKey("beta");
    JsonNode batch =
        ok(
                call(
                    "POST",
                    "/api/v1/messages/batch",
                    "/api/v1/messages/batch",
                    "{\"messages\": [{\"from\": \"app@example.com\", \"to\": \"cy@sink.test\","
                        + " \"subject\": \"Batch\", \"text\": \"Hi\", \"tags\": [\"b1\"],"
                        + " \"metadata\": {\"n\": 1.5, \"s\": \"x\"}},"
                        + " {\"from\": \"app@example.com\", \"subject\": \"No one\", \"text\": \"Hi\"}]}",
                    beta),
                200)
            .json();
    assertThat(batch.get("accepted").asInt()).isEqualTo(1);
    assertThat(batch.at("/results/0/status").asInt()).isEqualTo(202);
    assertThat(batch.at("/results/0/message/metadata/n").asDouble()).isEqualTo(1.5);
    assertThat(batch.at("/results/1/status").asInt()).isEqualTo(422);
    assertThat(batch.at("/results/1/problem/errors/0/pointer").asString())
        .startsWith("/messages/1");
    call("POST", "/api/v1/messages/batch", "/api/v1/messages/batch", "{\"messages\": []}", beta)
        .problem(422);

    String sim = "simulator.petrel.test";
    String waiting = null;
    for (String to : List.of("rate-421", "rate-421+b", "rate-421+c")) {
      waiting =
          ok(
                  call(
                      "POST",
                      "/api/v1/messages",
                      "/api/v1/messages",
                      "{\"from\": \"app@example.com\", \"to\": \""
                          + to
                          + "@"
                          + sim
                          + "\", \"text\": \"Hi\"}",
                      beta),
                  202)
              .json()
              .get("id")
              .asString();
      String m = waiting;
      boolean last = to.endsWith("+c");
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                JsonNode r =
                    http.curl("GET", "/api/v1/messages/" + m, beta, null)
                        .json()
                        .at("/recipients/0");
                return last
                    ? r.hasNonNull("waiting")
                    : r.get("state").asString().equals("deferred");
              });
    }
    JsonNode held =
        ok(call("GET", "/api/v1/messages/{id}", "/api/v1/messages/" + waiting, null, beta), 200)
            .json();
    assertThat(held.at("/recipients/0/waiting/reason").asString()).isEqualTo("destination-slowed");
    assertThat(held.at("/recipients/0/waiting/destination").asString())
        .isEqualTo(sim + "/rate-421");
  }

  private static int closedUdpPort() throws Exception {
    try (java.net.DatagramSocket s =
        new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private List<JsonNode> seen() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(log)) return out;
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8))
      if (!line.isBlank()) out.add(StatusJson.MAPPER.readTree(line));
    return out;
  }
}
