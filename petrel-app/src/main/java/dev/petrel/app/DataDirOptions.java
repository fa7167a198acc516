package dev.petrel.app;

import dev.petrel.app.ConfigLoader.ConfigException;
import java.nio.file.Path;
import java.util.Map;
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
    Map<ConfigKey, String> flags = new java.util.EnumMap<>(ConfigKey.class);
    if (dataDir != null) flags.put(ConfigKey.DATA_DIR, dataDir);
    if (store != null) flags.put(ConfigKey.STORE, store);
    return ConfigLoader.resolve(flags, config, System.getenv()).storeUrl();
  }

  Path resolve() throws ConfigException {
    return ConfigLoader.resolve(
            dataDir == null ? Map.of() : Map.of(ConfigKey.DATA_DIR, dataDir),
            config,
            System.getenv())
        .dataDir();
  }
}
