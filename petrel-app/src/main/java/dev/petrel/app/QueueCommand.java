package dev.petrel.app;

import dev.petrel.app.ConfigLoader.ConfigException;
import dev.petrel.model.QueueId;
import dev.petrel.queue.MessageStore;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code petrel queue}: look at and act on queued messages. Works on the data folder directly, also
 * while {@code petrel serve} runs (the store arbitrates concurrent access).
 */
@Command(
    name = "queue",
    mixinStandardHelpOptions = true,
    description = "List, show, hold, release and delete queued messages.",
    subcommands = {
      QueueCommand.ListMessages.class,
      QueueCommand.Show.class,
      QueueCommand.Hold.class,
      QueueCommand.Release.class,
      QueueCommand.Delete.class
    })
final class QueueCommand implements Runnable {

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a subcommand: list, show, hold, release, delete");
  }

  /** Opens the store of an existing data folder, runs the action, and maps failures to statuses. */
  abstract static class StoreAction implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin DataDirOptions data;

    abstract int run(MessageStore store, PrintWriter out, PrintWriter err)
        throws StorageException, IOException;

    String name() {
      return "petrel queue " + spec.name();
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try (MessageStore store =
          SqliteMessageStore.open(
              data.resolve(), SqliteStoreOptions.existingFolder(), InstantSource.system())) {
        return run(store, out, err);
      } catch (ConfigException e) {
        err.println(name() + ": " + e.getMessage());
        return Main.EXIT_USAGE;
      } catch (StorageException | IOException e) {
        err.println(name() + ": " + e.getMessage());
        return 1;
      } finally {
        out.flush();
        err.flush();
      }
    }

    /** Parses a queue id given by a person; null (after saying why) when it is not one. */
    QueueId parse(String text, PrintWriter err) {
      try {
        return QueueId.parse(text);
      } catch (IllegalArgumentException e) {
        err.println(name() + ": no message with id '" + text + "' (not a queue id)");
        return null;
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List queued messages, oldest first.")
  static final class ListMessages extends StoreAction {
    @Option(
        names = "--json",
        description =
            "One JSON object per message per line: id, from, size, created, held, recipients"
                + " (address, state).")
    boolean json;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "1000",
        description = "Show at most N messages (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    int run(MessageStore store, PrintWriter out, PrintWriter err) throws StorageException {
      if (limit < 1) {
        err.println(name() + ": --limit must be at least 1");
        return Main.EXIT_USAGE;
      }
      List<StoredMessage> all = store.list(limit == Integer.MAX_VALUE ? limit : limit + 1);
      List<StoredMessage> shown = all.size() > limit ? all.subList(0, limit) : all;
      for (StoredMessage m : shown) {
        if (json) out.println(QueueFormat.json(QueueFormat.summary(m)));
        else out.print(QueueFormat.text(m));
      }
      if (!json) {
        if (shown.isEmpty()) out.println("The queue is empty.");
        else out.println("-- " + shown.size() + (shown.size() == 1 ? " message" : " messages"));
      }
      if (all.size() > limit)
        err.println(
            name() + ": showing the oldest " + limit + " messages; use --limit to see more");
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show one message: envelope, size, each recipient's state, headers.")
  static final class Show extends StoreAction {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--body", description = "Print the stored message (headers and body) instead.")
    boolean body;

    @Override
    int run(MessageStore store, PrintWriter out, PrintWriter err)
        throws StorageException, IOException {
      QueueId qid = parse(id, err);
      if (qid == null) return 1;
      Optional<StoredMessage> m = store.find(qid);
      if (m.isEmpty()) {
        err.println(name() + ": no message with id " + qid);
        return 1;
      }
      if (body) {
        out.flush();
        try (InputStream in = store.openBody(qid)) {
          in.transferTo(System.out);
        }
        System.out.flush();
      } else if (json) out.println(QueueFormat.json(QueueFormat.detail(m.get())));
      else out.print(QueueFormat.detailText(m.get()));
      return 0;
    }
  }

  /** Hold, release and delete: the same loop over ids, one verb apart. */
  abstract static class Change extends StoreAction {
    @Parameters(arity = "1..*", paramLabel = "ID")
    List<String> ids;

    abstract boolean apply(MessageStore store, QueueId id) throws StorageException;

    abstract String done();

    @Override
    int run(MessageStore store, PrintWriter out, PrintWriter err) throws StorageException {
      int status = 0;
      for (String text : ids) {
        QueueId id = parse(text, err);
        if (id == null) {
          status = 1;
          continue;
        }
        if (apply(store, id)) out.println(done() + " " + id);
        else {
          err.println(name() + ": no message with id " + id);
          status = 1;
        }
      }
      return status;
    }
  }

  @Command(
      name = "hold",
      mixinStandardHelpOptions = true,
      description = "Hold messages: delivery leaves them alone until released.")
  static final class Hold extends Change {
    @Override
    boolean apply(MessageStore store, QueueId id) throws StorageException {
      return store.hold(id);
    }

    @Override
    String done() {
      return "held";
    }
  }

  @Command(
      name = "release",
      mixinStandardHelpOptions = true,
      description = "Release held messages.")
  static final class Release extends Change {
    @Override
    boolean apply(MessageStore store, QueueId id) throws StorageException {
      return store.release(id);
    }

    @Override
    String done() {
      return "released";
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete messages from the queue, bodies included.")
  static final class Delete extends Change {
    @Override
    boolean apply(MessageStore store, QueueId id) throws StorageException {
      return store.delete(id);
    }

    @Override
    String done() {
      return "deleted";
    }
  }
}
