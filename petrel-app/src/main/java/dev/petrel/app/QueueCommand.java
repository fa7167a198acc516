package dev.petrel.app;

import dev.petrel.model.DeliveryWaits;
import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.MessageStore;
import dev.petrel.queue.Selection;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Instant;
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
    description =
        "List, show, hold, release, delete, retry and cancel queued messages; pause delivery.",
    subcommands = {
      QueueCommand.ListMessages.class,
      QueueCommand.Show.class,
      QueueCommand.Hold.class,
      QueueCommand.Release.class,
      QueueCommand.Delete.class,
      QueueCommand.Retry.class,
      QueueCommand.Cancel.class,
      QueueCommand.Pause.class,
      QueueCommand.Resume.class
    })
final class QueueCommand implements Runnable {

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "name a subcommand: list, show, hold, release, delete, retry, cancel, pause, resume");
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
      return StoreCommand.run(name(), data, SqliteStoreOptions.existingFolder(), spec, this::run);
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
            "One JSON object per message per line: id, from, size, created, held, subject,"
                + " message_id, tags, metadata, recipients (address, state).")
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
      } else {
        // Why recipients wait for their destination: kept in memory by a running serve, which
        // writes it to the data folder for this command.
        List<DeliveryWaits.Waiting> waits;
        try {
          waits = WaitsFile.read(data.resolve(), qid);
        } catch (ConfigLoader.ConfigException e) {
          waits = List.of(); // the store was opened from the same folder: cannot happen
        }
        if (json)
          out.println(QueueFormat.json(QueueFormat.detail(m.get(), store.deliveries(qid), waits)));
        else out.print(QueueFormat.detailText(m.get(), store.deliveries(qid), waits));
      }
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

  /** Retry and cancel: ids, or every message, narrowed by destination and state. */
  abstract static class Bulk extends StoreAction {
    @Parameters(arity = "0..*", paramLabel = "ID")
    List<String> ids = List.of();

    @Option(names = "--all", description = "Every message (narrow with --domain, --state).")
    boolean all;

    @Option(names = "--domain", paramLabel = "D", description = "Only recipients at domain D.")
    String domain;

    @Option(
        names = "--state",
        paramLabel = "S",
        description = "Only recipients in state S (queued or deferred).")
    String state;

    abstract int apply(MessageStore store, Selection selection) throws StorageException;

    abstract String done();

    @Override
    int run(MessageStore store, PrintWriter out, PrintWriter err) throws StorageException {
      if (ids.isEmpty() && !all && domain == null && state == null) {
        err.println(name() + ": name message ids, or --all, --domain D or --state S");
        return Main.EXIT_USAGE;
      }
      if (!ids.isEmpty() && all) {
        err.println(name() + ": give ids or --all, not both");
        return Main.EXIT_USAGE;
      }
      RecipientState s = null;
      if (state != null) {
        try {
          s = RecipientState.of(state);
        } catch (IllegalArgumentException e) {
          err.println(name() + ": unknown state '" + state + "'");
          return Main.EXIT_USAGE;
        }
        if (s.isFinal()) {
          err.println(name() + ": recipients in state " + s.id() + " are done; nothing to do");
          return Main.EXIT_USAGE;
        }
      }
      int status = 0;
      List<QueueId> known = new java.util.ArrayList<>();
      for (String text : ids) {
        QueueId id = parse(text, err);
        if (id == null) status = 1;
        else if (store.find(id).isEmpty()) {
          err.println(name() + ": no message with id " + id);
          status = 1;
        } else known.add(id);
      }
      if (!ids.isEmpty() && known.isEmpty()) return status;
      Selection selection = new Selection(known, domain, s);
      int n = apply(store, selection);
      out.println(done() + " " + n + (n == 1 ? " recipient" : " recipients"));
      return status;
    }
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = "Make waiting recipients due now (delivery tries them at once).")
  static final class Retry extends Bulk {
    @Override
    int apply(MessageStore store, Selection selection) throws StorageException {
      return store.retryNow(selection, Instant.now());
    }

    @Override
    String done() {
      return "retrying";
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Cancel delivery to waiting recipients (their state becomes cancelled).")
  static final class Cancel extends Bulk {
    @Override
    int apply(MessageStore store, Selection selection) throws StorageException {
      return store.cancel(selection, Instant.now());
    }

    @Override
    String done() {
      return "cancelled";
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Pause delivery (all, or one destination); mail is still accepted.")
  static final class Pause extends StoreAction {
    @Option(names = "--domain", paramLabel = "D", description = "Pause only domain D.")
    String domain;

    @Override
    int run(MessageStore store, PrintWriter out, PrintWriter err) throws StorageException {
      if (domain != null && domain.isBlank()) {
        err.println(name() + ": --domain needs a domain");
        return Main.EXIT_USAGE;
      }
      store.pause(domain, Instant.now());
      out.println("paused " + (domain == null ? "all delivery" : domain.strip().toLowerCase()));
      return 0;
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Resume delivery: one destination, or (without --domain) every pause.")
  static final class Resume extends StoreAction {
    @Option(names = "--domain", paramLabel = "D", description = "Resume only domain D.")
    String domain;

    @Override
    int run(MessageStore store, PrintWriter out, PrintWriter err) throws StorageException {
      if (domain != null && domain.isBlank()) {
        err.println(name() + ": --domain needs a domain");
        return Main.EXIT_USAGE;
      }
      store.resume(domain);
      out.println("resumed " + (domain == null ? "all delivery" : domain.strip().toLowerCase()));
      return 0;
    }
  }
}
