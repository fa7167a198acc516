package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.deliver.SmtpSink;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.StoredMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code petrel serve} is killed with SIGKILL while it delivers a steady load to Postfix's
 * smtp-sink, then started again on the same data folder. Every message that got a 250 from Petrel
 * reaches the sink at least once; the copies beyond the first are counted and printed, and there
 * are no more of them than recipients Petrel had in delivery at the kill (which the restart reports
 * as it takes them back). The restart does not wait for the dead run's leases (15 minutes) to run
 * out: the queue must empty well before that.
 *
 * <p>{@code -Dpetrel.sigkill.messages=N} sets the load (default 3,000).
 */
class DeliveryResumesAfterSigkill {

  private static final int MESSAGES = Integer.getInteger("petrel.sigkill.messages", 3000);
  private static final Duration HANG_GUARD = Duration.ofMinutes(5);
  private static final Pattern RELEASED =
      Pattern.compile("petrel serve: (\\d+) recipients were in delivery when the last run stopped");

  @TempDir Path dir;

  @Test
  void everyAcknowledgedMessageReachesTheSinkAndOnlyInFlightOnesTwice() throws Exception {
    Path data = dir.resolve("data");
    // The first run delivers to a sink that waits a second before answering DATA, so delivery
    // lags behind acceptance and the kill always finds mail accepted but not yet delivered (with a
    // fast sink on a quiet machine delivery kept up and there was nothing in flight to lose). The
    // restarted run delivers to a fast sink; what arrived at either counts.
    try (SmtpSink slow = SmtpSink.start(dir, "-w", "1");
        SmtpSink sink = SmtpSink.start(dir)) {
      String slowRoute = "load.test=127.0.0.1:" + slow.port;
      String route = "load.test=127.0.0.1:" + sink.port;
      Map<String, String> acknowledged;
      int atKill;
      try (PetrelProcess first =
          PetrelProcess.serveDelivering(
              List.of("-Xmx256m"), data, dir.resolve("first.log"), "--route", slowRoute)) {
        MailLoad load =
            new MailLoad(first.port("smtp"), "k", 8, MESSAGES, n -> "rcpt" + n + "@load.test");
        try (load) {
          // Kill while mail is still coming in and going out.
          await()
              .atMost(HANG_GUARD)
              .pollInterval(Duration.ofMillis(20))
              .failFast("petrel died", () -> !first.process().isAlive())
              .until(() -> slow.dumped() >= 40 || !load.running());
          first.kill();
          atKill = slow.dumped();
        }
        // the clients have stopped: every 250 they got is in
        acknowledged = Map.copyOf(load.acknowledged());
        assertThat(atKill).as("killed during delivery").isLessThan(acknowledged.size());
      }

      int released;
      try (PetrelProcess second =
          PetrelProcess.serveDelivering(
              List.of("-Xmx256m"), data, dir.resolve("second.log"), "--route", route)) {
        Matcher m = RELEASED.matcher(second.log());
        released = m.find() ? Integer.parseInt(m.group(1)) : 0;
        try (SqliteMessageStore store =
            SqliteMessageStore.open(
                data, SqliteStoreOptions.existingFolder(), InstantSource.system())) {
          await()
              .atMost(HANG_GUARD)
              .pollInterval(Duration.ofMillis(250))
              .failFast("petrel died", () -> !second.process().isAlive())
              .until(() -> waiting(store) == 0);
          for (StoredMessage msg : store.list(Integer.MAX_VALUE))
            assertThat(msg.recipients().getFirst().state())
                .as("recipient of %s", msg.id())
                .isEqualTo(RecipientState.DELIVERED);
        }
        second.terminate();
        second.waitFor(Duration.ofSeconds(60));
      }

      Map<String, Integer> copies = new HashMap<>();
      List<String> arrived = new java.util.ArrayList<>(slow.messages());
      arrived.addAll(sink.messages());
      for (String message : arrived) {
        String tag = MailLoad.tagOf(message);
        if (tag != null) copies.merge(tag, 1, Integer::sum);
      }
      int duplicates = copies.values().stream().mapToInt(c -> c - 1).sum();
      long unacknowledged =
          copies.keySet().stream().filter(t -> !acknowledged.containsKey(t)).count();
      System.out.printf(
          "DeliveryResumesAfterSigkill: %d acknowledged, %d at the sink when killed, %d in delivery"
              + " at the kill (released on restart), %d distinct messages at the sink (%d never"
              + " acknowledged: the kill cut their 250), %d duplicates%n",
          acknowledged.size(), atKill, released, copies.size(), unacknowledged, duplicates);
      assertThat(acknowledged.keySet())
          .as("acknowledged messages missing at the sink")
          .allSatisfy(tag -> assertThat(copies).containsKey(tag));
      assertThat(duplicates)
          .as("only messages in delivery at the kill may arrive twice")
          .isLessThanOrEqualTo(released);
    }
  }

  /** Recipients not yet in a final state. */
  private static long waiting(SqliteMessageStore store) throws Exception {
    return store.list(Integer.MAX_VALUE).stream()
        .flatMap(m -> m.recipients().stream())
        .filter(r -> !r.state().isFinal())
        .count();
  }
}
