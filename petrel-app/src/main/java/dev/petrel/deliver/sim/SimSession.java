package dev.petrel.deliver.sim;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Recipient;
import dev.petrel.protocol.ChunkHeader;
import dev.petrel.protocol.Command;
import dev.petrel.protocol.CommandLine;
import dev.petrel.protocol.CommandRejectedException;
import dev.petrel.protocol.MailFrom;
import dev.petrel.protocol.RcptTo;
import dev.petrel.protocol.Reply;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/**
 * One simulator connection: the SMTP server side, with replies chosen by directives.
 *
 * <p>Command lines, MAIL and RCPT arguments and BDAT headers are read with the listener's {@code
 * protocol} classes, so a malformed command gets the same reply from both (500 5.5.2 unknown
 * command, 502 5.5.1 not implemented, 501 5.5.4 bad syntax, 501 5.1.7 or 5.1.3 bad address, 555
 * 5.5.4 unknown parameter, 553 5.6.7 UTF-8 address without SMTPUTF8). On top of that the simulator
 * refuses what its options switch off (555 5.5.4 for BODY=8BITMIME, SMTPUTF8 and the DSN
 * parameters, 552 5.3.4 for a declared size over the limit). The replies a directive chooses are
 * written as they are asked for, with or without an enhanced code, since they imitate other
 * servers.
 */
final class SimSession {

  private static final int MAX_LINE = 16 * 1024;

  /** The commands the simulator carries out; other known verbs get 502 5.5.1. */
  private static final Set<Command> SUPPORTED =
      EnumSet.of(
          Command.EHLO,
          Command.HELO,
          Command.STARTTLS,
          Command.MAIL,
          Command.RCPT,
          Command.DATA,
          Command.BDAT,
          Command.RSET,
          Command.NOOP,
          Command.VRFY,
          Command.QUIT);

  /** Ends the session at once (a close or disconnect directive, or QUIT). */
  private static final class Hangup extends Exception {
    Hangup() {
      super(null, null, false, false);
    }
  }

  private final SimulatorServer server;
  private final SimulatorOptions options;
  private final int number;
  private Socket socket;
  private SimInput in;
  private OutputStream out;
  private String tls;
  private String helo;
  private boolean refuseAll;

  // the transaction
  private String sender;
  private String mailParameters;
  private boolean smtputf8;
  private final List<String> recipients = new ArrayList<>();
  private Directive dataDirective;
  private Duration slow;
  private Body chunked;

  SimSession(SimulatorServer server, Socket socket, int number) {
    this.server = server;
    this.options = server.options();
    this.socket = socket;
    this.number = number;
  }

  void run() {
    try {
      socket.setSoTimeout((int) options.readTimeout().toMillis());
      attach(socket);
      greet();
      while (true) {
        String line = in.readLine(MAX_LINE);
        if (line == null) return;
        server.command(number, line);
        handle(line);
      }
    } catch (IOException | Hangup e) {
      // the session is over
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void attach(Socket s) throws IOException {
    socket = s;
    in = new SimInput(s.getInputStream());
    out = new BufferedOutputStream(s.getOutputStream(), 8 * 1024);
  }

  private void greet() throws IOException, Hangup {
    SimReply r = SimReply.parse(options.connectReply());
    if (r == null) {
      reply(Reply.of(220, null, options.hostname() + " ESMTP Petrel mailbox simulator"));
      return;
    }
    reply(r.line(options.hostname() + " simulated greeting " + r.code() + " (Petrel simulator)"));
    if (r.code() == 554) refuseAll = true; // RFC 5321 §3.1: wait for QUIT
    else if (r.code() / 100 != 2) throw new Hangup();
  }

  private void handle(String line) throws IOException, Hangup, InterruptedException {
    CommandLine cl = CommandLine.parse(line);
    Command c = cl.command();
    if (refuseAll) {
      if (c == Command.QUIT) quit();
      reply(Reply.of(503, "5.5.1", "no service here (greeting refused); say QUIT"));
      return;
    }
    if (c == null) {
      reply(Reply.of(500, "5.5.2", cl.verb().isEmpty() ? "Empty command" : "Unknown command"));
      return;
    }
    if (!c.implemented() || !SUPPORTED.contains(c)) {
      reply(Reply.of(502, "5.5.1", c.name() + " is not implemented"));
      return;
    }
    if (c.arguments() == Command.Arguments.NONE && cl.hasArgument()) {
      reply(Reply.of(501, "5.5.4", c.name() + " takes no arguments"));
      return;
    }
    if (c.arguments() == Command.Arguments.REQUIRED && !cl.hasArgument()) {
      reply(Reply.of(501, "5.5.4", "Syntax: " + c.usage()));
      return;
    }
    if (c.needsHello() && helo == null) {
      reply(Reply.of(503, "5.5.1", "Send EHLO or HELO first"));
      return;
    }
    String argument = cl.argument();
    switch (c) {
      case EHLO -> ehlo(argument);
      case HELO -> helo(argument);
      case STARTTLS -> startTls();
      case MAIL -> mail(argument);
      case RCPT -> rcpt(argument);
      case DATA -> data();
      case BDAT -> bdat(argument);
      case RSET -> {
        resetTransaction();
        reply(Reply.of(250, "2.0.0", "Ok"));
      }
      case NOOP -> reply(Reply.of(250, "2.0.0", "Ok"));
      case VRFY -> reply(Reply.of(252, "2.5.0", "Cannot VRFY user, but will accept message"));
      case QUIT -> quit();
      default -> throw new IllegalStateException("not a supported command: " + c);
    }
  }

  private void quit() throws IOException, Hangup {
    reply(Reply.of(221, "2.0.0", "Bye"));
    throw new Hangup();
  }

  private void ehlo(String argument) throws IOException, Hangup {
    if (!options.esmtp()) {
      reply(Reply.of(502, "5.5.1", "EHLO not implemented, try HELO"));
      return;
    }
    SimReply r = SimReply.parse(options.ehloReply());
    if (r != null && r.code() != 250) {
      chosen(r, "EHLO");
      return;
    }
    helo = argument;
    resetTransaction();
    List<String> lines = new ArrayList<>();
    lines.add(options.hostname() + " greets " + helo);
    if (options.pipelining()) lines.add("PIPELINING");
    if (options.maxSize() > 0) lines.add("SIZE " + options.maxSize());
    if (options.eightBitMime()) lines.add("8BITMIME");
    if (options.smtpUtf8()) lines.add("SMTPUTF8");
    if (options.tls() != null && tls == null) lines.add("STARTTLS");
    if (options.chunking()) lines.add("CHUNKING");
    if (options.dsn()) lines.add("DSN");
    lines.add("ENHANCEDSTATUSCODES");
    reply(new Reply(250, null, lines));
  }

  private void helo(String argument) throws IOException, Hangup {
    SimReply r = SimReply.parse(options.heloReply());
    if (r != null && r.code() != 250) {
      chosen(r, "HELO");
      return;
    }
    helo = argument;
    resetTransaction();
    reply(Reply.of(250, null, options.hostname()));
  }

  private void startTls() throws IOException, Hangup {
    if (options.tls() == null || tls != null) {
      reply(Reply.of(502, "5.5.1", "STARTTLS not available"));
      return;
    }
    SimReply r = SimReply.parse(options.starttlsReply());
    if (r != null && r.code() != 220) {
      chosen(r, "STARTTLS");
      return;
    }
    reply(Reply.of(220, "2.0.0", "Ready to start TLS"));
    // Input buffered before the handshake is dropped with the old stream (RFC 3207 §6).
    SSLSocket ssl = (SSLSocket) options.tls().getSocketFactory().createSocket(socket, null, true);
    ssl.setUseClientMode(false);
    ssl.setSoTimeout((int) options.readTimeout().toMillis());
    ssl.startHandshake();
    tls = ssl.getSession().getProtocol() + " " + ssl.getSession().getCipherSuite();
    attach(ssl);
    helo = null;
    resetTransaction();
  }

  private void mail(String argument) throws IOException, Hangup {
    if (sender != null) {
      reply(Reply.of(503, "5.5.1", "Nested MAIL command: a transaction is in progress"));
      return;
    }
    if (in.available() > 0) server.pipelined();
    MailFrom mail;
    try {
      mail = MailFrom.parse(argument);
    } catch (CommandRejectedException e) {
      reply(e.reply());
      return;
    }
    Reply refusal = refusal(mail);
    if (refusal != null) {
      reply(refusal);
      return;
    }
    String address = mail.sender() == null ? "" : mail.sender().toString();
    if (mail.sender() != null) {
      Directive d = Directive.of(mail.sender().localPart(), options.slowDelay());
      if (d.kind() == Directive.Kind.MAIL && d.reply().code() / 100 != 2) {
        chosen(d.reply(), "MAIL for " + address);
        return;
      }
    }
    sender = address;
    smtputf8 = mail.smtputf8();
    mailParameters = parameters(mail);
    reply(Reply.of(250, "2.1.0", "Ok"));
  }

  /** What the simulator's options switch off; null when the MAIL command may go on. */
  private Reply refusal(MailFrom mail) {
    if (options.maxSize() > 0 && mail.size() > options.maxSize())
      return Reply.of(552, "5.3.4", "message size exceeds fixed maximum message size");
    if ("8BITMIME".equals(mail.body()) && !options.eightBitMime())
      return Reply.of(555, "5.5.4", "BODY=8BITMIME not supported");
    if (mail.smtputf8() && !options.smtpUtf8())
      return Reply.of(555, "5.5.4", "SMTPUTF8 not supported");
    if (mail.ret() != null && !options.dsn()) return Reply.of(555, "5.5.4", "RET not supported");
    if (mail.envid() != null && !options.dsn())
      return Reply.of(555, "5.5.4", "ENVID not supported");
    if (mail.auth() != null) return Reply.of(555, "5.5.4", "Unsupported MAIL parameter AUTH");
    return null;
  }

  /**
   * The MAIL parameters the simulator understood, in a fixed order, for {@link ReceivedMessage}.
   */
  private static String parameters(MailFrom mail) {
    List<String> p = new ArrayList<>();
    if (mail.size() >= 0) p.add("SIZE=" + mail.size());
    if (mail.body() != null) p.add("BODY=" + mail.body());
    if (mail.smtputf8()) p.add("SMTPUTF8");
    if (mail.ret() != null) p.add("RET=" + mail.ret());
    if (mail.envid() != null) p.add("ENVID=" + mail.envid());
    return String.join(" ", p);
  }

  private void rcpt(String argument) throws IOException, Hangup, InterruptedException {
    if (sender == null) {
      reply(Reply.of(503, "5.5.1", "Need MAIL before RCPT"));
      return;
    }
    Recipient recipient;
    try {
      recipient = RcptTo.parse(argument, smtputf8);
    } catch (CommandRejectedException e) {
      reply(e.reply());
      return;
    }
    if (!options.dsn() && (recipient.dsnNotify() != null || recipient.dsnOrcpt() != null)) {
      String keyword = recipient.dsnNotify() != null ? "NOTIFY" : "ORCPT";
      reply(Reply.of(555, "5.5.4", "Unsupported RCPT parameter " + keyword));
      return;
    }
    EmailAddress address = recipient.address();
    String to = address.toString();
    pause();
    Directive d = Directive.of(address.localPart(), options.slowDelay());
    switch (d.kind()) {
      case RCPT -> {
        if (d.reply().code() / 100 == 2) recipients.add(to);
        chosen(d.reply(), "RCPT for " + to);
        return;
      }
      case GREYLIST -> {
        if (server.greylistFirstTime(sender, to)) {
          reply(Reply.of(450, "4.2.0", to + ": greylisted, please try again later"));
          return;
        }
      }
      case RATE -> {
        SimReply r = d.reply();
        String enhanced =
            r.enhanced() != null ? r.enhanced() : r.code() / 100 == 4 ? "4.7.0" : "5.7.1";
        reply(
            r.code()
                + " "
                + enhanced
                + " rate limit exceeded: too many messages, slow down (Petrel simulator)");
        if (r.closes()) throw new Hangup();
        return;
      }
      case DISCONNECT -> throw new Hangup();
      default -> {
        if (d.actsOnData() && dataDirective == null) dataDirective = d;
        if (d.kind() == Directive.Kind.SLOW) slow = d.delay();
      }
    }
    recipients.add(to);
    reply(Reply.of(250, "2.1.5", "Ok"));
  }

  private void data() throws IOException, Hangup, InterruptedException {
    if (sender == null) {
      reply(Reply.of(503, "5.5.1", "Need MAIL before DATA"));
      return;
    }
    if (recipients.isEmpty()) {
      reply(Reply.of(554, "5.5.1", "no valid recipients"));
      return;
    }
    pause();
    if (dataDirective != null && dataDirective.kind() == Directive.Kind.DATA_COMMAND) {
      SimReply r = dataDirective.reply();
      if (r.code() != 354) {
        chosen(r, "DATA");
        return;
      }
    }
    reply(Reply.of(354, null, "End data with <CR><LF>.<CR><LF>"));
    Body body = new Body(options.maxStoredBytes());
    in.readData(body);
    finish(body);
  }

  private void bdat(String argument) throws IOException, Hangup, InterruptedException {
    ChunkHeader chunk;
    try {
      chunk = ChunkHeader.parse(argument);
    } catch (CommandRejectedException e) {
      reply(e.reply());
      throw new Hangup(); // the chunk's length is unknown: the stream cannot be followed
    }
    long n = chunk.size();
    boolean last = chunk.last();
    if (chunked == null) chunked = new Body(options.maxStoredBytes());
    Body body = chunked;
    in.readExactly(n, body);
    if (!options.chunking() || sender == null || recipients.isEmpty()) {
      chunked = null;
      reply(
          !options.chunking()
              ? Reply.of(502, "5.5.1", "BDAT not supported")
              : sender == null
                  ? Reply.of(503, "5.5.1", "Need MAIL before BDAT")
                  : Reply.of(554, "5.5.1", "no valid recipients"));
      return;
    }
    if (!last) {
      pause();
      reply(Reply.of(250, "2.0.0", n + " octets received"));
      return;
    }
    chunked = null;
    finish(body);
  }

  /** The reply after the message: size limit, then the first data directive, else accept. */
  private void finish(Body body) throws IOException, Hangup, InterruptedException {
    try {
      if (options.maxSize() > 0 && body.size > options.maxSize()) {
        reply(Reply.of(552, "5.3.4", "message size exceeds fixed maximum message size"));
        return;
      }
      pause();
      Directive d = dataDirective;
      if (d != null) {
        switch (d.kind()) {
          case DATA -> {
            SimReply r = d.reply();
            if (r.code() / 100 == 2) store(body);
            chosen(r, "end of data");
            return;
          }
          case DISCONNECT_AFTER_DATA -> {
            store(body);
            throw new Hangup();
          }
          case TIMEOUT_AFTER_DATA -> {
            store(body);
            hold();
            throw new Hangup();
          }
          default -> {}
        }
      }
      String id = store(body);
      reply(Reply.of(250, "2.0.0", "Ok: queued as " + id));
    } finally {
      resetTransaction();
    }
  }

  /** Keeps the connection open without a word until the client leaves or time is up. */
  private void hold() {
    try {
      socket.setSoTimeout((int) options.holdAfterData().toMillis());
      in.drain();
    } catch (IOException e) {
      // time is up or the client left
    }
  }

  private String store(Body body) {
    String id = server.nextMessageId();
    server.store(
        new ReceivedMessage(
            id,
            number,
            helo,
            tls,
            sender,
            recipients,
            mailParameters,
            body.size,
            body.content.toByteArray(),
            body.truncated,
            server.clock().instant()));
    return id;
  }

  /** A message being received: its size, and its content up to a limit. */
  private static final class Body implements SimInput.Sink {
    final int limit;
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    long size;
    boolean truncated;

    Body(int limit) {
      this.limit = limit;
    }

    @Override
    public void write(byte[] b, int off, int n) {
      size += n;
      int room = limit - content.size();
      if (room >= n) content.write(b, off, n);
      else {
        if (room > 0) content.write(b, off, room);
        truncated = true;
      }
    }
  }

  /** Sends a directive's reply; 421 and 521 close the connection. */
  private void chosen(SimReply r, String where) throws IOException, Hangup {
    reply(r.line("simulated reply " + r.code() + " to " + where + " (Petrel simulator)"));
    if (r.closes()) throw new Hangup();
  }

  private void pause() throws InterruptedException {
    if (slow != null && !slow.isZero()) Thread.sleep(slow);
  }

  private void resetTransaction() {
    sender = null;
    mailParameters = null;
    smtputf8 = false;
    recipients.clear();
    dataDirective = null;
    slow = null;
    chunked = null;
  }

  private void reply(Reply r) throws IOException {
    out.write(r.toBytes());
    out.flush();
  }

  /** A line as a directive chose it: it may lack an enhanced code, as other servers' do. */
  private void reply(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.write('\r');
    out.write('\n');
    out.flush();
  }
}
