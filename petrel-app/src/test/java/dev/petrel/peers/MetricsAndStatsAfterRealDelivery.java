package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real Petrel delivers to the mailbox simulator (one message over HTTP, one over SMTP); then
 * {@code /metrics} passes {@code promtool check metrics} (Prometheus's own parser and linter) and
 * holds the counters of a delivered and a 550 5.1.1 recipient with the right labels, and {@code GET
 * /api/v1/stats} counts the same run for its account only.
 */
class MetricsAndStatsAfterRealDelivery {

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

  /** One sample of the text format: name, labels, value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\",?");

  private static List<Sample> samples(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as(line).isTrue();
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) labels.put(l.group(1), l.group(2));
      }
      out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return out;
  }

  private static double value(List<Sample> all, String name, Map<String, String> labels) {
    return all.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value)
        .sum();
  }

  private void awaitFinal(String id) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              JsonNode m = http.curl("GET", "/api/v1/messages/" + id, key, null).json();
              for (JsonNode r : m.get("recipients")) {
                String s = r.get("state").asString();
                if (s.equals("queued") || s.equals("deferred")) return false;
              }
              return true;
            });
  }

  private String sendOverApi() {
    Http.Answer sent =
        http.curl(
            "POST",
            "/api/v1/messages",
            key,
            """
            {"from": "ann@example.com", "to": ["ok@sim.test", "rcpt-550-5.1.1@sim.test"],
             "subject": "Invoice", "text": "Hello"}
            """,
            "Content-Type: application/json");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    return sent.json().get("id").asString();
  }

  @Test
  void metricsPassPromtoolAndCountTheRunStatsCountItForItsAccountOnly() {
    String promtool = Peers.require("promtool");
    String id = sendOverApi();
    Swaks.Run smtp = Swaks.run(petrel.port(), "--from", "app@example.com", "--to", "ok@sim.test");
    assertThat(smtp.queuedId()).as(smtp.transcript()).isNotNull();
    awaitFinal(id);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                petrel
                    .find(smtp.queuedId())
                    .orElseThrow()
                    .recipients()
                    .getFirst()
                    .state()
                    .isFinal());

    Http.Answer scraped = http.curl("GET", "/metrics", null, null);
    assertThat(scraped.status()).isEqualTo(200);
    assertThat(scraped.headers().get("content-type")).startsWith("text/plain; version=0.0.4");
    Exec.Result check =
        Exec.run(
            Duration.ofSeconds(60),
            scraped.body().getBytes(StandardCharsets.UTF_8),
            List.of(promtool, "check", "metrics"));
    assertThat(check.exit()).as(check.all()).isZero();

    List<Sample> all = samples(scraped.body());
    String attempts = "petrel_delivery_attempts_total";
    assertThat(
            value(all, attempts, Map.of("domain", "sim.test", "code", "250", "state", "delivered")))
        .as(scraped.body())
        .isEqualTo(2.0);
    assertThat(
            value(
                all,
                attempts,
                Map.of(
                    "domain", "sim.test",
                    "code", "550",
                    "enhanced", "5.1.1",
                    "reason", "userunknown",
                    "bounce", "hard",
                    "state", "bounced")))
        .as(scraped.body())
        .isEqualTo(1.0);
    assertThat(value(all, attempts, Map.of())).isEqualTo(3.0);
    assertThat(value(all, "petrel_accepted_messages_total", Map.of("source", "api")))
        .isEqualTo(1.0);
    assertThat(value(all, "petrel_accepted_recipients_total", Map.of("source", "api")))
        .isEqualTo(2.0);
    assertThat(value(all, "petrel_accepted_messages_total", Map.of("source", "smtp")))
        .isEqualTo(1.0);
    assertThat(value(all, "petrel_accept_latency_seconds_count", Map.of("source", "smtp")))
        .isEqualTo(1.0);
    assertThat(value(all, "petrel_accept_latency_seconds_count", Map.of("source", "api")))
        .isEqualTo(1.0);
    assertThat(value(all, "petrel_delivery_latency_seconds_count", Map.of())).isEqualTo(2.0);
    assertThat(all)
        .anySatisfy(s -> assertThat(s.name()).isEqualTo("petrel_queue_recipients"))
        .anySatisfy(s -> assertThat(s.name()).isEqualTo("jvm_memory_used_bytes"))
        .anySatisfy(s -> assertThat(s.name()).isEqualTo("process_uptime_seconds"));
    assertThat(value(all, "petrel_queue_recipients", Map.of())).isZero();
    // Histograms with buckets: every acceptance is under the 5 s bucket, and +Inf counts all.
    assertThat(
            value(
                all, "petrel_accept_latency_seconds_bucket", Map.of("source", "api", "le", "5.0")))
        .isEqualTo(1.0);
    assertThat(value(all, "petrel_delivery_latency_seconds_bucket", Map.of("le", "+Inf")))
        .isEqualTo(2.0);
    assertThat(value(all, "petrel_queue_oldest_due_age_seconds", Map.of())).isZero();
    assertThat(all)
        .anySatisfy(
            s -> {
              assertThat(s.name()).isEqualTo("petrel_build_info");
              assertThat(s.labels()).containsKeys("version", "java");
              assertThat(s.value()).isEqualTo(1.0);
            });

    // Statistics over the same run: acme's message only (the SMTP one is the default account's).
    JsonNode stats = http.curl("GET", "/api/v1/stats", key, null).json();
    assertThat(stats.get("bucket").asString()).isEqualTo("day");
    assertThat(stats.get("totals").get("delivered").asLong()).as(stats.toString()).isEqualTo(1);
    assertThat(stats.get("totals").get("bounced").asLong()).isEqualTo(1);
    assertThat(stats.get("totals").get("deferred").asLong()).isZero();
    assertThat(stats.get("bounce_rate").asDouble()).isEqualTo(0.5);
    assertThat(stats.get("top_reasons").get(0).get("reason").asString()).isEqualTo("userunknown");
    assertThat(stats.get("top_reasons").get(0).get("count").asLong()).isEqualTo(1);
    // the bounced recipient's reason; the delivered one's 250 is no bounce reason
    assertThat(stats.get("top_bounce_reasons").toString())
        .isEqualTo("[{\"reason\":\"userunknown\",\"count\":1}]");
    assertThat(stats.get("top_codes").toString()).contains("\"code\":550,\"enhanced\":\"5.1.1\"");
    JsonNode domain = stats.get("top_domains").get(0);
    assertThat(domain.get("domain").asString()).isEqualTo("sim.test");
    assertThat(domain.get("recipients").asLong()).isEqualTo(2);
    assertThat(domain.get("bounced").asLong()).isEqualTo(1);
    long daily = 0;
    for (JsonNode b : stats.get("buckets")) daily += b.get("delivered").asLong();
    assertThat(daily).isEqualTo(1);

    JsonNode hourly = http.curl("GET", "/api/v1/stats?bucket=hour", key, null).json();
    assertThat(hourly.get("buckets").size()).isBetween(168, 169);
    assertThat(hourly.get("totals").get("bounced").asLong()).isEqualTo(1);

    JsonNode other = http.curl("GET", "/api/v1/stats", otherKey(), null).json();
    assertThat(other.get("totals").get("delivered").asLong()).isZero();
    assertThat(other.get("totals").get("bounced").asLong()).isZero();
    assertThat(other.get("top_reasons").size()).isZero();
    assertThat(other.get("top_bounce_reasons").size()).isZero();
    assertThat(other.get("top_domains").size()).isZero();
    assertThat(other.get("bounce_rate").isNull()).isTrue();
  }

  private String otherKey() {
    try {
      return petrel.apiKey("other");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void badStatsParametersGetProblemDocuments() {
    assertThat(http.curl("GET", "/api/v1/stats?bucket=week", key, null).problem(400).toString())
        .contains("bucket");
    assertThat(http.curl("GET", "/api/v1/stats?from=yesterday", key, null).problem(400).toString())
        .contains("ISO-8601");
    assertThat(
            http.curl("GET", "/api/v1/stats?from=2026-02-01&to=2026-01-01", key, null)
                .problem(400)
                .toString())
        .contains("before");
    assertThat(
            http.curl("GET", "/api/v1/stats?from=2024-01-01&to=2026-01-01&bucket=hour", key, null)
                .problem(400)
                .toString())
        .contains("at most 744");
    http.curl("GET", "/api/v1/stats", null, null).problem(401);
    JsonNode ok = http.curl("GET", "/api/v1/stats?from=2026-01-01&to=2026-01-03", key, null).json();
    assertThat(ok.get("buckets").size()).isEqualTo(2);
    assertThat(ok.get("buckets").get(1).get("start").asString()).startsWith("2026-01-02T00:00:00");
  }
}
