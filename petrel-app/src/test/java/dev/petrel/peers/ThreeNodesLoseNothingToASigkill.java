package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.deliver.SmtpSink;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code serve} nodes on one PostgreSQL database, each with a short lease, deliver to one
 * smtp-sink (which waits a second before answering the data, so deliveries are in flight) while
 * Python's smtplib sends to all three. Node C is killed with SIGKILL mid-load; once its leases run
 * out, A and B take its claimed work over. Every message that got a 250 from any node arrives at
 * the sink; copies beyond the first are counted and printed, and there are no more of them than
 * recipients C held leases on when it died (what it may have been sending).
 */
class ThreeNodesLoseNothingToASigkill {

  private static final Duration GUARD = Duration.ofMinutes(5);

  @TempDir Path dir;

  @Test
  void everyAcceptedMessageArrivesAfterANodeIsKilled() throws Exception {
    try (PostgresCluster cluster = PostgresCluster.start();
        SmtpSink sink = SmtpSink.start(dir, "-w", "1")) {
      String url = cluster.createDatabase();
      String database = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
      String[] options = {"--lease", "15s", "--route", "load.test=127.0.0.1:" + sink.port};
      try (PetrelProcess a = PostgresNode.start(dir, "node-a", url, options);
          PetrelProcess b = PostgresNode.start(dir, "node-b", url, options);
          PetrelProcess c = PostgresNode.start(dir, "node-c", url, options)) {
        MixedLoad load =
            MixedLoad.start(
                dir,
                "kill",
                List.of(a.port("smtp"), b.port("smtp"), c.port("smtp")),
                List.of(),
                null,
                "load.test",
                6,
                0,
                100);
        int leasedByC;
        try (load) {
          // Kill C once it has delivered some of its own mail: it then holds leases mid-delivery.
          await()
              .atMost(GUARD)
              .pollInterval(Duration.ofMillis(50))
              .failFast("the load stopped: " + load.log(), () -> !load.running())
              .until(() -> c.log().contains(": delivered via") && sink.dumped() >= 30);
          c.kill();
          leasedByC = leasedBy(cluster, database, "node-c");
          int acceptedAtKill = load.accepted().size();
          // The other two go on taking mail.
          await()
              .atMost(GUARD)
              .pollInterval(Duration.ofMillis(100))
              .until(() -> load.accepted().size() >= acceptedAtKill + 30 || !load.running());
          load.stop(Duration.ofMinutes(2));
        }
        Set<String> accepted = load.accepted();
        assertThat(load.answers()).as("no client got a 5xx").noneMatch(MixedLoad.Answer::permanent);

        await()
            .atMost(GUARD)
            .pollInterval(Duration.ofMillis(500))
            .failFast("node A died", () -> !a.process().isAlive())
            .failFast("node B died", () -> !b.process().isAlive())
            .until(
                () ->
                    DatabaseOutageGivesFourHundredsAndRecovers.arrived(sink)
                        .keySet()
                        .containsAll(accepted));
        Map<String, Integer> copies = DatabaseOutageGivesFourHundredsAndRecovers.arrived(sink);
        int duplicates = copies.values().stream().mapToInt(n -> n - 1).sum();
        long unacknowledged = copies.keySet().stream().filter(t -> !accepted.contains(t)).count();
        System.out.printf(
            "ThreeNodesLoseNothingToASigkill: %d accepted by the three nodes, %d recipients leased"
                + " by node C when it was killed, %d distinct messages at the sink (%d never"
                + " acknowledged: the kill cut their 250), %d duplicates%n",
            accepted.size(), leasedByC, copies.size(), unacknowledged, duplicates);
        assertThat(duplicates)
            .as("only what C was delivering when it died may arrive twice")
            .isLessThanOrEqualTo(leasedByC);
      }
    }
  }

  /** Recipients whose lease the node holds now. */
  private static int leasedBy(PostgresCluster cluster, String database, String node)
      throws Exception {
    try (Connection c = cluster.connect(database);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM recipients WHERE lease_node = '"
                    + node
                    + "' AND lease_id IS NOT NULL")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
