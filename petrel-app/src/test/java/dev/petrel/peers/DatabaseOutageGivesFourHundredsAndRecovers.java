package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.deliver.SmtpSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node on PostgreSQL loses its database under load: Python's smtplib and curl keep sending while
 * PostgreSQL is stopped ({@code pg_ctl stop -m fast}) and started again. SMTP clients see only 2xx
 * and 4xx answers (451 4.3.0 or 421), never a 5xx; API clients see 202 or a 503 problem document
 * with Retry-After, no other 5xx; {@code /readyz} answers 503 during the outage and 200 after it
 * while {@code /healthz} stays 200; the node takes mail and delivers again by itself, without a
 * restart, and every message that got a 250 or a 202 arrives at smtp-sink. The outage is one line
 * in the log and the recovery another.
 */
class DatabaseOutageGivesFourHundredsAndRecovers {

  private static final Duration GUARD = Duration.ofMinutes(4);
  private static final Pattern LOST =
      Pattern.compile("store: PostgreSQL at \\S+ cannot be reached");
  private static final Pattern BACK = Pattern.compile("store: PostgreSQL at \\S+ answers again");

  @TempDir Path dir;

  @Test
  void clientsGetOnlyTemporaryRefusalsAndEveryAcceptedMessageIsDelivered() throws Exception {
    try (PostgresCluster cluster = PostgresCluster.start();
        SmtpSink sink = SmtpSink.start(dir)) {
      String url = cluster.createDatabase();
      try (PetrelProcess node =
          PostgresNode.start(
              dir,
              "node-a",
              url,
              "--lease",
              "20s",
              "--route",
              "sink.test=127.0.0.1:" + sink.port)) {
        String key = node.firstKey();
        assertThat(key).as(node.log()).isNotNull();
        Http http = new Http(node.httpPort());
        assertThat(http.curl("GET", "/readyz", null, null).status()).isEqualTo(200);

        List<Integer> ready = new CopyOnWriteArrayList<>();
        AtomicBoolean probing = new AtomicBoolean(true);
        Thread prober =
            Thread.ofPlatform()
                .start(
                    () -> {
                      while (probing.get()) {
                        try {
                          int s = http.curl("GET", "/readyz", null, null).status();
                          if (ready.isEmpty() || ready.getLast() != s) ready.add(s);
                        } catch (AssertionError | RuntimeException curlFailed) {
                          // no answer this time (curl's own failure); the next probe counts
                        }
                        try {
                          Thread.sleep(200);
                        } catch (InterruptedException e) {
                          return;
                        }
                      }
                    });

        MixedLoad load =
            MixedLoad.start(
                dir,
                "outage",
                List.of(node.port("smtp")),
                List.of(node.httpPort()),
                key,
                "sink.test",
                4,
                2,
                100_000);
        try (load) {
          await()
              .atMost(GUARD)
              .pollInterval(Duration.ofMillis(100))
              .failFast("the load stopped: " + load.log(), () -> !load.running())
              .until(() -> load.accepted().size() >= 20);

          cluster.stopFast();
          // The node notices, and the clients hear temporary refusals on both channels.
          await()
              .atMost(GUARD)
              .pollInterval(Duration.ofMillis(100))
              .failFast("node died", () -> !node.process().isAlive())
              .until(
                  () ->
                      ready.contains(503)
                          && load.count(a -> a.temporary() && a.channel().equals("smtp")) > 0
                          && load.count(a -> a.temporary() && a.channel().equals("api")) > 0);
          assertThat(http.curl("GET", "/healthz", null, null).status())
              .as("liveness holds while the database is down")
              .isEqualTo(200);
          Http.Answer notReady = http.curl("GET", "/readyz", null, null);
          notReady.problem(503);
          assertThat(notReady.headers()).containsKey("retry-after");

          cluster.startAgain();
          int acceptedAtReturn = load.accepted().size();
          await()
              .atMost(GUARD)
              .pollInterval(Duration.ofMillis(200))
              .failFast("node died", () -> !node.process().isAlive())
              .until(
                  () -> ready.getLast() == 200 && load.accepted().size() >= acceptedAtReturn + 20);
          load.stop(Duration.ofMinutes(2));
        }
        probing.set(false);
        prober.join();

        List<MixedLoad.Answer> answers = load.answers();
        Set<String> accepted = new java.util.LinkedHashSet<>();
        for (MixedLoad.Answer a : answers) if (a.accepted()) accepted.add(a.tag());
        Map<String, Long> codes = new HashMap<>();
        for (MixedLoad.Answer a : answers)
          codes.merge(a.channel() + " " + a.phase() + " " + a.code(), 1L, Long::sum);
        System.out.printf(
            "DatabaseOutageGivesFourHundredsAndRecovers: %d answers, %d accepted; by channel,"
                + " phase and code: %s; readyz went %s%n",
            answers.size(), accepted.size(), codes, ready);

        assertThat(answers)
            .as("no SMTP client got a 5xx, no API client a 5xx other than 503")
            .noneMatch(MixedLoad.Answer::permanent);
        for (MixedLoad.Answer a : answers)
          if (a.channel().equals("api") && a.code().equals("503"))
            assertThat(a.rest())
                .as("a 503 says when to come back, as a problem document")
                .contains("application/problem+json")
                .matches("\\d+ .*");
        assertThat(answers)
            .as("SMTP refusals during the outage are 451 4.3.0 or 421")
            .filteredOn(a -> a.channel().equals("smtp") && a.temporary())
            .isNotEmpty()
            .allMatch(a -> a.code().equals("451") || a.code().equals("421"));
        assertThat(ready).as("readyz went down and came back").containsSubsequence(200, 503, 200);

        // Every accepted message arrives (at least once).
        await()
            .atMost(GUARD)
            .pollInterval(Duration.ofMillis(500))
            .failFast("node died", () -> !node.process().isAlive())
            .until(() -> arrived(sink).keySet().containsAll(accepted));
        Map<String, Integer> copies = arrived(sink);
        int duplicates = copies.values().stream().mapToInt(c -> c - 1).sum();
        System.out.printf(
            "DatabaseOutageGivesFourHundredsAndRecovers: %d accepted, %d distinct at the sink, %d"
                + " duplicates%n",
            accepted.size(), copies.size(), duplicates);

        String log = node.log();
        assertThat(count(LOST, log)).as("the loss is logged once per outage\n" + log).isOne();
        assertThat(count(BACK, log)).as("the recovery is logged once per outage\n" + log).isOne();
        assertThat(log)
            .as("the loops stay quiet during the outage")
            .doesNotContain("cannot claim due work")
            .doesNotContain("webhooks: cannot read the webhooks");
      }
    }
  }

  private static int count(Pattern p, String text) {
    Matcher m = p.matcher(text);
    int n = 0;
    while (m.find()) n++;
    return n;
  }

  static Map<String, Integer> arrived(SmtpSink sink) throws Exception {
    Map<String, Integer> copies = new HashMap<>();
    for (String message : sink.messages()) {
      String tag = MailLoad.tagOf(message);
      if (tag != null) copies.merge(tag, 1, Integer::sum);
    }
    return copies;
  }
}
