package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.deliver.SmtpSink;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.Store;
import dev.petrel.queue.StoredMessage;
import dev.petrel.queue.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code serve} nodes, each with its own data folder and name, on one PostgreSQL database:
 * smtp-source loads both at once, both deliver to one smtp-sink, and every accepted message arrives
 * exactly once (no node delivers another node's claim, none is lost).
 */
class TwoNodesShareOnePostgresDatabase {

  private static final int PER_NODE = 150;

  @TempDir Path dir;

  @Test
  void mailAcceptedByEitherNodeIsDeliveredOnceByOneOfThem() throws Exception {
    try (PostgresCluster cluster = PostgresCluster.start();
        SmtpSink sink = SmtpSink.start(dir)) {
      String url = cluster.createDatabase();
      try (RunningPetrel a = node("node-a", url, sink);
          RunningPetrel b = node("node-b", url, sink)) {
        List<Thread> loads =
            List.of(
                Thread.ofPlatform().start(() -> load(a.port(), "a")),
                Thread.ofPlatform().start(() -> load(b.port(), "b")));
        for (Thread t : loads) t.join();

        try (Store inspector =
            Stores.open(
                url, SqliteStoreOptions.defaults().withNode("inspector"), InstantSource.system())) {
          await()
              .atMost(Duration.ofMinutes(3))
              .pollInterval(Duration.ofMillis(250))
              .until(() -> delivered(inspector) == 2 * PER_NODE);
          List<StoredMessage> all = inspector.list(10 * PER_NODE);
          assertThat(all).as("every accepted message is in the one database").hasSize(2 * PER_NODE);
          for (StoredMessage m : all)
            assertThat(inspector.deliveries(m.id()).getFirst().attempts())
                .as("one attempt for %s", m.id())
                .hasSize(1);
        }
        assertThat(sink.messages()).as("each message arrived once").hasSize(2 * PER_NODE);
      }
    }
  }

  private static long delivered(Store store) throws Exception {
    return store.list(10 * PER_NODE).stream()
        .filter(m -> m.recipients().getFirst().state() == RecipientState.DELIVERED)
        .count();
  }

  private RunningPetrel node(String name, String url, SmtpSink sink) throws Exception {
    Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
    flags.put(ConfigKey.STORE, url);
    flags.put(ConfigKey.NODE_NAME, name);
    flags.put(ConfigKey.PAUSED, "false");
    flags.put(ConfigKey.ROUTE, "sink.test=127.0.0.1:" + sink.port);
    return RunningPetrel.start(dir.resolve(name), flags);
  }

  private static void load(int port, String tag) {
    Exec.Result r =
        Exec.run(
            Duration.ofMinutes(3),
            List.of(
                Peers.require("smtp-source"),
                "-s",
                "5",
                "-m",
                String.valueOf(PER_NODE),
                "-l",
                "512",
                "-c",
                "-f",
                "from-" + tag + "@example.com",
                "-t",
                "to-" + tag + "@sink.test",
                "127.0.0.1:" + port));
    assertThat(r.exit()).as(r.all()).isZero();
  }
}
