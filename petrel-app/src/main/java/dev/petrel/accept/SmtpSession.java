package dev.petrel.accept;

import dev.petrel.protocol.Command;
import dev.petrel.protocol.CommandLine;
import dev.petrel.protocol.Line;
import dev.petrel.protocol.Reply;
import dev.petrel.protocol.SmtpInput;
import dev.petrel.queue.Intake;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One SMTP session of the listener, from the greeting to QUIT, timeout or disconnect: reads
 * commands, checks them against the command table, answers each with the reply docs/serving.md
 * lists, and hands accepted messages to the store. The socket layer runs one per connection on a
 * virtual thread; tests run it over in-memory streams.
 *
 * <p>Behaviour where the RFCs leave a choice (the transaction's own choices are listed on {@link
 * MailCommands}):
 *
 * <ul>
 *   <li>The greeting and the EHLO/HELO reply carry no enhanced code, as RFC 2034 §3 says (their
 *       first word is the server's domain); 334 and 354 have none because RFC 3463 defines no class
 *       3. Every other reply has one.
 *   <li>Errors that count towards {@link ListenerConfig#maxErrors()} are refusals of what the
 *       client did wrong: unknown or malformed commands, bad sequence, bad addresses, refused AUTH,
 *       relaying. Refusals the client cannot avoid (452 4.5.3 too many recipients, 552 size, 4xx
 *       storage trouble) do not count. At the limit the session says 421 4.7.0 and ends.
 *   <li>Command lines may end in a bare LF unless strict line endings are on; then such a line gets
 *       500 5.5.2. Over-long command lines (512 octets, 12288 for AUTH) get 500 5.5.2 and the
 *       session reads on from the next line.
 *   <li>Shutting down: each new command (and the moment before waiting for one) gets 421 4.3.2 and
 *       the session ends; a message being received with DATA, or with BDAT until BDAT LAST, is
 *       finished and committed first.
 *   <li>A read timeout gets 421 4.4.2: the command timeout while waiting for a command or an AUTH
 *       answer, the data-block timeout while reading message data. These are deadlines, not idle
 *       times: a command line must be complete within the command timeout however its octets
 *       trickle in, a message's data within the message timeout, and the session may not last
 *       longer than the session timeout (checked while waiting for a command). See {@link
 *       ReadDeadline}.
 *   <li>Junk commands (NOOP, RSET, HELP, VRFY, and every refused command) are counted, as Postfix's
 *       {@code smtpd_junk_command_limit} does
 *       (https://www.postfix.org/postconf.5.html#smtpd_junk_command_limit); at {@link
 *       ListenerConfig#maxJunkCommands()} the session says 421 4.7.0 and ends. The count starts
 *       again after each accepted message, so a client that sends mail never meets the limit.
 * </ul>
 */
public final class SmtpSession {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final SessionContext s;
  private final BooleanSupplier shuttingDown;
  private final MailCommands mail;
  private final AuthCommand auth;

  /** Why the command loop stopped, when a handler ends the session. */
  private String endReason = "quit";

  public SmtpSession(
      ListenerConfig config,
      Connection connection,
      Intake store,
      Authenticator auth,
      SessionObserver observer,
      InstantSource clock,
      BooleanSupplier shuttingDown) {
    this(config, connection, store, auth, observer, clock, shuttingDown, (BounceMailbox) null);
  }

  /** A session that also reads mail to the bounce domain with {@code bounces} (null for none). */
  public SmtpSession(
      ListenerConfig config,
      Connection connection,
      Intake store,
      Authenticator auth,
      SessionObserver observer,
      InstantSource clock,
      BooleanSupplier shuttingDown,
      BounceMailbox bounces) {
    this(
        config,
        connection,
        store,
        auth,
        observer,
        clock,
        shuttingDown,
        AuthThrottle.Pause.SLEEP,
        bounces);
  }

  /** For tests: {@code pause} replaces the sleep that slows down repeated AUTH failures. */
  SmtpSession(
      ListenerConfig config,
      Connection connection,
      Intake store,
      Authenticator auth,
      SessionObserver observer,
      InstantSource clock,
      BooleanSupplier shuttingDown,
      AuthThrottle.Pause pause) {
    this(config, connection, store, auth, observer, clock, shuttingDown, pause, null);
  }

  /** For tests: with a pause and a bounce-domain reader. */
  SmtpSession(
      ListenerConfig config,
      Connection connection,
      Intake store,
      Authenticator auth,
      SessionObserver observer,
      InstantSource clock,
      BooleanSupplier shuttingDown,
      AuthThrottle.Pause pause,
      BounceMailbox bounces) {
    byte[] idBytes = new byte[6];
    RANDOM.nextBytes(idBytes);
    this.s =
        new SessionContext(
            Objects.requireNonNull(config),
            Objects.requireNonNull(connection),
            Objects.requireNonNull(store),
            Objects.requireNonNull(auth),
            Objects.requireNonNull(observer),
            Objects.requireNonNull(clock),
            HexFormat.of().formatHex(idBytes),
            bounces);
    this.shuttingDown = Objects.requireNonNull(shuttingDown);
    this.mail = new MailCommands(s);
    this.auth = new AuthCommand(s, pause);
  }

  /** Enforces monthly quotas at RCPT; without this call nothing is counted against. */
  public SmtpSession quotas(dev.petrel.accounts.Quotas quotas) {
    s.quotas = quotas;
    return this;
  }

  /**
   * Counts failed logins with {@code lockout}, shared by all sessions, and refuses AUTH while the
   * client's address or the login is locked; without this call only the per-session slow-down
   * applies.
   */
  public SmtpSession authLockout(AuthLockout lockout) {
    s.lockout = lockout;
    return this;
  }

  /** Refuses MAIL from a domain the account may not use (553 5.7.1); without it any is used. */
  public SmtpSession senders(dev.petrel.domains.SenderPolicy senders) {
    s.senders = senders;
    return this;
  }

  /** Runs the whole session (greeting to QUIT/close/timeout); never throws. */
  public void run() {
    String end = "closed";
    try {
      end = converse();
    } catch (ReadDeadline.Expired e) {
      end = "timeout: " + e.getMessage();
      replyQuietly(Reply.of(421, "4.4.2", s.config.hostname() + " " + e.replyText()));
    } catch (SocketTimeoutException e) {
      end = "timeout";
      replyQuietly(Reply.of(421, "4.4.2", s.config.hostname() + " timeout, closing connection"));
    } catch (IOException e) {
      end = "connection lost: " + e.getMessage();
    } catch (RuntimeException e) {
      end = "internal error: " + e;
      replyQuietly(Reply.of(421, "4.3.0", s.config.hostname() + " internal error, closing"));
    } finally {
      s.endTransaction();
      try {
        s.flush();
      } catch (IOException | RuntimeException e) {
        // The peer is gone; nothing more to say.
      }
      s.event("close: " + end);
    }
  }

  private void replyQuietly(Reply r) {
    try {
      s.reply(r);
      s.flush();
    } catch (IOException | RuntimeException e) {
      // The connection is unusable; the session ends anyway.
    }
  }

  /** The command loop; returns why it ended. */
  private String converse() throws IOException {
    s.event("connect from " + s.clientText() + (s.trusted ? " (trusted)" : ""));
    if (shuttingDown.getAsBoolean()) {
      s.reply(shutdownReply());
      return "shutting down";
    }
    s.reply(Reply.of(220, null, s.config.hostname() + " ESMTP Petrel"));
    while (true) {
      if (s.errors >= s.config.maxErrors()) {
        s.reply(Reply.of(421, "4.7.0", s.config.hostname() + " too many errors, closing"));
        return "too many errors";
      }
      if (s.junkCommands >= s.config.maxJunkCommands()) {
        s.reply(Reply.of(421, "4.7.0", s.config.hostname() + " too many junk commands, closing"));
        return "too many junk commands";
      }
      if (shuttingDown.getAsBoolean() && !bdatInFlight()) {
        s.reply(shutdownReply());
        return "shutting down";
      }
      s.awaitCommand();
      Line line = s.input.readLine(SmtpInput.MAX_AUTH_LINE);
      if (line == null) return "client closed the connection";
      if (line.ending() == Line.Ending.EOF) return "client closed the connection mid-command";
      if (!handle(line)) return endReason;
    }
  }

  /** A message sent with BDAT is in flight until BDAT LAST: shutting down lets it finish. */
  private boolean bdatInFlight() {
    return s.transaction != null && s.transaction.spool != null;
  }

  private Reply shutdownReply() {
    return Reply.of(421, "4.3.2", s.config.hostname() + " shutting down, try again later");
  }

  /** Handles one command line; false when the session should end. */
  private boolean handle(Line line) throws IOException {
    CommandLine cl = CommandLine.parse(line.text());
    Command c = cl.command();
    String verb = c == null ? "command" : c.name();
    if (shuttingDown.getAsBoolean() && !(c == Command.BDAT && bdatInFlight())) {
      s.reply(shutdownReply());
      endReason = "shutting down";
      return false;
    }
    if (line.tooLong()
        || line.octets() > (c == null ? SmtpInput.MAX_COMMAND_LINE : c.maxLineOctets())) {
      s.fail(verb, Reply.of(500, "5.5.2", "Line too long"));
      return true;
    }
    if (s.config.strictLineEndings() && line.ending() == Line.Ending.BARE_LF) {
      s.fail(verb, Reply.of(500, "5.5.2", "Command lines must end with <CR><LF>"));
      return true;
    }
    if (c == null) {
      s.fail(
          verb, Reply.of(500, "5.5.2", cl.verb().isEmpty() ? "Empty command" : "Unknown command"));
      return true;
    }
    if (!c.implemented()) {
      s.fail(verb, Reply.of(502, "5.5.1", c.name() + " is not implemented"));
      return true;
    }
    if (c.arguments() == Command.Arguments.NONE && cl.hasArgument()) {
      s.fail(verb, Reply.of(501, "5.5.4", c.name() + " takes no arguments"));
      return true;
    }
    if (c.arguments() == Command.Arguments.REQUIRED && !cl.hasArgument()) {
      s.fail(verb, Reply.of(501, "5.5.4", "Syntax: " + c.usage()));
      return true;
    }
    if (c.needsHello() && s.helo == null) {
      s.fail(verb, Reply.of(503, "5.5.1", "Send EHLO or HELO first"));
      return true;
    }
    if (c.endsGroup() && s.input.buffered() > 0 && c != Command.STARTTLS)
      s.event("pipelining violation: input after " + c.name() + " (RFC 2920 section 3.1)");
    boolean go = dispatch(c, line, cl.argument());
    if (c.endsGroup()) s.flush();
    return go;
  }

  private boolean dispatch(Command c, Line line, String argument) throws IOException {
    switch (c) {
      case HELO, EHLO -> hello(c, line, argument);
      case MAIL -> mail.mail(line, argument);
      case RCPT -> mail.rcpt(line, argument);
      case DATA -> mail.data();
      case BDAT -> mail.bdat(argument);
      case RSET -> {
        s.junkCommands++;
        s.endTransaction();
        s.reply(Reply.of(250, "2.0.0", "Ok"));
      }
      case NOOP -> {
        s.junkCommands++;
        s.reply(Reply.of(250, "2.0.0", "Ok"));
      }
      case QUIT -> {
        s.reply(Reply.of(221, "2.0.0", s.config.hostname() + " closing connection"));
        return false;
      }
      case HELP -> {
        s.junkCommands++;
        s.reply(help());
      }
      case VRFY -> {
        s.junkCommands++;
        s.reply(Reply.of(252, "2.0.0", "Cannot verify mailboxes; send the message to find out"));
      }
      case STARTTLS -> {
        return startTls();
      }
      case AUTH -> auth.auth(argument);
      default -> s.fail(c.name(), Reply.of(502, "5.5.1", c.name() + " is not implemented"));
    }
    return true;
  }

  private void hello(Command c, Line line, String argument) throws IOException {
    if (!line.isUtf8() || !isHelloName(argument)) {
      s.fail(c.name(), Reply.of(501, "5.5.4", "Syntax: " + c.usage()));
      return;
    }
    s.endTransaction();
    s.helo = argument;
    s.esmtp = c == Command.EHLO;
    s.event(c.name().toLowerCase(java.util.Locale.ROOT) + " " + argument);
    String greeting = s.config.hostname() + " Hello " + argument + " [" + s.clientText() + "]";
    if (c == Command.HELO) {
      s.reply(Reply.of(250, null, greeting));
      return;
    }
    List<String> lines = new java.util.ArrayList<>();
    lines.add(greeting);
    lines.add("PIPELINING");
    lines.add("SIZE " + s.config.maxMessageSize());
    lines.add("8BITMIME");
    lines.add("SMTPUTF8");
    lines.add("ENHANCEDSTATUSCODES");
    if (s.startTlsOffered()) lines.add("STARTTLS");
    if (s.authOffered() && !s.authenticated()) lines.add("AUTH PLAIN LOGIN");
    lines.add("CHUNKING");
    lines.add("BINARYMIME");
    lines.add("DSN");
    s.reply(new Reply(250, null, lines));
  }

  /** A domain, an address literal or, liberally, any single word without control characters. */
  private static boolean isHelloName(String argument) {
    if (argument.isEmpty() || argument.length() > 255) return false;
    for (int i = 0; i < argument.length(); i++) {
      char c = argument.charAt(i);
      if (c <= ' ' || c == 127) return false;
    }
    return true;
  }

  /**
   * STARTTLS done safely (RFC 3207 §4.2, §6): octets the client sent after the command, before the
   * handshake, are thrown away unread, and the session starts again from before EHLO.
   */
  private boolean startTls() throws IOException {
    if (!s.connection.tlsAvailable()) {
      s.fail("STARTTLS", Reply.of(502, "5.5.1", "STARTTLS is not available"));
      return true;
    }
    if (s.connection.secure()) {
      s.fail("STARTTLS", Reply.of(503, "5.5.1", "TLS is already active"));
      return true;
    }
    if (s.transaction != null) {
      s.fail("STARTTLS", Reply.of(503, "5.5.1", "STARTTLS is not allowed during a transaction"));
      return true;
    }
    s.reply(Reply.of(220, "2.0.0", "Ready to start TLS"));
    s.flush();
    int dropped = s.input.discardBuffered();
    if (dropped > 0)
      s.event("discarded " + dropped + " octets sent after STARTTLS before the handshake");
    try {
      s.connection.startTls();
    } catch (IOException e) {
      endReason = "tls handshake failed: " + e.getMessage();
      return false;
    }
    s.bindStreams();
    s.helo = null;
    s.esmtp = false;
    s.authUser = null;
    s.account = null;
    s.event("tls " + s.connection.tlsDescription());
    return true;
  }

  private Reply help() {
    return new Reply(
        214,
        "2.0.0",
        List.of(
            "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT HELP VRFY STARTTLS AUTH",
            "See RFC 5321; Petrel accepts mail for delivery"));
  }
}
