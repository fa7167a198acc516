package dev.petrel.queue;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Opens a {@link Store} from its URL. {@code sqlite:PATH} is the embedded store in the data folder
 * {@code PATH} (the default: {@link #url(Path)} of the data folder); {@code
 * postgresql://HOST:PORT/DATABASE?user=U&password=P} is a PostgreSQL database that several nodes
 * may share ({@link PostgresMessageStore}).
 */
public final class Stores {

  /** The scheme of the embedded store. */
  public static final String SQLITE = "sqlite:";

  private Stores() {}

  /** The URL of the embedded store in a data folder. */
  public static String url(Path dataDir) {
    return SQLITE + dataDir;
  }

  /**
   * Opens the store a URL names.
   *
   * @param options the store's settings (disk reserve, busy timeout, node name, ...; PostgreSQL
   *     uses the node name only)
   * @throws IllegalArgumentException when the URL names no known kind of store
   * @throws StorageException when the store cannot be opened (see {@link SqliteMessageStore#open})
   */
  public static Store open(String url, SqliteStoreOptions options, InstantSource clock)
      throws StorageException {
    Objects.requireNonNull(url, "url");
    if (url.startsWith(SQLITE) && url.length() > SQLITE.length())
      return SqliteMessageStore.open(Path.of(url.substring(SQLITE.length())), options, clock);
    if (url.startsWith(PostgresMessageStore.SCHEME))
      return PostgresMessageStore.open(url, options.node(), clock);
    throw new IllegalArgumentException(
        "unknown store URL '"
            + PostgresMessageStore.Target.redact(url)
            + "': expected sqlite:PATH (a data folder) or"
            + " postgresql://HOST:PORT/DATABASE?user=U&password=P");
  }
}
