package dev.petrel.app;

import dev.petrel.app.ConfigLoader.ConfigException;
import dev.petrel.queue.SqliteBackup;
import dev.petrel.queue.StorageException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code petrel backup DEST}: a consistent copy of the data folder, safe while {@code serve} runs.
 * The copy is itself a data folder: restoring is starting {@code serve} on it (docs/operations.md).
 */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = {
      "Copy the data folder consistently into DEST (a new or empty folder), also while serve runs:"
          + " the queue store as one snapshot, the bodies of its messages, TLS material, logins and"
          + " secrets. Restore: stop serve, then serve with --data-dir DEST."
    })
final class BackupCommand implements Callable<Integer> {

  @Mixin DataDirOptions data;

  @Parameters(index = "0", paramLabel = "DEST", description = "Folder to create (or an empty one).")
  Path target;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (data.store != null)
        throw new ConfigException(
            "--store does not apply: backup copies the embedded store of a data folder; back up a"
                + " PostgreSQL store with PostgreSQL's own tools (pg_dump, base backups)");
      Path source = data.resolve();
      SqliteBackup.Result r = SqliteBackup.copy(source, target);
      out.printf(
          "backed up %s into %s: %d messages (%d bodies in files), %d bytes in all%n",
          source, target, r.messages(), r.bodyFiles(), r.bytes());
      if (r.droppedDeleted() > 0) {
        out.printf("%d messages deleted while the backup ran are not in it%n", r.droppedDeleted());
      }
      return 0;
    } catch (ConfigException e) {
      err.println("petrel backup: " + e.getMessage());
      return Main.EXIT_USAGE;
    } catch (StorageException e) {
      err.println("petrel backup: " + e.getMessage());
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }
}
