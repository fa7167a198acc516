package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.deliver.SmtpSink;
import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.RecipientDelivery;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.Store;
import dev.petrel.queue.StoredMessage;
import dev.petrel.queue.Stores;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code serve} nodes on one PostgreSQL database. Node A, with a ten-minute lease, claims a
 * message for a server that takes the connection and never says a word; A is stopped with SIGTERM.
 * Node B, whose route for the domain leads to Postfix's smtp-sink, delivers the message, although
 * A's lease has not run out: A's stop cut its attempt, recorded it, and left the recipient due at
 * once rather than after the retry delay.
 */
class StoppedNodeGivesItsLeasesBack {

  private static final String DOMAIN = "handover.test";
  private static final Duration GUARD = Duration.ofMinutes(3);

  @TempDir Path dir;

  @Test
  void aNodeStoppedWithSigtermHandsItsClaimedMailToTheOtherNodeAtOnce() throws Exception {
    try (PostgresCluster cluster = PostgresCluster.start();
        SmtpSink sink = SmtpSink.start(dir);
        Silent silent = new Silent()) {
      String url = cluster.createDatabase();
      String queueId;
      try (PetrelProcess a = node("node-a", url, "127.0.0.1:" + silent.port())) {
        Swaks.Run run =
            Swaks.run(
                a.port("smtp"),
                "--from",
                "alice@example.com",
                "--to",
                "bob@" + DOMAIN,
                "--header",
                "Subject: handed over");
        assertThat(run.replies()).as(run.transcript()).anyMatch(r -> r.startsWith("250 2.0.0"));
        queueId = run.queuedId();
        assertThat(queueId).as(run.transcript()).isNotNull();
        // A has claimed the message and waits for a greeting that never comes.
        await()
            .atMost(GUARD)
            .pollInterval(Duration.ofMillis(50))
            .failFast("node A died", () -> !a.process().isAlive())
            .until(() -> !silent.accepted.isEmpty());

        try (PetrelProcess b = node("node-b", url, "127.0.0.1:" + sink.port)) {
          a.terminate();
          assertThat(a.waitFor(GUARD)).as(a.log()).isIn(0, 143);
          assertThat(a.log()).contains("petrel serve: stopped; queue closed cleanly");

          try (Store inspector =
              Stores.open(
                  url,
                  SqliteStoreOptions.defaults().withNode("inspector"),
                  InstantSource.system())) {
            StoredMessage m =
                await()
                    .atMost(GUARD)
                    .pollInterval(Duration.ofMillis(250))
                    .failFast("node B died", () -> !b.process().isAlive())
                    .until(
                        () -> inspector.find(QueueId.parse(queueId)).orElseThrow(),
                        found -> found.recipients().getFirst().state() == RecipientState.DELIVERED);
            RecipientDelivery d = inspector.deliveries(m.id()).getFirst();
            // A's attempt, cut before any reply, is on record; nothing of the message was sent.
            assertThat(d.attempts()).hasSize(2);
            assertThat(d.attempts().getFirst().code()).isNull();
            assertThat(d.attempts().getLast().code()).isEqualTo(250);
            assertThat(d.possibleDuplicate()).isFalse();
          }
          assertThat(sink.messages()).hasSize(1);
          assertThat(sink.messages().getFirst()).contains("Subject: handed over");
          assertThat(b.log()).contains(queueId);
        }
      }
    }
  }

  private PetrelProcess node(String name, String url, String target) throws Exception {
    PetrelProcess p =
        PetrelProcess.launch(
            dir.resolve(name + ".log"),
            "serve",
            "--data-dir",
            dir.resolve(name).toString(),
            "--store",
            url,
            "--node-name",
            name,
            "--smtp-port",
            "0",
            "--http-port",
            "0",
            "--listen-address",
            "127.0.0.1",
            "--hostname",
            RunningPetrel.HOSTNAME,
            "--paused=false",
            "--lease",
            "10m",
            // A's stop waits this long for the attempt stuck on the silent server.
            "--shutdown-timeout",
            "2s",
            "--route",
            DOMAIN + "=" + target);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> p.port("smtp") > 0 || !p.process().isAlive());
    if (p.port("smtp") <= 0) {
      p.close();
      throw new IllegalStateException("petrel serve did not start:\n" + p.log());
    }
    return p;
  }

  /** A server that accepts connections and never sends a byte. */
  private static final class Silent implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final List<Socket> accepted = new CopyOnWriteArrayList<>();
    final Thread acceptor =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try {
                    while (true) accepted.add(server.accept());
                  } catch (java.io.IOException closed) {
                    // the test is over
                  }
                });

    Silent() throws java.io.IOException {}

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws Exception {
      server.close();
      for (Socket s : accepted) s.close();
    }
  }
}
