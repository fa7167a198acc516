package dev.petrel.queue;

import dev.petrel.peers.PostgresCluster;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The TLS report store on PostgreSQL: a private cluster, a fresh database for each test. */
class PostgresTlsReportStoreTest extends TlsReportStoreContract {

  private static PostgresCluster cluster;
  private String url;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = PostgresCluster.start();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  @BeforeEach
  void createDatabase() throws Exception {
    url = cluster.createDatabase() + "&pool=4";
  }

  @Override
  protected Store openStore(String node) throws StorageException {
    return Stores.open(
        url,
        QueueTestSupport.options().withNode(node),
        InstantSource.fixed(Instant.parse("2026-03-01T10:00:00Z")));
  }
}
