package dev.petrel.report;

import dev.petrel.model.EmailAddress;
import dev.petrel.queue.MessageStore;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.Suppression;
import dev.petrel.status.Action;
import dev.petrel.status.Reason;
import dev.petrel.status.ReplyStatus;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The suppression policy: which outcomes put an address on its account's list, and the operator's
 * list, add and remove. Only a {@code suppress} outcome of a permanent (5xx) reply does (a dead
 * address, a complaint); never a reason about our rate, our reputation or our own setup, even if a
 * rule were to ask for it: those say nothing about the address, and suppressing for them would
 * silently drop good recipients.
 */
public final class Suppressions {

  /** The reason recorded for entries an operator adds by hand. */
  public static final String MANUAL = "manual";

  /** Reasons that never suppress: rate, reputation, or something the sender side must fix. */
  static final Set<Reason> NEVER =
      EnumSet.of(
          Reason.RATELIMITED,
          Reason.BADREPUTATION,
          Reason.BLOCKED,
          Reason.REQUIREPTR,
          Reason.AUTHFAILURE,
          Reason.SPAMDETECTED,
          Reason.VIRUSDETECTED,
          Reason.POLICYVIOLATION,
          Reason.NOTCOMPLIANTRFC,
          Reason.CONTENTERROR,
          Reason.EMAILTOOLARGE,
          Reason.NORELAYING,
          Reason.SECURITYERROR,
          Reason.FAILEDSTARTTLS,
          Reason.SYNTAXERROR,
          Reason.SYSTEMERROR,
          Reason.SYSTEMFULL,
          Reason.NETWORKERROR,
          Reason.GREYLISTED,
          Reason.EXPIRED,
          Reason.MAILERERROR,
          Reason.SUPPRESSED,
          Reason.UNDEFINED);

  private final MessageStore store;

  public Suppressions(MessageStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** Whether a classified reply puts the recipient on the list. */
  public static boolean suppresses(ReplyStatus status) {
    if (status == null || status.action() != Action.SUPPRESS) return false;
    if (NEVER.contains(status.reason())) return false;
    // the engine never suppresses on a temporary reply; a complaint (feedback) has no SMTP code
    return !status.reply().hasCode() || status.reply().klass() == 5;
  }

  /**
   * Acts on a delivery outcome: adds the address with the reply's reason and text when {@link
   * #suppresses} says so. Returns the new entry, or empty when nothing was added.
   */
  public Optional<Suppression> onOutcome(
      String account, EmailAddress address, ReplyStatus status, Instant at)
      throws StorageException {
    if (!suppresses(status)) return Optional.empty();
    Suppression s =
        new Suppression(account, address.toString(), status.reason().id(), source(status), at);
    store.addSuppression(s);
    return Optional.of(s);
  }

  /** The reply as one line, e.g. {@code 550 5.1.1 No such user}. */
  static String source(ReplyStatus status) {
    StringBuilder b = new StringBuilder();
    if (status.reply().hasCode()) b.append(status.code());
    if (status.enhanced() != null) b.append(b.isEmpty() ? "" : " ").append(status.enhanced());
    String text = status.text() == null ? "" : status.text().replaceAll("[\\r\\n]+", " ").strip();
    if (!text.isEmpty()) b.append(b.isEmpty() ? "" : " ").append(text);
    return b.isEmpty() ? null : b.toString();
  }

  /** The operator adds an address; true when it was not on the list yet. */
  public boolean add(String account, EmailAddress address, String reason, Instant at)
      throws StorageException {
    String r = reason == null || reason.isBlank() ? MANUAL : reason.strip();
    return store.addSuppression(new Suppression(account, address.toString(), r, null, at));
  }

  /** Adds many entries at once, all or none (an import); returns how many were new. */
  public int addAll(List<Suppression> entries) throws StorageException {
    return store.addSuppressions(entries);
  }

  public boolean remove(String account, EmailAddress address) throws StorageException {
    return store.removeSuppression(account, address.toString());
  }

  public Optional<Suppression> find(String account, EmailAddress address) throws StorageException {
    return store.findSuppression(account, address.toString());
  }

  public List<Suppression> list(String account, int limit) throws StorageException {
    return store.suppressions(account, limit);
  }
}
