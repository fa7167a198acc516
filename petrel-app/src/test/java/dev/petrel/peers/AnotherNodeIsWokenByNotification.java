package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.deliver.SmtpSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL database: node A only accepts ({@code --deliver=false}), node B
 * delivers but looks for due work only once an hour ({@code --poll-interval 1h}). Mail swaks sends
 * to A is delivered by B to smtp-sink long before B's next poll, because A's commit notifies B
 * (LISTEN/NOTIFY), as B's log and its wake-up counter show. After PostgreSQL is stopped and started
 * again, B's listener connects again by itself and the next message sent to A is delivered by B the
 * same way.
 */
class AnotherNodeIsWokenByNotification {

  /** Far longer than the test's guard: a delivery within the guard was not the poll's doing. */
  private static final String POLL = "1h";

  private static final Duration GUARD = Duration.ofMinutes(3);
  private static final Pattern WAKEUPS =
      Pattern.compile(
          "(?m)^petrel_delivery_wakeups_total\\{cause=\"notification\",node=\"node-b\"\\}"
              + " ([0-9.]+)$");

  @TempDir Path dir;

  @Test
  void mailAcceptedByANodeThatDoesNotDeliverIsDeliveredByTheOtherAtOnce() throws Exception {
    try (PostgresCluster cluster = PostgresCluster.start();
        SmtpSink sink = SmtpSink.start(dir)) {
      String url = cluster.createDatabase();
      String route = "sink.test=127.0.0.1:" + sink.port;
      try (PetrelProcess a =
              PostgresNode.start(dir, "node-a", url, "--deliver=false", "--route", route);
          PetrelProcess b =
              PostgresNode.start(dir, "node-b", url, "--poll-interval", POLL, "--route", route)) {
        assertThat(a.log()).contains("delivery off on this node");

        String first = send(a, "first");
        await()
            .atMost(GUARD)
            .pollInterval(Duration.ofMillis(100))
            .failFast("node B died", () -> !b.process().isAlive())
            // B records the attempt, and logs it, just after the sink took the message
            .until(
                () ->
                    sink.messages().size() == 1
                        && b.log().contains(first + " <bob@sink.test>: delivered"));
        assertThat(sink.messages().getFirst()).contains("Subject: first");
        assertThat(a.log()).doesNotContain(": delivered via");
        assertThat(b.log())
            .contains("delivery: woken by a notification of new mail from node node-a");
        assertThat(wakeUps(b)).as("B's wake-up counter").isGreaterThanOrEqualTo(1.0);

        // The database goes away and comes back: B listens again without a restart.
        cluster.stopFast();
        cluster.startAgain();
        String second =
            await()
                .atMost(GUARD)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> send(a, "second"), id -> id != null);
        await()
            .atMost(GUARD)
            .pollInterval(Duration.ofMillis(100))
            .failFast("node B died", () -> !b.process().isAlive())
            .until(
                () ->
                    sink.messages().size() == 2
                        && b.log().contains(second + " <bob@sink.test>: delivered"));
        assertThat(b.log()).contains("store: listening for other nodes' new mail again");
        assertThat(a.log()).doesNotContain(": delivered via");
      }
    }
  }

  /** Sends one message to node A with swaks; its queue id, or null when A did not take it. */
  private static String send(PetrelProcess a, String subject) {
    Swaks.Run run =
        Swaks.run(
            a.port("smtp"),
            "--from",
            "alice@example.com",
            "--to",
            "bob@sink.test",
            "--header",
            "Subject: " + subject);
    if (run.replies().stream().noneMatch(r -> r.startsWith("250 2.0.0"))) return null;
    return run.queuedId();
  }

  private static double wakeUps(PetrelProcess node) {
    Http.Answer metrics = new Http(node.httpPort()).curl("GET", "/metrics", null, null);
    assertThat(metrics.status()).isEqualTo(200);
    Matcher m = WAKEUPS.matcher(metrics.body());
    assertThat(m.find()).as(metrics.body()).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
