package dev.petrel.report;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.QueueId;
import dev.petrel.model.Recipient;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.AttemptRecord;
import dev.petrel.queue.MessageStore;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StoredMessage;
import dev.petrel.queue.StoredMessage.StoredRecipient;
import dev.petrel.status.Bounce;
import dev.petrel.status.ReplyStatus;
import dev.petrel.status.bounce.BounceParser;
import dev.petrel.status.bounce.BounceReport;
import dev.petrel.status.bounce.BouncedRecipient;
import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Asynchronous bounces: mail that comes back to a VERP return path after the remote server had
 * accepted the message. The listener asks {@link #refusal} at RCPT (a token that names no queued
 * message gets 550 5.1.1) and hands the whole mail to {@link #receive} at the final dot; the reply
 * it then gives depends on what this class wrote.
 *
 * <p>The mail is processed within the SMTP session, not spooled and handled later: a bounce is
 * small, parsing it takes microseconds, and every write it causes (the attempt and the state
 * change, the suppression, the notice to the sender) is a store transaction on stable storage
 * before {@link #receive} returns, so the 250 after the dot always follows a durable update. When
 * the store fails the listener answers 4xx and the remote server sends the bounce again; a repeat
 * adds an attempt but never a second bounce or notice, since only a recipient not yet final (or
 * delivered) moves to bounced. Spooling instead would need a new kind of queued message and a
 * second reader of it, for no gain in safety.
 *
 * <p>What each kind of report does to the named recipient:
 *
 * <ul>
 *   <li>A DSN or non-standard notice that reports a failure (Action: failed, or no action and no
 *       4xx/2xx status): the recipient becomes {@code bounced} if it was delivered or still
 *       waiting, with an attempt of phase {@code async-bounce}; the address is suppressed when the
 *       engine's classification says so ({@link Suppressions}), and the sender gets a notice
 *       ({@link DsnWriter}) like for any bounce.
 *   <li>A delay notice ("will retry", Action: delayed, a 4.x.x status) or a success notice: an
 *       attempt is recorded, the state does not change.
 *   <li>An auto-reply: recorded (phase {@code auto-reply}, reason {@code vacation} or what the
 *       engine read), never a bounce.
 *   <li>A feedback report (complaint): recorded (phase {@code feedback}) and the address suppressed
 *       with reason {@code feedback}; never a bounce.
 *   <li>Anything else is not a bounce: nothing is written.
 * </ul>
 */
public final class AsyncBounces {

  /** What one mail did, for the listener's log; {@code notices} were queued to senders. */
  public record Outcome(List<String> effects, List<QueueId> notices) {
    public Outcome {
      effects = List.copyOf(effects);
      notices = List.copyOf(notices);
    }

    public String summary() {
      return String.join("; ", effects);
    }
  }

  private final Verp verp;
  private final MessageStore store;
  private final BounceParser parser;
  private final DsnWriter dsn;
  private final Suppressions suppressions;
  private final InstantSource clock;

  public AsyncBounces(
      Verp verp, MessageStore store, BounceParser parser, DsnWriter dsn, InstantSource clock) {
    this.verp = Objects.requireNonNull(verp, "verp");
    this.store = Objects.requireNonNull(store, "store");
    this.parser = Objects.requireNonNull(parser, "parser");
    this.dsn = Objects.requireNonNull(dsn, "dsn");
    this.suppressions = new Suppressions(store);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Verp verp() {
    return verp;
  }

  /** Whether mail to this address is a bounce to read rather than a message to deliver. */
  public boolean isBounceAddress(EmailAddress address) {
    return verp.onBounceDomain(address);
  }

  /**
   * Why an address on the bounce domain cannot receive a bounce, in words for the 550 5.1.1 reply;
   * empty when its token is genuine and names a message (and recipient) still in the queue.
   */
  public Optional<String> refusal(EmailAddress address) throws StorageException {
    String local = address.localPart().toLowerCase(Locale.ROOT);
    if (!local.startsWith(Verp.PREFIX) || local.length() == Verp.PREFIX.length())
      return Optional.of("No such mailbox: this domain only takes bounces sent to return paths");
    Optional<Verp.Target> target = verp.read(address);
    if (target.isEmpty())
      return Optional.of("Unknown return path: the token was not issued here or is damaged");
    Optional<StoredMessage> m = store.find(target.get().message());
    if (m.isEmpty())
      return Optional.of("Unknown return path: its message is no longer in the queue");
    if (target.get().position() >= m.get().recipients().size())
      return Optional.of("Unknown return path: its message has no such recipient");
    return Optional.empty();
  }

  /**
   * Reads one mail sent to return paths ({@code recipients}, each accepted by {@link #refusal}) and
   * records what it reports. Everything written is durable when this returns.
   *
   * @throws StorageException when the store failed; part of the report may have been recorded, and
   *     the caller should answer 4xx so that the mail comes again
   */
  public Outcome receive(List<EmailAddress> recipients, byte[] mail) throws StorageException {
    BounceReport report = parser.parse(mail);
    List<String> effects = new ArrayList<>();
    List<QueueId> notices = new ArrayList<>();
    if (report.kind() == BounceReport.Kind.NOT_A_BOUNCE) {
      effects.add("not a bounce, an auto-reply or a feedback report: nothing recorded");
      return new Outcome(effects, notices);
    }
    Set<Verp.Target> targets = new LinkedHashSet<>();
    for (EmailAddress a : recipients) verp.read(a).ifPresent(targets::add);
    for (Verp.Target t : targets) {
      Optional<StoredMessage> found = store.find(t.message());
      if (found.isEmpty()) {
        effects.add(t.message() + ": no longer in the queue, report ignored");
        continue;
      }
      StoredMessage m = found.get();
      for (Match match : match(t, m, report)) apply(m, match, report, effects, notices);
    }
    if (effects.isEmpty()) effects.add(report.format() + " report names no recipient: ignored");
    return new Outcome(effects, notices);
  }

  /** One entry of a report tied to one recipient of the message. */
  private record Match(int position, BouncedRecipient entry) {}

  /**
   * Ties the report's entries to recipients. A recipient token was used for a transaction with one
   * recipient, so the report is about that one whatever address it names (forwarding may have
   * changed it): the entry naming it, else the first. A message token was used for several
   * recipients: each entry is matched by its address against the envelope's addresses and ORCPTs;
   * entries that match none are left out (unless the message has a single recipient).
   */
  private static List<Match> match(Verp.Target t, StoredMessage m, BounceReport report) {
    List<BouncedRecipient> entries = report.recipients();
    if (entries.isEmpty()) return List.of();
    if (!t.wholeMessage()) {
      StoredRecipient r = m.recipients().get(t.position());
      for (BouncedRecipient e : entries)
        if (names(e, r)) return List.of(new Match(t.position(), e));
      return List.of(new Match(t.position(), entries.getFirst()));
    }
    List<Match> out = new ArrayList<>();
    Set<Integer> seen = new LinkedHashSet<>();
    for (BouncedRecipient e : entries) {
      for (int i = 0; i < m.recipients().size(); i++) {
        if (names(e, m.recipients().get(i)) && seen.add(i)) out.add(new Match(i, e));
      }
    }
    if (out.isEmpty() && m.recipients().size() == 1) out.add(new Match(0, entries.getFirst()));
    return out;
  }

  private static boolean names(BouncedRecipient e, StoredRecipient r) {
    if (e.recipient() == null) return false;
    String named = e.recipient().strip();
    if (named.equalsIgnoreCase(r.address().toString())) return true;
    String orcpt = r.dsnOrcpt();
    if (orcpt == null) return false;
    int semi = orcpt.indexOf(';');
    return named.equalsIgnoreCase(orcpt.substring(semi + 1).strip());
  }

  private void apply(
      StoredMessage m,
      Match match,
      BounceReport report,
      List<String> effects,
      List<QueueId> notices)
      throws StorageException {
    BouncedRecipient e = match.entry();
    ReplyStatus s = e.classification();
    StoredRecipient r = m.recipients().get(match.position());
    String who = m.id() + " <" + r.address() + ">";
    Instant at = clock.instant();
    boolean failure = endsDelivery(report.kind(), e);
    AttemptRecord attempt = attempt(report, e, at);
    Optional<RecipientState> before =
        store.recordReport(m.id(), match.position(), attempt, failure);
    if (before.isEmpty()) {
      effects.add(who + ": no longer in the queue, report ignored");
      return;
    }
    String reading = describe(s);
    switch (report.kind()) {
      case AUTO_REPLY -> effects.add(who + ": auto-reply recorded (" + reading + ")");
      case FEEDBACK -> {
        effects.add(who + ": feedback report recorded");
        suppress(m, r, s, at, effects);
      }
      default -> {
        boolean bounced =
            failure && (before.get() == RecipientState.DELIVERED || !before.get().isFinal());
        if (!failure) {
          effects.add(
              who + ": " + action(e) + " report recorded, state unchanged (" + reading + ")");
        } else if (!bounced) {
          effects.add(
              who + ": bounce recorded, already " + before.get().id() + " (" + reading + ")");
        } else {
          effects.add(who + ": bounced after " + before.get().id() + " (" + reading + ")");
          suppress(m, r, s, at, effects);
          notifySender(m, r, e, attempt, s, effects, notices);
        }
      }
    }
  }

  /**
   * Whether an entry of a DSN or non-standard notice says delivery failed for good: its action is
   * {@code failed}; or it has no action and neither its status nor its reply is a 4xx or 2xx (a
   * non-standard notice usually gives only the error).
   */
  static boolean endsDelivery(BounceReport.Kind kind, BouncedRecipient e) {
    if (kind != BounceReport.Kind.DSN && kind != BounceReport.Kind.NON_STANDARD) return false;
    String action = e.action() == null ? "" : e.action().strip().toLowerCase(Locale.ROOT);
    if (!action.isEmpty()) return action.startsWith("failed");
    String status = e.status() == null ? "" : e.status().strip();
    if (status.startsWith("4") || status.startsWith("2")) return false;
    ReplyStatus s = e.classification();
    int klass = s.reply().klass();
    if (klass == 4 || klass == 2) return false;
    return s.bounce() != Bounce.NONE;
  }

  private static String action(BouncedRecipient e) {
    return e.action() == null || e.action().isBlank() ? "delay" : e.action().strip();
  }

  private static AttemptRecord attempt(BounceReport report, BouncedRecipient e, Instant at) {
    ReplyStatus s = e.classification();
    String phase =
        switch (report.kind()) {
          case AUTO_REPLY -> "auto-reply";
          case FEEDBACK -> "feedback";
          default -> "async-bounce";
        };
    String mx = e.remoteMta() != null ? e.remoteMta() : report.reportingMta();
    Integer code = s.reply().hasCode() ? s.code() : null;
    String enhanced =
        e.status() != null && e.status().strip().matches("[245]\\.\\d{1,3}\\.\\d{1,3}")
            ? e.status().strip()
            : s.enhanced() == null ? null : s.enhanced().toString();
    String text = e.diagnostic();
    if (text == null || text.isBlank())
      text =
          switch (report.kind()) {
            case AUTO_REPLY ->
                "auto-reply"
                    + (report.originalSubject() == null
                        ? ""
                        : " about: " + report.originalSubject());
            case FEEDBACK ->
                "feedback report"
                    + (report.feedbackType() == null ? "" : " (" + report.feedbackType() + ")");
            default -> report.format() + " report, action " + action(e);
          };
    return new AttemptRecord(
        at,
        mx,
        null,
        null,
        phase,
        code,
        enhanced,
        text,
        s.bounce() == null ? null : s.bounce().id(),
        s.reason() == null ? null : s.reason().id(),
        s.action() == null ? null : s.action().id());
  }

  private static String describe(ReplyStatus s) {
    return (s.bounce() == null ? "-" : s.bounce().id())
        + " "
        + (s.reason() == null ? "-" : s.reason().id());
  }

  private void suppress(
      StoredMessage m, StoredRecipient r, ReplyStatus s, Instant at, List<String> effects)
      throws StorageException {
    suppressions
        .onOutcome(m.account(), r.address(), s, at)
        .ifPresent(x -> effects.add("suppressed <" + x.address() + ">: " + x.reason()));
  }

  private void notifySender(
      StoredMessage m,
      StoredRecipient r,
      BouncedRecipient e,
      AttemptRecord a,
      ReplyStatus s,
      List<String> effects,
      List<QueueId> notices)
      throws StorageException {
    String status = a.enhanced() != null && a.enhanced().startsWith("5") ? a.enhanced() : "5.0.0";
    DsnWriter.Failure f =
        new DsnWriter.Failure(
            new Recipient(r.address(), r.dsnNotify(), r.dsnOrcpt()),
            "failed",
            status,
            a.mx(),
            a.code(),
            a.enhanced(),
            e.diagnostic(),
            a.at(),
            s.meaning());
    try {
      dsn.enqueue(store, m, List.of(f))
          .ifPresent(
              id -> {
                notices.add(id);
                effects.add("notice " + id + " queued to <" + m.sender() + ">");
              });
    } catch (IOException ex) {
      // The body is gone (deleted meanwhile): the bounce itself stands.
      effects.add("no notice to the sender: " + ex.getMessage());
    }
  }
}
