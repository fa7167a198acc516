package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.report.WebhookDispatcher;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The webhook meters of {@code /metrics} after real tries: a receiver written in Python answers 500
 * to the first try of each event and 200 to the next, a second webhook points at a closed port, a
 * third at 127.0.0.2, allowed when it was registered and refused after a restart with a narrower
 * {@code webhook-allow-networks}. Each scrape passes {@code promtool check metrics}, and the
 * counters, the latency histogram and the waiting gauge agree with the webhooks' delivery logs.
 */
class WebhookMetricsAfterRealDeliveries {

  private static final Duration GUARD = Duration.ofSeconds(60);

  @TempDir Path dir;
  Python.Server receiver;
  RunningPetrel petrel;
  Http http;
  String key;

  @AfterEach
  void stop() {
    if (petrel != null) petrel.close();
    if (receiver != null) receiver.close();
  }

  void start(String allow, List<Duration> retries) throws Exception {
    petrel =
        RunningPetrel.start(
            dir.resolve("data"),
            Map.of(ConfigKey.PAUSED, "false", ConfigKey.WEBHOOK_ALLOW_NETWORKS, allow),
            WebhookDispatcher.Settings.DEFAULTS.withRetries(retries));
    http = new Http(petrel.httpPort());
    key = petrel.apiKey("acme");
  }

  String register(String url) {
    Http.Answer a =
        http.curl(
            "POST",
            "/api/v1/webhooks",
            key,
            "{\"url\": \"" + url + "\"}",
            "Content-Type: application/json");
    assertThat(a.status()).as(a.body()).isEqualTo(201);
    return a.json().get("id").asString();
  }

  void send() {
    Http.Answer a =
        http.curl(
            "POST",
            "/api/v1/messages",
            key,
            "{\"from\": \"app@example.com\", \"to\": [\"ok@simulator.petrel.test\"],"
                + " \"subject\": \"Hi\", \"text\": \"Hello\"}",
            "Content-Type: application/json");
    assertThat(a.status()).as(a.body()).isEqualTo(202);
  }

  List<JsonNode> log(String webhook) {
    Http.Answer a = http.curl("GET", "/api/v1/webhooks/" + webhook + "/deliveries", key, null);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    JsonNode data = a.json().get("data");
    java.util.ArrayList<JsonNode> out = new java.util.ArrayList<>();
    for (JsonNode d : data) out.add(d);
    return out;
  }

  long lines(String webhook, String state) {
    return log(webhook).stream().filter(d -> d.get("state").asString().equals(state)).count();
  }

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)$");

  /** The sum of a metric's samples whose labels include {@code labels} ("k=\"v\"" each). */
  static double value(String text, String name, String... labels) {
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) continue;
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as(line).isTrue();
      if (!m.group(1).equals(name)) continue;
      String l = m.group(2) == null ? "" : m.group(2);
      boolean all = true;
      for (String want : labels) all &= l.contains(want);
      if (all) sum += Double.parseDouble(m.group(3));
    }
    return sum;
  }

  String scrape() {
    Http.Answer scraped = http.curl("GET", "/metrics", null, null);
    assertThat(scraped.status()).isEqualTo(200);
    Exec.Result check =
        Exec.run(
            Duration.ofSeconds(60),
            scraped.body().getBytes(StandardCharsets.UTF_8),
            List.of(Peers.require("promtool"), "check", "metrics"));
    assertThat(check.exit()).as(check.all()).isZero();
    return scraped.body();
  }

  static final String TRIES = "petrel_webhook_deliveries_total";

  @Test
  void countersHistogramAndGaugeFollowRealTries() throws Exception {
    Peers.require("promtool");
    Path seen = dir.resolve("seen.jsonl");
    Path secrets = dir.resolve("secrets.json");
    Files.writeString(secrets, "{}");
    receiver =
        Python.serve(dir, "/peers/webhook_receiver.py", secrets.toString(), seen.toString(), "1");
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }

    // 1. Loopback allowed; a failed event waits an hour after its second try.
    start("127.0.0.0/8", List.of(Duration.ofMillis(200), Duration.ofHours(1)));
    String ok = register("http://127.0.0.1:" + receiver.port() + "/ok");
    String down = register("http://127.0.0.1:" + closed + "/down");
    String later = register("http://127.0.0.2:" + receiver.port() + "/later");
    String before = scrape();
    for (String outcome : List.of("2xx", "4xx", "5xx", "connection_error", "refused"))
      assertThat(value(before, TRIES, "outcome=\"" + outcome + "\"")).as(outcome).isZero();
    assertThat(value(before, "petrel_webhook_deliveries_waiting")).isZero();

    send();
    await()
        .atMost(GUARD)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> lines(ok, "delivered") == 1 && log(down).size() == 2 && log(later).size() == 2);
    assertThat(lines(down, "pending")).isEqualTo(2);
    // The waiting gauge is read from the store at most every 5 s.
    await()
        .atMost(GUARD)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> value(scrape(), "petrel_webhook_deliveries_waiting") == 2.0);
    String first = scrape();
    assertThat(value(first, TRIES, "outcome=\"2xx\"", "result=\"succeeded\"")).isEqualTo(1.0);
    assertThat(value(first, TRIES, "outcome=\"5xx\"", "result=\"failed\"")).isEqualTo(1.0);
    assertThat(value(first, TRIES, "outcome=\"connection_error\"")).isEqualTo(4.0);
    assertThat(value(first, TRIES, "outcome=\"refused\"")).isZero();
    assertThat(value(first, TRIES)).isEqualTo(6.0);
    assertThat(value(first, "petrel_webhook_request_duration_seconds_count")).isEqualTo(6.0);
    assertThat(value(first, "petrel_webhook_request_duration_seconds_bucket", "le=\"+Inf\""))
        .isEqualTo(6.0);
    assertThat(value(first, "petrel_webhook_events_given_up_total")).isZero();
    // The receiver's own log: one 500 and one 200.
    assertThat(Files.readString(seen)).contains("\"answered\": 500").contains("\"answered\": 200");

    // 2. Restart allowing 127.0.0.1 only: 127.0.0.2 is refused without a request; failed events
    // are given up after their third try.
    petrel.close();
    start("127.0.0.1/32", List.of(Duration.ofMillis(200), Duration.ofMillis(200)));
    send();
    await()
        .atMost(GUARD)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                lines(ok, "delivered") == 2
                    && lines(down, "failed") == 1
                    && lines(later, "failed") == 1);
    assertThat(log(later).getFirst().get("error").asString()).startsWith("refused");
    String second = scrape();
    assertThat(value(second, TRIES, "outcome=\"2xx\"")).isEqualTo(1.0);
    assertThat(value(second, TRIES, "outcome=\"5xx\"")).isEqualTo(1.0);
    assertThat(value(second, TRIES, "outcome=\"connection_error\"")).isEqualTo(3.0);
    assertThat(value(second, TRIES, "outcome=\"refused\"", "result=\"failed\"")).isEqualTo(3.0);
    assertThat(value(second, TRIES, "result=\"failed\"")).isEqualTo(7.0);
    // Refused tries sent no request: the histogram holds the five that did.
    assertThat(value(second, "petrel_webhook_request_duration_seconds_count")).isEqualTo(5.0);
    assertThat(value(second, "petrel_webhook_events_given_up_total")).isEqualTo(2.0);
    // The first run's two events still wait for their retry in an hour.
    await()
        .atMost(GUARD)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> value(scrape(), "petrel_webhook_deliveries_waiting") == 2.0);
  }
}
