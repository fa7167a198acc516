package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.Store;
import dev.petrel.queue.StoredMessage;
import dev.petrel.queue.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --store postgresql://...}: swaks sends over SMTP, Petrel queues in a private
 * PostgreSQL cluster (nothing of the queue in the data folder) and delivers to Postfix's smtp-sink;
 * another store instance on the same database (as a second node would) sees the delivered message.
 */
class ServeOnPostgresDelivers {

  @TempDir Path dir;

  @Test
  void mailAcceptedOverSmtpIsQueuedInPostgresqlAndDelivered() throws Exception {
    try (PostgresCluster cluster = PostgresCluster.start()) {
      String url = cluster.createDatabase();
      String queueId;
      try (DeliveringPetrel petrel = DeliveringPetrel.start(dir, Map.of(ConfigKey.STORE, url))) {
        Swaks.Run run =
            Swaks.run(
                petrel.petrel.port(),
                "--from",
                "alice@example.com",
                "--to",
                "bob@" + DeliveringPetrel.DOMAIN,
                "--header",
                "Subject: queued in postgresql",
                "--body",
                "Hello through PostgreSQL.\n");
        assertThat(run.replies()).as(run.transcript()).anyMatch(r -> r.startsWith("250 2.0.0"));
        queueId = run.queuedId();
        assertThat(queueId).as(run.transcript()).isNotNull();
        List<String> arrived = petrel.delivered(1);
        assertThat(arrived.getFirst()).contains("Subject: queued in postgresql");
        assertThat(arrived.getFirst()).contains("Hello through PostgreSQL.");
        assertThat(dir.resolve("data").resolve("petrel.db"))
            .as("the queue is not in the data folder")
            .doesNotExist();

        try (Store other =
            Stores.open(
                url, SqliteStoreOptions.defaults().withNode("inspector"), InstantSource.system())) {
          StoredMessage m =
              await()
                  .atMost(Duration.ofSeconds(60))
                  .until(
                      () -> other.find(QueueId.parse(queueId)).orElseThrow(),
                      found -> found.recipients().getFirst().state() == RecipientState.DELIVERED);
          assertThat(m.recipients().getFirst().address().toString())
              .isEqualTo("bob@" + DeliveringPetrel.DOMAIN);
          assertThat(other.deliveries(m.id()).getFirst().attempts())
              .extracting(a -> a.code())
              .containsExactly(250);
        }
      }
      assertThat(Files.exists(dir.resolve("data"))).isTrue();
    }
  }
}
