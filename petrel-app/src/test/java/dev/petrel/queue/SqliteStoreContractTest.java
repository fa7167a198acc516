package dev.petrel.queue;

import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded back end: several instances open one data folder. */
class SqliteStoreContractTest extends StoreContract {

  @TempDir Path dir;

  @Override
  protected Store openStore(String node) throws StorageException {
    return Stores.open(
        Stores.url(dir), QueueTestSupport.options().withNode(node), InstantSource.fixed(T));
  }
}
