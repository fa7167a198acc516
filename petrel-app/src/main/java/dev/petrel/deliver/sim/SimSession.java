package dev.petrel.deliver.sim;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLSocket;

/** One simulator connection: the SMTP server side, with replies chosen by directives. */
final class SimSession {

  private static final int MAX_LINE = 16 * 1024;

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
      reply("220 " + options.hostname() + " ESMTP Petrel mailbox simulator");
      return;
    }
    reply(r.line(options.hostname() + " simulated greeting " + r.code() + " (Petrel simulator)"));
    if (r.code() == 554) refuseAll = true; // RFC 5321 §3.1: wait for QUIT
    else if (r.code() / 100 != 2) throw new Hangup();
  }

  private void handle(String line) throws IOException, Hangup, InterruptedException {
    String upper = line.toUpperCase(Locale.ROOT);
    String verb = upper.split(" ", 2)[0];
    if (refuseAll) {
      if (verb.equals("QUIT")) quit();
      reply("503 5.5.1 no service here (greeting refused); say QUIT");
      return;
    }
    switch (verb) {
      case "EHLO" -> ehlo(line);
      case "HELO" -> helo(line);
      case "STARTTLS" -> startTls();
      case "MAIL" -> mail(line);
      case "RCPT" -> rcpt(line);
      case "DATA" -> data();
      case "BDAT" -> bdat(line);
      case "RSET" -> {
        resetTransaction();
        reply("250 2.0.0 Ok");
      }
      case "NOOP" -> reply("250 2.0.0 Ok");
      case "VRFY" -> reply("252 2.5.0 Cannot VRFY user, but will accept message");
      case "QUIT" -> quit();
      default -> reply("500 5.5.2 command not recognized");
    }
  }

  private void quit() throws IOException, Hangup {
    reply("221 2.0.0 Bye");
    throw new Hangup();
  }

  private void ehlo(String line) throws IOException, Hangup {
    if (!options.esmtp()) {
      reply("502 5.5.1 EHLO not implemented, try HELO");
      return;
    }
    SimReply r = SimReply.parse(options.ehloReply());
    if (r != null && r.code() != 250) {
      chosen(r, "EHLO");
      return;
    }
    helo = argument(line);
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
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      b.append("250").append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i));
      if (i < lines.size() - 1) b.append("\r\n");
    }
    reply(b.toString());
  }

  private void helo(String line) throws IOException, Hangup {
    SimReply r = SimReply.parse(options.heloReply());
    if (r != null && r.code() != 250) {
      chosen(r, "HELO");
      return;
    }
    helo = argument(line);
    resetTransaction();
    reply("250 " + options.hostname());
  }

  private void startTls() throws IOException, Hangup {
    if (options.tls() == null || tls != null) {
      reply("502 5.5.1 STARTTLS not available");
      return;
    }
    SimReply r = SimReply.parse(options.starttlsReply());
    if (r != null && r.code() != 220) {
      chosen(r, "STARTTLS");
      return;
    }
    reply("220 2.0.0 Ready to start TLS");
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

  private void mail(String line) throws IOException, Hangup {
    if (helo == null) {
      reply("503 5.5.1 send EHLO or HELO first");
      return;
    }
    if (sender != null) {
      reply("503 5.5.1 nested MAIL command");
      return;
    }
    if (in.available() > 0) server.pipelined();
    Path p = Path.parse(line, "MAIL FROM:");
    if (p == null) {
      reply("501 5.5.4 syntax: MAIL FROM:<address>");
      return;
    }
    boolean utf8 = false;
    for (String param : p.params) {
      String key = param.split("=", 2)[0].toUpperCase(Locale.ROOT);
      String value = param.contains("=") ? param.split("=", 2)[1] : "";
      switch (key) {
        case "SIZE" -> {
          long size;
          try {
            size = Long.parseLong(value);
          } catch (NumberFormatException e) {
            reply("501 5.5.4 bad SIZE value");
            return;
          }
          if (options.maxSize() > 0 && size > options.maxSize()) {
            reply("552 5.3.4 message size exceeds fixed maximum message size");
            return;
          }
        }
        case "BODY" -> {
          if (value.equalsIgnoreCase("8BITMIME") && !options.eightBitMime()) {
            reply("555 5.5.4 BODY=8BITMIME not supported");
            return;
          }
        }
        case "SMTPUTF8" -> {
          if (!options.smtpUtf8()) {
            reply("555 5.5.4 SMTPUTF8 not supported");
            return;
          }
          utf8 = true;
        }
        case "RET", "ENVID" -> {
          if (!options.dsn()) {
            reply("555 5.5.4 " + key + " not supported");
            return;
          }
        }
        default -> {
          reply("555 5.5.4 unsupported MAIL parameter " + key);
          return;
        }
      }
    }
    if (!utf8 && !ascii(p.address)) {
      reply("553 5.6.7 non-ASCII address needs SMTPUTF8");
      return;
    }
    Directive d = Directive.of(localPart(p.address), options.slowDelay());
    if (d.kind() == Directive.Kind.MAIL && d.reply().code() / 100 != 2) {
      chosen(d.reply(), "MAIL for " + p.address);
      return;
    }
    sender = p.address;
    mailParameters = String.join(" ", p.params);
    reply("250 2.1.0 Ok");
  }

  private void rcpt(String line) throws IOException, Hangup, InterruptedException {
    if (sender == null) {
      reply("503 5.5.1 need MAIL before RCPT");
      return;
    }
    Path p = Path.parse(line, "RCPT TO:");
    if (p == null || p.address.isEmpty()) {
      reply("501 5.5.4 syntax: RCPT TO:<address>");
      return;
    }
    boolean utf8 = mailParameters.toUpperCase(Locale.ROOT).contains("SMTPUTF8");
    if (!utf8 && !ascii(p.address)) {
      reply("553 5.6.7 non-ASCII address needs SMTPUTF8");
      return;
    }
    for (String param : p.params) {
      String key = param.split("=", 2)[0].toUpperCase(Locale.ROOT);
      if (!(options.dsn() && (key.equals("NOTIFY") || key.equals("ORCPT")))) {
        reply("555 5.5.4 unsupported RCPT parameter " + key);
        return;
      }
    }
    pause();
    Directive d = Directive.of(localPart(p.address), options.slowDelay());
    switch (d.kind()) {
      case RCPT -> {
        if (d.reply().code() / 100 == 2) recipients.add(p.address);
        chosen(d.reply(), "RCPT for " + p.address);
        return;
      }
      case GREYLIST -> {
        if (server.greylistFirstTime(sender, p.address)) {
          reply("450 4.2.0 " + p.address + ": greylisted, please try again later");
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
    recipients.add(p.address);
    reply("250 2.1.5 Ok");
  }

  private void data() throws IOException, Hangup, InterruptedException {
    if (sender == null) {
      reply("503 5.5.1 need MAIL before DATA");
      return;
    }
    if (recipients.isEmpty()) {
      reply("554 5.5.1 no valid recipients");
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
    reply("354 End data with <CR><LF>.<CR><LF>");
    Body body = new Body(options.maxStoredBytes());
    in.readData(body);
    finish(body);
  }

  private void bdat(String line) throws IOException, Hangup, InterruptedException {
    String[] words = line.trim().split("[ \t]+");
    long n;
    try {
      n = Long.parseLong(words[1]);
      if (n < 0) throw new NumberFormatException();
    } catch (RuntimeException e) {
      reply("501 5.5.4 syntax: BDAT size [LAST]");
      throw new Hangup(); // the chunk's length is unknown: the stream cannot be followed
    }
    boolean last = words.length > 2 && words[2].equalsIgnoreCase("LAST");
    if (chunked == null) chunked = new Body(options.maxStoredBytes());
    Body body = chunked;
    in.readExactly(n, body);
    if (!options.chunking() || sender == null || recipients.isEmpty()) {
      chunked = null;
      reply(
          !options.chunking()
              ? "502 5.5.1 BDAT not supported"
              : sender == null
                  ? "503 5.5.1 need MAIL before BDAT"
                  : "554 5.5.1 no valid recipients");
      return;
    }
    if (!last) {
      pause();
      reply("250 2.0.0 " + n + " octets received");
      return;
    }
    chunked = null;
    finish(body);
  }

  /** The reply after the message: size limit, then the first data directive, else accept. */
  private void finish(Body body) throws IOException, Hangup, InterruptedException {
    try {
      if (options.maxSize() > 0 && body.size > options.maxSize()) {
        reply("552 5.3.4 message size exceeds fixed maximum message size");
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
      reply("250 2.0.0 Ok: queued as " + id);
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
    recipients.clear();
    dataDirective = null;
    slow = null;
    chunked = null;
  }

  private void reply(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.write('\r');
    out.write('\n');
    out.flush();
  }

  private static String argument(String line) {
    String[] parts = line.trim().split("[ \t]+", 2);
    return parts.length > 1 ? parts[1] : "";
  }

  private static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 128) return false;
    return true;
  }

  private static String localPart(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? address : address.substring(0, at);
  }

  /** {@code MAIL FROM:<address> params} or {@code RCPT TO:<address> params}. */
  private record Path(String address, List<String> params) {
    static Path parse(String line, String prefix) {
      if (!line.regionMatches(true, 0, prefix, 0, prefix.length())) return null;
      String rest = line.substring(prefix.length()).stripLeading();
      if (!rest.startsWith("<")) return null;
      int close = rest.indexOf('>');
      if (close < 0) return null;
      String address = rest.substring(1, close);
      String tail = rest.substring(close + 1).trim();
      List<String> params = tail.isEmpty() ? List.of() : List.of(tail.split("[ \t]+"));
      return new Path(address, params);
    }
  }
}
