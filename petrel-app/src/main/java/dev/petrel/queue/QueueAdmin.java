package dev.petrel.queue;

import dev.petrel.model.QueueId;
import dev.petrel.queue.StoredMessage.StoredRecipient;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the {@code petrel queue} commands do to the queue: list, show, hold, release, delete, on a
 * store the command line opens next to a running server (without the data folder lock), and the
 * JSON shape scripts read. The command classes only parse arguments and print.
 */
public final class QueueAdmin {

  /** The operations that change a message. */
  public enum Action {
    HOLD,
    RELEASE,
    DELETE
  }

  /** What happened to one id given on the command line. */
  public enum Result {
    /** The action was applied. */
    DONE,
    /** No message has this id. */
    UNKNOWN,
    /** The text is not a queue id. */
    INVALID
  }

  /** The outcome for one id argument, in the order given. */
  public record Outcome(String input, Result result) {}

  private final MessageStore store;

  public QueueAdmin(MessageStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /**
   * Opens an existing data folder's store for a command: no lock (a server may be running), the
   * folder is not created, and nothing is cleaned up while another process owns the folder.
   *
   * @throws StorageException saying which folder is missing or why it cannot be opened
   */
  public static SqliteMessageStore openForCommandLine(Path dataDir, InstantSource clock)
      throws StorageException {
    return SqliteMessageStore.open(dataDir, SqliteStoreOptions.existingFolder(), clock);
  }

  /** Messages oldest first, at most {@code limit}. */
  public List<StoredMessage> list(int limit) throws StorageException {
    return store.list(limit);
  }

  /**
   * One message by the id a person typed (case-insensitive).
   *
   * @throws IllegalArgumentException when the text is not a queue id
   */
  public Optional<StoredMessage> show(String id) throws StorageException {
    return store.find(QueueId.parse(id));
  }

  /** Applies an action to each id in turn; a bad or unknown id does not stop the others. */
  public List<Outcome> apply(Action action, List<String> ids) throws StorageException {
    List<Outcome> outcomes = new ArrayList<>(ids.size());
    for (String input : ids) {
      QueueId id;
      try {
        id = QueueId.parse(input);
      } catch (IllegalArgumentException e) {
        outcomes.add(new Outcome(input, Result.INVALID));
        continue;
      }
      boolean done =
          switch (action) {
            case HOLD -> store.hold(id);
            case RELEASE -> store.release(id);
            case DELETE -> store.delete(id);
          };
      outcomes.add(new Outcome(input, done ? Result.DONE : Result.UNKNOWN));
    }
    return outcomes;
  }

  /**
   * The JSON object for one message, as plain maps and lists in a fixed key order (serialise with
   * any JSON library). Scripts rely on {@code id}, {@code from} (empty for the null sender), {@code
   * size}, {@code created} (ISO-8601 UTC) and {@code recipients}, a list of objects with {@code
   * address} and {@code state}; the other keys are always present too, null when unknown.
   */
  public static Map<String, Object> json(StoredMessage m) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", m.id().value());
    o.put("from", m.sender() == null ? "" : m.sender().toString());
    o.put("size", m.size());
    o.put("created", m.created().toString());
    o.put("held", m.held());
    o.put("account", m.account());
    o.put("auth_user", m.authUser());
    o.put("client_address", m.clientAddress());
    o.put("helo", m.heloName());
    o.put("body", m.body());
    o.put("smtputf8", m.smtputf8());
    o.put("dsn_ret", m.dsnRet());
    o.put("dsn_envid", m.dsnEnvid());
    Map<String, Object> headers = new LinkedHashMap<>();
    for (String name : HeaderSummary.NAMES)
      headers.put(name.toLowerCase(java.util.Locale.ROOT), m.headers().get(name));
    o.put("headers", headers);
    List<Map<String, Object>> recipients = new ArrayList<>(m.recipients().size());
    for (StoredRecipient r : m.recipients()) {
      Map<String, Object> ro = new LinkedHashMap<>();
      ro.put("address", r.address().toString());
      ro.put("state", r.state().id());
      ro.put("dsn_notify", r.dsnNotify());
      ro.put("dsn_orcpt", r.dsnOrcpt());
      ro.put("updated", r.updated().toString());
      recipients.add(ro);
    }
    o.put("recipients", recipients);
    return o;
  }
}
