package dev.petrel.queue;

import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded back end: several instances open one data folder. */
class SqliteStoreContractTest extends StoreContract {

  @TempDir Path dir;

  @Override
  protected MessageStore openStore(String node) throws StorageException {
    return SqliteMessageStore.open(
        dir, QueueTestSupport.options().withNode(node), InstantSource.fixed(T));
  }

  @Override
  protected AccountStore accounts(MessageStore store) {
    return ((SqliteMessageStore) store).accounts();
  }

  @Override
  protected WebhookStore webhooks(MessageStore store) {
    return ((SqliteMessageStore) store).webhooks();
  }
}
