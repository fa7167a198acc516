package dev.petrel.accept;

import dev.petrel.accounts.Quotas;
import dev.petrel.model.Envelope;
import dev.petrel.protocol.Reply;
import dev.petrel.protocol.SmtpInput;
import dev.petrel.queue.Intake;
import dev.petrel.queue.StorageException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.OptionalLong;

/**
 * What the parts of one SMTP session share: its settings and collaborators, the client's state
 * (greeting, authentication, transaction) and the two directions of the byte pipe. Replies are
 * buffered and go out when the session would otherwise wait for the client, so the replies to a
 * pipelined group leave together (RFC 2920 §3.2).
 */
final class SessionContext {

  final ListenerConfig config;
  final Connection connection;
  final Intake store;
  final Authenticator authenticator;
  final SessionObserver observer;
  final InstantSource clock;
  final String id;

  /** The bounce domain's reader, or null when this listener reads no bounces. */
  final BounceMailbox bounces;

  final InetAddress client;
  final boolean trusted;

  SmtpInput input;
  private OutputStream output;
  private final ReadDeadline reads;

  /** When the session must end: the next command line after it gets 421 4.4.2. */
  private final Instant sessionEnd;

  /** The EHLO/HELO name, null before the client greeted (and again after STARTTLS). */
  String helo;

  boolean esmtp;
  String authUser;
  String account;

  /** Monthly quotas to enforce at RCPT; null accepts without counting (tests, tools). */
  Quotas quotas;

  /** Which sender domains the account may use at MAIL; null allows any (tests, tools). */
  dev.petrel.domains.SenderPolicy senders;

  /** The shared AUTH failure tracker; null checks every password (tests, tools). */
  AuthLockout lockout;

  Transaction transaction;
  int errors;
  int authFailures;

  /**
   * Commands since the last accepted message that moved no mail forward: NOOP, RSET, HELP, VRFY,
   * and every command refused as the client's fault (unknown, malformed, out of sequence).
   */
  int junkCommands;

  SessionContext(
      ListenerConfig config,
      Connection connection,
      Intake store,
      Authenticator authenticator,
      SessionObserver observer,
      InstantSource clock,
      String id,
      BounceMailbox bounces) {
    this.config = config;
    this.connection = connection;
    this.store = store;
    this.authenticator = authenticator;
    this.observer = observer;
    this.clock = clock;
    this.id = id;
    this.bounces = bounces;
    this.client = connection.remoteAddress();
    this.trusted =
        client != null && config.trustedNetworks().stream().anyMatch(c -> c.contains(client));
    this.reads = new ReadDeadline(connection, clock);
    this.sessionEnd = clock.instant().plus(config.timeouts().session());
    bindStreams();
    awaitCommand();
  }

  /** The account the transaction's mail is for. */
  String accountName() {
    return account == null ? Envelope.DEFAULT_ACCOUNT : account;
  }

  /**
   * The refusal for a recipient that would take the account past its monthly quota (450 4.7.1
   * saying when it resets), or null when it fits.
   */
  Reply quotaRefusal(int recipients) {
    if (quotas == null) return null;
    try {
      Quotas.Check c = quotas.check(accountName(), recipients, quotaLimit());
      if (c.allowed()) return null;
      return Reply.of(
          450,
          "4.7.1",
          "Monthly quota of "
              + c.limit()
              + " recipients reached for this account; it resets at "
              + c.resets());
    } catch (StorageException e) {
      return Reply.of(451, "4.3.0", "Cannot check the sending quota now, try again later");
    }
  }

  /**
   * The monthly limit of the account's plan, read once per transaction (at its first RCPT) and kept
   * with it for the commit and the warning that follow: a plan changed meanwhile applies from the
   * next transaction. Outside a transaction it is read each time.
   */
  OptionalLong quotaLimit() throws StorageException {
    Transaction t = transaction;
    if (t != null && t.quotaLimit != null && t.quotaAccount.equals(accountName()))
      return t.quotaLimit;
    OptionalLong limit = quotas.limitOf(accountName());
    if (t != null) {
      t.quotaLimit = limit;
      t.quotaAccount = accountName();
    }
    return limit;
  }

  /** Takes the connection's current streams (again after the TLS handshake). */
  void bindStreams() {
    this.output = new BufferedOutputStream(connection.output(), 8192);
    reads.rebind();
    if (input == null) this.input = new SmtpInput(reads, this::flushQuietly);
    else input.switchTo(reads);
  }

  /** Queues a reply; it is sent before the next blocking read or at {@link #flush()}. */
  void reply(Reply r) throws IOException {
    output.write(r.toBytes());
  }

  /** Sends a refusal caused by the client and counts it towards the error limit. */
  void fail(String verb, Reply r) throws IOException {
    errors++;
    junkCommands++;
    event("reject " + verb + ": " + r);
    reply(r);
  }

  void flush() throws IOException {
    output.flush();
  }

  private void flushQuietly() {
    try {
      output.flush();
    } catch (IOException e) {
      // The client is gone; the read that follows reports it.
    }
  }

  void event(String message) {
    observer.event(id, null, message);
  }

  void event(String queueId, String message) {
    observer.event(id, queueId, message);
  }

  /**
   * Bounds the wait for the next command line (or AUTH answer): it must be complete within the
   * command timeout, and the session must not be over its maximum duration.
   */
  void awaitCommand() {
    Duration command = config.timeouts().command();
    Instant lineEnd = clock.instant().plus(command);
    if (lineEnd.isBefore(sessionEnd))
      reads.bound(
          command,
          lineEnd,
          "command line not complete within " + command,
          "command not received in time, closing connection");
    else
      reads.bound(
          command,
          sessionEnd,
          "session longer than " + config.timeouts().session(),
          "session time limit reached, closing connection");
  }

  /**
   * Bounds the reading of message data (DATA to its final dot, or one BDAT chunk): pauses up to the
   * data-block timeout, all of it within the message timeout. The session's own limit does not
   * apply here, so a message being received is never cut for it.
   */
  void awaitData() {
    ListenerConfig.Timeouts t = config.timeouts();
    reads.bound(
        t.dataBlock(),
        clock.instant().plus(t.message()),
        "message data not complete within " + t.message(),
        "message data not received in time, closing connection");
  }

  boolean authenticated() {
    return authUser != null;
  }

  /** Whether this client may send to any recipient: trusted network or authenticated. */
  boolean mayRelay() {
    return trusted || authenticated();
  }

  /** AUTH is offered under TLS, to trusted clients, or everywhere when so configured. */
  boolean authOffered() {
    return connection.secure() || trusted || config.authWithoutTls();
  }

  boolean startTlsOffered() {
    return connection.tlsAvailable() && !connection.secure();
  }

  /** Ends the current transaction, discarding an uncommitted message. */
  void endTransaction() {
    if (transaction != null) transaction.discard();
    transaction = null;
  }

  String clientText() {
    return client == null ? "unknown" : client.getHostAddress();
  }
}
