package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.deliver.SmtpSink;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A destination that defers everything, with a large backlog, does not stop mail to other
 * destinations. A real {@code petrel serve} routes {@code a.test} to Postfix's smtp-sink answering
 * 4xx to every RCPT and {@code b.test} to one that accepts.
 *
 * <p>{@code -Dpetrel.backlog.messages=N} sets the size of the deferred backlog (default 20,000;
 * bench/deferred-backlog.sh runs it with 100,000 and a 512 MB heap).
 */
class DeferredBacklogDoesNotStopFreshMail {

  private static final int BACKLOG = Integer.getInteger("petrel.backlog.messages", 20_000);
  private static final int FRESH = 20;

  @TempDir Path dir;

  /**
   * The slow-down case: A answers every RCPT with a reputation refusal, which lowers its connection
   * limit and rate to a trickle, so nearly all of its backlog stays queued and waiting. Fresh mail
   * to B must not wait behind it: before the scheduler capped each destination's share of its
   * slots, every slot ended up held by jobs for A waiting for A's admission, and B's mail was never
   * even claimed.
   */
  @Test
  void aSlowedDownDestinationsBacklogDoesNotHoldFreshMail() throws Exception {
    try (SmtpSink a =
            SmtpSink.startSilent(
                dir,
                "-r",
                "RCPT",
                "-b",
                "450 4.7.28 Our system has detected an unusual rate of unsolicited mail");
        SmtpSink b = SmtpSink.start(dir);
        PetrelProcess petrel = serve(a, b, "-Xmx256m")) {
      fill(petrel, 2000);
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> count("a.test", "deferred") > 0 && count("a.test", "queued") < 2000);
      sendFresh(petrel, b, "s", Duration.ofMinutes(2));
      assertThat(count("a.test", "queued"))
          .as("A's backlog is still waiting: B went past it")
          .isPositive();
      assertThat(petrel.process().isAlive()).isTrue();
    }
  }

  /**
   * The large case: the whole backlog is tried and deferred, the heap stays small (reported), and
   * fresh mail to B is delivered while every recipient of A stays deferred with its next attempt
   * set.
   */
  @Test
  void aLargeDeferredBacklogKeepsTheHeapSmallAndFreshMailFlows() throws Exception {
    try (SmtpSink a = SmtpSink.startSilent(dir, "-r", "RCPT");
        SmtpSink b = SmtpSink.start(dir);
        PetrelProcess petrel = serve(a, b, "-Xmx512m")) {
      long t0 = System.nanoTime();
      fill(petrel, BACKLOG);
      double fillSeconds = (System.nanoTime() - t0) / 1e9;
      await()
          .atMost(Duration.ofSeconds(120 + BACKLOG / 50))
          .pollInterval(Duration.ofSeconds(1))
          .failFast("petrel died", () -> !petrel.process().isAlive())
          .until(() -> count("a.test", "deferred") == BACKLOG);
      double triedSeconds = (System.nanoTime() - t0) / 1e9;

      long t1 = System.nanoTime();
      sendFresh(petrel, b, "f", Duration.ofMinutes(2));
      double freshSeconds = (System.nanoTime() - t1) / 1e9;

      assertThat(petrel.process().isAlive()).isTrue();
      assertThat(petrel.log()).doesNotContain("OutOfMemoryError");
      assertThat(count("a.test", "deferred")).isEqualTo(BACKLOG);
      assertThat(waitingWithoutNextAttempt("a.test")).isZero();
      Memory m = Memory.of(petrel.pid());
      System.out.printf(
          "DeferredBacklog: %d messages deferred; heap used after GC %.1f MiB (committed %.1f"
              + " MiB, max 512 MiB), RSS %.1f MiB; fill %.1f s (%.0f msg/s), all tried after %.1f"
              + " s; %d fresh messages to another destination delivered in %.2f s%n",
          BACKLOG,
          m.heapUsedMiB(),
          m.heapCommittedMiB(),
          m.rssMiB(),
          fillSeconds,
          BACKLOG / fillSeconds,
          triedSeconds,
          FRESH,
          freshSeconds);
    }
  }

  private PetrelProcess serve(SmtpSink a, SmtpSink b, String heap) throws Exception {
    return PetrelProcess.serveDelivering(
        List.of(heap),
        dir.resolve("data"),
        dir.resolve("petrel.log"),
        "--route",
        "a.test=127.0.0.1:" + a.port,
        "--route",
        "b.test=127.0.0.1:" + b.port);
  }

  /** smtp-source, 20 sessions, 1 KB messages to A. */
  private static void fill(PetrelProcess petrel, int messages) {
    Exec.Result r =
        Exec.run(
            Duration.ofSeconds(120 + messages / 20),
            List.of(
                Peers.require("smtp-source"),
                "-s",
                "20",
                "-m",
                String.valueOf(messages),
                "-l",
                "1024",
                "-f",
                "load@load.test",
                "-t",
                "rcpt@a.test",
                "127.0.0.1:" + petrel.port("smtp")));
    assertThat(r.exit()).as(r.all()).isZero();
  }

  /** Sends {@value #FRESH} tagged messages to B and waits until the sink has every one. */
  private void sendFresh(PetrelProcess petrel, SmtpSink b, String run, Duration guard)
      throws Exception {
    MailLoad load = new MailLoad(petrel.port("smtp"), run, 2, FRESH, n -> "fresh" + n + "@b.test");
    load.await(Duration.ofMinutes(1));
    assertThat(load.acknowledged()).hasSize(FRESH);
    await()
        .atMost(guard)
        .pollInterval(Duration.ofMillis(100))
        .failFast("petrel died", () -> !petrel.process().isAlive())
        .until(() -> tags(b).containsAll(load.acknowledged().keySet()));
    await().atMost(Duration.ofSeconds(30)).until(() -> count("b.test", "delivered") == FRESH);
  }

  private static Set<String> tags(SmtpSink sink) throws Exception {
    Set<String> out = new HashSet<>();
    for (String m : sink.messages()) out.add(MailLoad.tagOf(m));
    return out;
  }

  // The queue's counts, read from the database beside the running server (as the queue commands
  // do); listing 100,000 messages through the store would only measure this test's own memory.

  private long count(String domain, String state) throws SQLException {
    return query("SELECT count(*) FROM recipients WHERE domain = ? AND state = ?", domain, state);
  }

  private long waitingWithoutNextAttempt(String domain) throws SQLException {
    return query(
        "SELECT count(*) FROM recipients WHERE domain = ? AND state IN ('queued', 'deferred')"
            + " AND next_attempt IS NULL",
        domain);
  }

  private long query(String sql, String... params) throws SQLException {
    Path db = dir.resolve("data").resolve("petrel.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db + "?open_mode=1");
        PreparedStatement ps = c.prepareStatement(sql)) {
      c.createStatement().execute("PRAGMA busy_timeout = 10000");
      for (int i = 0; i < params.length; i++) ps.setString(i + 1, params[i]);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
