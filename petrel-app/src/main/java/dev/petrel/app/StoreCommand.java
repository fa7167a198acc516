package dev.petrel.app;

import dev.petrel.app.ConfigLoader.ConfigException;
import dev.petrel.queue.DataDirLock;
import dev.petrel.queue.PostgresMessageStore;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.Store;
import dev.petrel.queue.StoreCopy;
import dev.petrel.queue.Stores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What the commands that work on a data folder's store share: open it, run the command, say what
 * failed in one line naming the command, map that to an exit status (2 for a bad data folder
 * setting, 1 when the store could not do it), and flush the output. Also the {@code petrel store}
 * commands, which look after the store as a whole ({@link Prune}).
 */
final class StoreCommand {

  private StoreCommand() {}

  /** A command's work on the open store; returns its exit status. */
  @FunctionalInterface
  interface Body {
    int run(Store store, PrintWriter out, PrintWriter err)
        throws StorageException, IOException, ConfigException;
  }

  static int run(
      String name, DataDirOptions data, SqliteStoreOptions options, CommandSpec spec, Body body) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Store store = Stores.open(data.storeUrl(), options, InstantSource.system())) {
      return body.run(store, out, err);
    } catch (ConfigException e) {
      err.println(name + ": " + e.getMessage());
      return Main.EXIT_USAGE;
    } catch (StorageException | IOException e) {
      err.println(name + ": " + e.getMessage());
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** {@code petrel store}: the store as a whole. */
  @Command(
      name = "store",
      mixinStandardHelpOptions = true,
      description =
          "Look after the queue store as a whole: prune finished messages; copy the embedded"
              + " store into PostgreSQL.",
      subcommands = {Prune.class, Copy.class})
  static final class StoreGroup implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "name a subcommand: prune, copy");
    }
  }

  /**
   * {@code petrel store prune [--older-than D] [--dry-run]}: what {@code serve}'s retention job
   * does, now: deletes finished messages last changed longer ago than D (by default the configured
   * {@code retention}), also while {@code serve} runs.
   */
  @Command(
      name = "prune",
      mixinStandardHelpOptions = true,
      description = {
        "Delete finished messages (every recipient delivered, bounced, expired, suppressed or"
            + " cancelled; not held) whose last change is older than D, with their recipients,"
            + " attempts, events and bodies, and webhook log lines older than D. Statistics and"
            + " suppression lists are kept. Safe while serve runs."
      })
  static final class Prune implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DataDirOptions data;

    @Option(
        names = "--older-than",
        paramLabel = "D",
        converter = Age.class,
        description =
            "Last change at least this long ago: 30d, 12h, 90m, 0 (every finished message)."
                + " Default: the retention setting (--config, PETREL_RETENTION; 30d).")
    Duration olderThan;

    @Option(names = "--dry-run", description = "Only count what would be deleted; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      String name = "petrel store prune";
      Duration age = olderThan;
      if (age == null) {
        try {
          age = ConfigLoader.resolve(Map.of(), data.config, System.getenv()).retention();
        } catch (ConfigException e) {
          spec.commandLine().getErr().println(name + ": " + e.getMessage());
          spec.commandLine().getErr().flush();
          return Main.EXIT_USAGE;
        }
        if (age.isZero()) {
          spec.commandLine()
              .getOut()
              .println(
                  name
                      + ": retention is 0 (finished messages are kept for ever); nothing deleted."
                      + " Give --older-than to prune anyway.");
          spec.commandLine().getOut().flush();
          return 0;
        }
      }
      Duration keep = age;
      return run(
          name,
          data,
          SqliteStoreOptions.existingFolder(),
          spec,
          (store, out, err) -> {
            Instant cutoff = Instant.now().minus(keep);
            if (dryRun) {
              dev.petrel.queue.Pruned p = store.prunable(cutoff);
              out.printf(
                  "would delete %d finished messages (%d recipients, %d bytes of bodies) last"
                      + " changed before %s%n",
                  p.messages(), p.recipients(), p.bytes(), cutoff);
            } else {
              dev.petrel.queue.Pruned p =
                  store.prune(cutoff, dev.petrel.schedule.RetentionJob.BATCH);
              out.printf(
                  "deleted %d finished messages (%d recipients, %d bytes of bodies) last changed"
                      + " before %s, and %d webhook log lines%n",
                  p.messages(), p.recipients(), p.bytes(), cutoff, p.webhookLog());
            }
            return 0;
          });
    }
  }

  /**
   * {@code petrel store copy --from DIR --to postgresql://...}: moves an installation from the
   * embedded store to PostgreSQL ({@link StoreCopy}). The data folder's lock is held for the whole
   * copy, so no {@code serve} can change the source meanwhile; a {@code serve} already running on
   * it is refused, as is a target that holds any row (both exit 2).
   */
  @Command(
      name = "copy",
      mixinStandardHelpOptions = true,
      description = {
        "Copy the embedded store of a data folder (messages with their bodies, recipients,"
            + " attempts, events, suppressions, accounts and API keys, usage, sender domains and"
            + " DKIM keys, webhooks and their logs, statistics, SMTP logins, secrets, tags and"
            + " metadata) into an empty PostgreSQL database, in one transaction. Stop serve on"
            + " the folder first. The folder itself is left as it was."
      })
  static final class Copy implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--from",
        required = true,
        paramLabel = "DIR",
        description = "The data folder whose embedded store to copy (DIR or sqlite:DIR).")
    String from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "URL",
        description =
            "The PostgreSQL store to fill, as serve's --store:"
                + " postgresql://HOST:PORT/DB?user=U&password=P. Its schema is created if"
                + " missing; it must hold no rows.")
    String to;

    @Override
    public Integer call() {
      String name = "petrel store copy";
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        return copy(name, out, err);
      } finally {
        out.flush();
        err.flush();
      }
    }

    private int copy(String name, PrintWriter out, PrintWriter err) {
      Path dir =
          Path.of(from.startsWith(Stores.SQLITE) ? from.substring(Stores.SQLITE.length()) : from);
      if (from.isBlank() || !Files.isDirectory(dir)) {
        err.println(name + ": no data folder at " + dir);
        return Main.EXIT_USAGE;
      }
      if (!Files.exists(dir.resolve(SqliteMessageStore.DATABASE_FILE))) {
        err.println(
            name
                + ": "
                + dir
                + " holds no embedded store (no "
                + SqliteMessageStore.DATABASE_FILE
                + ")");
        return Main.EXIT_USAGE;
      }
      if (!to.startsWith(PostgresMessageStore.SCHEME)) {
        err.println(
            name
                + ": --to must be a PostgreSQL store URL (postgresql://HOST:PORT/DB?user=U&password=P)");
        return Main.EXIT_USAGE;
      }
      try (DataDirLock lock = DataDirLock.acquire(dir);
          SqliteMessageStore source =
              SqliteMessageStore.open(
                  dir, SqliteStoreOptions.existingFolder(), InstantSource.system());
          PostgresMessageStore target =
              PostgresMessageStore.open(to, "store-copy", InstantSource.system())) {
        StoreCopy.Copied copied = StoreCopy.copy(source, target);
        out.printf(
            "copied %d messages (%d recipients, %d attempts, %d events), %d suppressions,"
                + " %d accounts, %d sender domains, %d webhooks from %s to %s%n",
            copied.rows("messages"),
            copied.rows("recipients"),
            copied.rows("attempts"),
            copied.rows("events"),
            copied.rows("suppressions"),
            copied.rows("accounts"),
            copied.rows("sender_domains"),
            copied.rows("webhooks"),
            dir,
            target.where());
        for (var e : copied.rows().entrySet()) out.printf("  %-22s %d%n", e.getKey(), e.getValue());
        out.printf(
            "  %-22s %d (%d bytes, from body files)%n",
            "body_chunks", copied.bodyFiles(), copied.bodyFileBytes());
        return 0;
      } catch (DataDirLock.InUseException e) {
        err.println(name + ": " + e.getMessage() + "; stop it first");
        return Main.EXIT_USAGE;
      } catch (StoreCopy.TargetNotEmptyException e) {
        err.println(name + ": " + e.getMessage());
        return Main.EXIT_USAGE;
      } catch (IllegalArgumentException e) {
        err.println(name + ": " + e.getMessage());
        return Main.EXIT_USAGE;
      } catch (StorageException | IOException e) {
        err.println(name + ": " + e.getMessage());
        return 1;
      }
    }
  }

  /** A duration as the configuration writes it; anything else is a usage error (exit 2). */
  static final class Age implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return ConfigValues.duration(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is " + e.getMessage());
      }
    }
  }
}
