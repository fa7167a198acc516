package dev.petrel.deliver;

import dev.petrel.status.Phase;
import dev.petrel.status.StatusEngine;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One client connection to one server address: the socket, reading replies and writing commands
 * with the phase's time limit, the greeting, EHLO (HELO when EHLO is refused), STARTTLS and QUIT.
 * Mail transactions run on top of it ({@link MailTransaction}); the pool keeps it between them.
 *
 * <p>Not thread-safe: one delivery uses a connection at a time.
 */
final class SmtpConnection implements Closeable {

  /** The connection could not be made ready; {@code answer} says why, in the phase it failed. */
  static final class Failure extends Exception {
    final transient Answer answer;

    /** True when a TLS handshake failed: the same server may still work without TLS. */
    final boolean tlsHandshake;

    /** The TLS policy in force and what failed under it, when delivery knows (set by it). */
    transient TlsFacts facts;

    Failure(Answer answer, boolean tlsHandshake) {
      super(answer.reply().text(), null, false, false);
      this.answer = answer;
      this.tlsHandshake = tlsHandshake;
    }
  }

  private static final int BUFFER = 64 * 1024;

  private final ClientConfig config;
  private final StatusEngine engine;
  private final LocalReplies local;
  private final InstantSource clock;
  private final MxTarget target;
  private final InetAddress address;
  private final String where;

  private Socket socket;
  private InputStream in;
  private ReplyReader reader;
  private GuardedOutputStream guard;
  private OutputStream out;
  private Capabilities capabilities = Capabilities.HELO;
  private String tls;
  private TlsTrust.Capture capture;
  private TlsRequirement requirement;
  private TlsFacts facts;
  private int transactions;
  private Instant idleSince;
  private boolean broken;
  private boolean reused;
  private boolean needsReset;

  private SmtpConnection(
      MxTarget target,
      InetAddress address,
      ClientConfig config,
      StatusEngine engine,
      LocalReplies local,
      InstantSource clock) {
    this.target = target;
    this.address = address;
    this.config = config;
    this.engine = engine;
    this.local = local;
    this.clock = clock;
    this.where = target.host() + "[" + address.getHostAddress() + "]:" + target.port();
  }

  /**
   * Connects, reads the greeting and says EHLO (or HELO), and with {@code tlsContext} given and
   * offered by the server, STARTTLS and EHLO again. With {@code capture}, the handshake writes down
   * the server's certificate chain ({@link #peer()}) for the caller to check.
   *
   * @return the ready connection and, when the server refused STARTTLS with a reply, that reply
   * @throws Failure when the server cannot be used: connect failure, a greeting other than 220, a
   *     refused EHLO and HELO, a timeout, a failed TLS handshake ({@link Failure#tlsHandshake})
   */
  static Opened open(
      MxTarget target,
      InetAddress address,
      ClientConfig config,
      SSLContext tlsContext,
      TlsTrust.Capture capture,
      StatusEngine engine,
      LocalReplies local,
      InstantSource clock)
      throws Failure {
    SmtpConnection c = new SmtpConnection(target, address, config, engine, local, clock);
    c.capture = capture;
    try {
      c.connect();
      c.greeting();
      c.hello();
      Answer refused = null;
      if (tlsContext != null && c.capabilities.startTls()) refused = c.startTls(tlsContext);
      return new Opened(c, refused);
    } catch (Failure f) {
      c.close();
      throw f;
    }
  }

  /** A ready connection; {@code tlsRefusal} is the server's non-220 reply to STARTTLS, if any. */
  record Opened(SmtpConnection connection, Answer tlsRefusal) {}

  private void connect() throws Failure {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(
          new InetSocketAddress(address, target.port()),
          (int) config.timeouts().connect().toMillis());
    } catch (IOException e) {
      closeQuietly(s);
      throw new Failure(local.connectFailed(clock.instant(), where, e), false);
    }
    attach(s);
  }

  private void attach(Socket s) throws Failure {
    try {
      socket = s;
      in = new BufferedInputStream(s.getInputStream(), BUFFER);
      reader = new ReplyReader(in);
      guard = new GuardedOutputStream(s.getOutputStream(), s, config.timeouts().mail());
      out = new BufferedOutputStream(guard, BUFFER);
    } catch (IOException e) {
      throw new Failure(local.ioFailure(clock.instant(), Phase.CONNECT, where, e), false);
    }
  }

  private void greeting() throws Failure {
    Answer a = readOrFail(Phase.CONNECT, config.timeouts().greeting());
    if (a.code() != 220) {
      // RFC 5321 §3.1: after a refusing greeting the client should send QUIT.
      quit();
      throw new Failure(a, false);
    }
  }

  private void hello() throws Failure {
    Answer a = exchangeOrFail("EHLO " + config.heloName(), Phase.EHLO, config.timeouts().ehlo());
    if (a.code() == 250) {
      capabilities = Capabilities.parse(a.reply().lines());
      return;
    }
    if (a.closing() || a.klass() == 4) {
      quit();
      throw new Failure(a, false);
    }
    // 5xx to EHLO: an old server that only knows HELO (RFC 5321 §3.2).
    Answer helo = exchangeOrFail("HELO " + config.heloName(), Phase.EHLO, config.timeouts().ehlo());
    if (helo.code() != 250) {
      quit();
      throw new Failure(helo, false);
    }
    capabilities = Capabilities.HELO;
  }

  /** Returns the server's refusal (non-220) or null when TLS is up and EHLO was repeated. */
  private Answer startTls(SSLContext context) throws Failure {
    Answer a = exchangeOrFail("STARTTLS", Phase.STARTTLS, config.timeouts().starttls());
    if (a.code() != 220) {
      if (a.closing()) throw new Failure(a, false);
      return a;
    }
    try {
      // Anything the server sent after 220 and before the handshake would be read as if it had
      // come over TLS (the client side of CVE-2011-0411): refuse such a server.
      if (in.available() > 0) throw new IOException("plain text data after 220 to STARTTLS");
      SSLSocket ssl =
          (SSLSocket)
              context.getSocketFactory().createSocket(socket, target.host(), target.port(), true);
      ssl.setUseClientMode(true);
      if (isDnsName(target.host())) {
        SSLParameters p = ssl.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(target.host())));
        ssl.setSSLParameters(p);
      }
      ssl.setSoTimeout((int) config.timeouts().starttls().toMillis());
      ssl.startHandshake();
      SSLSession session = ssl.getSession();
      tls = session.getProtocol() + " " + session.getCipherSuite();
      attach(ssl);
    } catch (IOException | IllegalArgumentException e) {
      broken = true;
      IOException io = e instanceof IOException x ? x : new IOException(e.getMessage(), e);
      throw new Failure(local.tlsFailed(clock.instant(), where, io), true);
    }
    // RFC 3207 §4.2: forget what the server said before TLS and ask again.
    capabilities = Capabilities.HELO;
    Answer again =
        exchangeOrFail("EHLO " + config.heloName(), Phase.EHLO, config.timeouts().ehlo());
    if (again.code() != 250) {
      quit();
      throw new Failure(again, false);
    }
    capabilities = Capabilities.parse(again.reply().lines());
    return null;
  }

  private static boolean isDnsName(String host) {
    if (host.indexOf(':') >= 0) return false;
    try {
      InetAddress.ofLiteral(host);
      return false;
    } catch (IllegalArgumentException e) {
      return host.indexOf('.') > 0;
    }
  }

  // --- primitives for transactions ---

  /** Buffers one command line (CRLF is added). */
  void write(String command) throws IOException {
    out.write(command.getBytes(StandardCharsets.UTF_8));
    out.write('\r');
    out.write('\n');
  }

  /** Buffers raw bytes (message data). */
  OutputStream output() {
    return out;
  }

  /** Sends what is buffered; writes are limited by {@code timeout}. */
  void flush(Duration timeout) throws IOException {
    guard.setTimeout(timeout);
    out.flush();
  }

  /** Sets the limit for each write of message data. */
  void writeTimeout(Duration timeout) {
    guard.setTimeout(timeout);
  }

  /**
   * Reads one reply.
   *
   * @throws IOException on timeout, closed connection or a malformed reply; the connection is then
   *     broken
   */
  Answer read(Phase phase, Duration timeout) throws IOException {
    try {
      socket.setSoTimeout((int) timeout.toMillis());
      ReplyReader.Raw raw = reader.read();
      Answer a = new Answer(clock.instant(), phase, engine.parse(raw.joined()), true, null);
      if (a.closing()) broken = true; // the server is closing the channel
      return a;
    } catch (IOException e) {
      broken = true;
      throw e;
    }
  }

  /** Writes one command, sends it, and reads its reply. */
  Answer exchange(String command, Phase phase, Duration timeout) throws IOException {
    try {
      write(command);
      flush(timeout);
    } catch (IOException e) {
      broken = true;
      throw e;
    }
    return read(phase, timeout);
  }

  private Answer exchangeOrFail(String command, Phase phase, Duration timeout) throws Failure {
    try {
      return exchange(command, phase, timeout);
    } catch (IOException e) {
      throw new Failure(local.ioFailure(clock.instant(), phase, where, e), false);
    }
  }

  private Answer readOrFail(Phase phase, Duration timeout) throws Failure {
    try {
      return read(phase, timeout);
    } catch (IOException e) {
      throw new Failure(local.ioFailure(clock.instant(), phase, where, e), false);
    }
  }

  /**
   * RSET before reusing the connection: cleans up any transaction state and proves the server is
   * still there.
   *
   * @return true when the server answered 250
   */
  boolean reset() {
    if (broken) return false;
    try {
      Answer a = exchange("RSET", Phase.MAIL, config.timeouts().rset());
      if (a.code() == 250) {
        needsReset = false;
        return true;
      }
    } catch (IOException e) {
      // falls through: the connection is unusable
    }
    broken = true;
    return false;
  }

  /** Says QUIT (when the connection is still sound) and closes. Never throws. */
  void quit() {
    if (!broken && socket != null && !socket.isClosed()) {
      try {
        exchange("QUIT", Phase.UNKNOWN, config.timeouts().quit());
      } catch (IOException e) {
        // the reply to QUIT changes nothing
      }
    }
    close();
  }

  @Override
  public void close() {
    broken = true;
    if (socket != null) closeQuietly(socket);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing left to do
    }
  }

  // --- state ---

  LocalReplies local() {
    return local;
  }

  InstantSource clock() {
    return clock;
  }

  ClientConfig config() {
    return config;
  }

  Capabilities capabilities() {
    return capabilities;
  }

  MxTarget target() {
    return target;
  }

  InetAddress address() {
    return address;
  }

  /** {@code host[ip]:port}, for reply texts. */
  String where() {
    return where;
  }

  /** Protocol and cipher, or null for plain text. */
  String tls() {
    return tls;
  }

  /** The server's certificate chain as the handshake found it, or null (no TLS, no capture). */
  CertificateCheck.Peer peer() {
    return capture == null || tls == null ? null : capture.peer();
  }

  /** The TLS requirement the connection was set up under, and what came of it. */
  TlsRequirement requirement() {
    return requirement;
  }

  TlsFacts facts() {
    return facts;
  }

  void settle(TlsRequirement r, TlsFacts f) {
    requirement = r;
    facts = f;
  }

  boolean broken() {
    return broken || socket == null || socket.isClosed();
  }

  void markBroken() {
    broken = true;
  }

  /** True while a transaction was begun and not ended by a reply after the message data. */
  boolean needsReset() {
    return needsReset;
  }

  void needsReset(boolean on) {
    needsReset = on;
  }

  int transactions() {
    return transactions;
  }

  void countTransaction() {
    transactions++;
  }

  Instant idleSince() {
    return idleSince;
  }

  void idleFrom(Instant t) {
    idleSince = t;
  }

  boolean reused() {
    return reused;
  }

  void markReused() {
    reused = true;
  }
}
