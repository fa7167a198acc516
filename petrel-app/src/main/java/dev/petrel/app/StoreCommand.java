package dev.petrel.app;

import dev.petrel.app.ConfigLoader.ConfigException;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.Store;
import dev.petrel.queue.Stores;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.InstantSource;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the commands that work on a data folder's store share: open it, run the command, say what
 * failed in one line naming the command, map that to an exit status (2 for a bad data folder
 * setting, 1 when the store could not do it), and flush the output.
 */
final class StoreCommand {

  private StoreCommand() {}

  /** A command's work on the open store; returns its exit status. */
  @FunctionalInterface
  interface Body {
    int run(Store store, PrintWriter out, PrintWriter err) throws StorageException, IOException;
  }

  static int run(
      String name, DataDirOptions data, SqliteStoreOptions options, CommandSpec spec, Body body) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Store store = Stores.open(Stores.url(data.resolve()), options, InstantSource.system())) {
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
}
