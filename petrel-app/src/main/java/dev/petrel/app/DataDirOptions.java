package dev.petrel.app;

import dev.petrel.app.ConfigLoader.ConfigException;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.Store;
import dev.petrel.queue.Stores;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options every command that works on the data folder shares. The folder resolves like {@code
 * serve}'s: {@code --data-dir}, then {@code PETREL_DATA_DIR}, then the {@code --config} file
 * ({@code PETREL_CONFIG}), then {@code ./petrel-data}.
 */
final class DataDirOptions {

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Data folder (default ./petrel-data; env PETREL_DATA_DIR).")
  String dataDir;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file to take data-dir from (env PETREL_CONFIG).")
  Path config;

  @Option(
      names = "--store",
      paramLabel = "URL",
      description =
          "The store, as serve's --store: postgresql://HOST:PORT/DB?user=U&password=P; default the"
              + " embedded store in the data folder (env PETREL_STORE).")
  String store;

  /** The URL of the store to open: {@code --store}, PETREL_STORE, the file's, else the folder's. */
  String storeUrl() throws ConfigException {
    return ConfigLoader.resolve(flags(), config, System.getenv()).storeUrl();
  }

  /** The data folder and store given as flags, for a command to add its own flags to. */
  Map<ConfigKey, String> flags() {
    Map<ConfigKey, String> flags = new java.util.EnumMap<>(ConfigKey.class);
    if (dataDir != null) flags.put(ConfigKey.DATA_DIR, dataDir);
    if (store != null) flags.put(ConfigKey.STORE, store);
    return flags;
  }

  /** What a command does with the configuration and its open store; returns the exit status. */
  interface StoreWork {
    int run(PetrelConfig config, Store store, PrintWriter out, PrintWriter err)
        throws StorageException;
  }

  /**
   * Resolves the configuration serve would use with {@code flags} on top, opens its existing store,
   * runs {@code work} and maps failures to exit statuses: a bad setting or argument is a usage
   * error, a store failure 1; both are said on standard error after {@code name}.
   */
  int withStore(
      CommandLine.Model.CommandSpec spec,
      String name,
      Map<ConfigKey, String> flags,
      StoreWork work) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      PetrelConfig resolved = ConfigLoader.resolve(flags, config, System.getenv()).config();
      try (Store opened =
          Stores.open(
              resolved.storeUrl(), SqliteStoreOptions.existingFolder(), InstantSource.system())) {
        return work.run(resolved, opened, out, err);
      }
    } catch (ConfigException | IllegalArgumentException e) {
      err.println(name + ": " + e.getMessage());
      return Main.EXIT_USAGE;
    } catch (StorageException e) {
      err.println(name + ": " + e.getMessage());
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  Path resolve() throws ConfigException {
    return ConfigLoader.resolve(
            dataDir == null ? Map.of() : Map.of(ConfigKey.DATA_DIR, dataDir),
            config,
            System.getenv())
        .dataDir();
  }
}
