package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.deliver.SmtpSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Retention on a real {@code serve}: mail is delivered to Postfix's smtp-sink ({@code ok.test}),
 * refused with 550 5.1.1 by another ({@code bounce.test}) and deferred with 450 by a third ({@code
 * defer.test}); one more message waits held. After a restart with {@code --retention 1s} the
 * retention job deletes the finished messages (the API answers 404, the body file is gone) and
 * keeps the deferred and the held one; {@code GET /api/v1/stats} answers exactly as before, for
 * both accounts; the suppression the bounce caused stays. {@code petrel store prune} does the same
 * from the command line beside a running server.
 */
class FinishedMailIsPrunedAfterRetention {

  private static final Duration GUARD = Duration.ofSeconds(90);

  @TempDir Path dir;
  SmtpSink ok;
  SmtpSink bounce;
  SmtpSink defer;
  RunningPetrel petrel;
  Http http;
  String acme;
  String other;

  @BeforeEach
  void start() throws Exception {
    ok = SmtpSink.start(dir);
    bounce =
        SmtpSink.start(
            dir, "-f", "RCPT", "-B", "550 5.1.1 Recipient address rejected: User unknown");
    defer = SmtpSink.start(dir, "-r", "RCPT", "-b", "450 4.2.0 Greylisted, try again later");
    petrel = RunningPetrel.start(dir.resolve("data"), flags(null));
    http = new Http(petrel.httpPort());
    acme = petrel.apiKey("acme");
    other = petrel.apiKey("other");
  }

  Map<ConfigKey, String> flags(String retention) {
    Map<ConfigKey, String> f = new EnumMap<>(ConfigKey.class);
    f.put(ConfigKey.PAUSED, "false");
    f.put(
        ConfigKey.ROUTE,
        "ok.test=127.0.0.1:"
            + ok.port
            + ",bounce.test=127.0.0.1:"
            + bounce.port
            + ",defer.test=127.0.0.1:"
            + defer.port);
    if (retention != null) f.put(ConfigKey.RETENTION, retention);
    return f;
  }

  @AfterEach
  void stop() throws Exception {
    if (petrel != null) petrel.close();
    for (SmtpSink s : new SmtpSink[] {ok, bounce, defer}) if (s != null) s.close();
  }

  String send(String key, String to, String text) throws Exception {
    Path body = Files.createTempFile(dir, "request", ".json");
    Files.writeString(
        body,
        "{\"from\": \"ann@example.com\", \"to\": ["
            + to
            + "], \"subject\": \"Report\", \"text\": \""
            + text
            + "\"}",
        StandardCharsets.UTF_8);
    Http.Answer a =
        http.curl("POST", "/api/v1/messages", key, "@" + body, "Content-Type: application/json");
    assertThat(a.status()).as(a.body()).isEqualTo(202);
    return a.json().get("id").asString();
  }

  String state(String key, String id, int recipient) {
    Http.Answer a = http.curl("GET", "/api/v1/messages/" + id, key, null);
    if (a.status() == 404) return "gone";
    return a.json().get("recipients").get(recipient).get("state").asString();
  }

  void awaitState(String key, String id, int recipient, String state) {
    await()
        .atMost(GUARD)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> state(key, id, recipient), state::equals);
  }

  /** The spool file of a message (bodies of 64 KiB or more are files). */
  Path bodyFile(String id) {
    return petrel
        .dataDir()
        .resolve("spool")
        .resolve(id.substring(id.length() - 2))
        .resolve(id + ".eml");
  }

  /** Messages queued for both accounts: finished ones, a deferred one and a held one. */
  record Mail(String big, String small, String deferred, String held, String others) {}

  Mail sendAndFinish() throws Exception {
    String bigText = ("y".repeat(100) + "\\n").repeat(800);
    String big = send(acme, "\"a@ok.test\", \"gone@bounce.test\"", bigText);
    String small = send(acme, "\"b@ok.test\"", "Hello");
    String deferred = send(acme, "\"c@defer.test\"", "Later");
    petrel.store().pause("held.test", Instant.now());
    String held = send(acme, "\"d@held.test\"", "Held");
    petrel.store().hold(dev.petrel.model.QueueId.parse(held));
    String others = send(other, "\"e@ok.test\"", "Other");
    awaitState(acme, big, 0, "delivered");
    awaitState(acme, big, 1, "bounced");
    awaitState(acme, small, 0, "delivered");
    awaitState(acme, deferred, 0, "deferred");
    awaitState(other, others, 0, "delivered");
    assertThat(ok.messages()).hasSize(3);
    assertThat(bodyFile(big)).exists();
    return new Mail(big, small, deferred, held, others);
  }

  /** The dashboard's kind of range: whole hours, around now. */
  String statsPath() {
    Instant to = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(2));
    Instant from = to.minus(Duration.ofDays(2));
    return "/api/v1/stats?bucket=hour&from=" + from + "&to=" + to;
  }

  JsonNode stats(String key, String path) {
    Http.Answer a = http.curl("GET", path, key, null);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json();
  }

  void assertKept(Mail m) {
    assertThat(state(acme, m.deferred(), 0)).isEqualTo("deferred");
    assertThat(state(acme, m.held(), 0)).isEqualTo("queued");
    assertThat(
            http.curl("GET", "/api/v1/messages/" + m.held(), acme, null)
                .json()
                .get("held")
                .asBoolean())
        .isTrue();
  }

  void assertPruned(Mail m) {
    http.curl("GET", "/api/v1/messages/" + m.big(), acme, null).problem(404);
    http.curl("GET", "/api/v1/messages/" + m.small(), acme, null).problem(404);
    http.curl("GET", "/api/v1/messages/" + m.others(), other, null).problem(404);
    assertThat(bodyFile(m.big())).doesNotExist();
    // The suppression the bounce caused is not pruned.
    Http.Answer s = http.curl("GET", "/api/v1/suppressions", acme, null);
    assertThat(s.body()).contains("gone@bounce.test");
  }

  @Test
  void theRetentionJobDeletesFinishedMailAndStatisticsStayTheSame() throws Exception {
    Mail m = sendAndFinish();
    String path = statsPath();
    JsonNode acmeBefore = stats(acme, path);
    JsonNode otherBefore = stats(other, path);
    JsonNode acmeDaily = stats(acme, "/api/v1/stats");
    assertThat(acmeBefore.get("totals").get("delivered").asLong()).isEqualTo(2);
    assertThat(acmeBefore.get("totals").get("bounced").asLong()).isEqualTo(1);
    assertThat(acmeBefore.get("totals").get("deferred").asLong()).isPositive();
    assertThat(otherBefore.get("totals").get("delivered").asLong()).isEqualTo(1);
    assertThat(otherBefore.get("top_reasons").size()).isZero();

    petrel.close();
    petrel = RunningPetrel.start(dir.resolve("data"), flags("1s"));
    http = new Http(petrel.httpPort());
    await()
        .atMost(GUARD)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> state(acme, m.big(), 0), "gone"::equals);
    await()
        .atMost(GUARD)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> state(other, m.others(), 0), "gone"::equals);
    awaitState(acme, m.small(), 0, "gone");

    assertPruned(m);
    assertKept(m);
    assertThat(stats(acme, path)).isEqualTo(acmeBefore);
    assertThat(stats(other, path)).isEqualTo(otherBefore);
    JsonNode daily = stats(acme, "/api/v1/stats");
    for (String f :
        new String[] {"totals", "bounce_rate", "top_reasons", "top_codes", "top_domains"})
      assertThat(daily.get(f)).as(f).isEqualTo(acmeDaily.get(f));

    String metrics = http.curl("GET", "/metrics", null, null).body();
    assertThat(metrics)
        .containsPattern("(?m)^petrel_retention_pruned_messages_total\\{node=\"local\"} 3\\.0$");
  }

  @Test
  void storePruneDeletesFinishedMailBesideARunningServer() throws Exception {
    Mail m = sendAndFinish();
    String path = statsPath();
    JsonNode before = stats(acme, path);
    String data = petrel.dataDir().toString();

    Exec.Result bad = PetrelCli.run("store", "prune", "--data-dir", data, "--older-than", "soon");
    assertThat(bad.exit()).as(bad.all()).isEqualTo(2);
    assertThat(bad.err()).contains("--older-than").contains("'soon'");

    Exec.Result dry =
        PetrelCli.run("store", "prune", "--data-dir", data, "--older-than", "0", "--dry-run");
    assertThat(dry.exit()).as(dry.all()).isZero();
    assertThat(dry.out()).startsWith("would delete 3 finished messages (4 recipients, ");
    assertThat(state(acme, m.big(), 0)).isEqualTo("delivered");

    Exec.Result nothing = PetrelCli.run("store", "prune", "--data-dir", data);
    assertThat(nothing.exit()).as(nothing.all()).isZero();
    assertThat(nothing.out()).startsWith("deleted 0 finished messages");

    Exec.Result done = PetrelCli.run("store", "prune", "--data-dir", data, "--older-than", "0");
    assertThat(done.exit()).as(done.all()).isZero();
    assertThat(done.out()).startsWith("deleted 3 finished messages (4 recipients, ");

    assertPruned(m);
    assertKept(m);
    assertThat(stats(acme, path)).isEqualTo(before);
  }
}
