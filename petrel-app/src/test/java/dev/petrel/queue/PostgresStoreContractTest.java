package dev.petrel.queue;

import dev.petrel.peers.PostgresCluster;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The store contract on PostgreSQL: a private cluster for the class, a fresh database for each
 * test, and every store instance a node of its own with its own connection pool.
 */
class PostgresStoreContractTest extends StoreContract {

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
    return Stores.open(url, QueueTestSupport.options().withNode(node), InstantSource.fixed(T));
  }
}
