package dev.petrel.queue;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.io.TempDir;

/** The TLS report store on the embedded back end: several instances open one data folder. */
class SqliteTlsReportStoreTest extends TlsReportStoreContract {

  @TempDir Path dir;

  @Override
  protected Store openStore(String node) throws StorageException {
    return Stores.open(
        Stores.url(dir),
        QueueTestSupport.options().withNode(node),
        InstantSource.fixed(Instant.parse("2026-03-01T10:00:00Z")));
  }
}
