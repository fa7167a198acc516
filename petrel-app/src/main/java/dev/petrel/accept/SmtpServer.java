package dev.petrel.accept;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLSocket;

/**
 * The listener's socket layer: binds the SMTP ports, accepts connections, applies the connection
 * limits before any session starts, and runs one session per connection on a virtual thread. The
 * session itself (protocol, state) is made by a {@link SessionFactory}; this class only knows bytes
 * and sockets.
 *
 * <p>Stopping is graceful: the ports close, sessions learn through the shutting-down flag that new
 * commands get 421 4.3.2, transactions in flight may finish within the grace period, and whatever
 * is still open after it is cut off (an uncommitted message is discarded, never half-kept).
 */
public final class SmtpServer implements AutoCloseable {

  /** Makes the session for one connection. The returned task runs the whole session. */
  @FunctionalInterface
  public interface SessionFactory {
    Runnable create(Connection connection, BooleanSupplier shuttingDown);
  }

  /** One port to listen on; {@code implicitTls} for the SMTPS port (like 465). */
  public record Listener(String name, InetSocketAddress address, boolean implicitTls) {}

  /**
   * @param handshakeTimeout how long an implicit-TLS handshake may take
   */
  public record Limits(int maxConnections, int maxConnectionsPerIp, Duration handshakeTimeout) {}

  private static final Duration DRAIN = Duration.ofSeconds(2);
  private static final Duration AFTER_FORCED_CLOSE = Duration.ofSeconds(5);

  private final List<Listener> listeners;
  private final Limits limits;
  private final TlsMaterial tls;
  private final String hostname;
  private final SessionFactory factory;
  private final ListenerObserver observer;
  private final ConnectionLimiter limiter;

  private final Map<String, ServerSocket> bound = new LinkedHashMap<>();
  private final List<Thread> acceptors = new ArrayList<>();
  private final Map<SocketConnection, Thread> active = new ConcurrentHashMap<>();
  private final Map<Socket, Thread> refusing = new ConcurrentHashMap<>();
  private volatile boolean stopping;

  public SmtpServer(
      List<Listener> listeners,
      Limits limits,
      TlsMaterial tls,
      String hostname,
      SessionFactory factory,
      ListenerObserver observer) {
    this.listeners = List.copyOf(listeners);
    this.limits = limits;
    this.tls = tls;
    this.hostname = hostname;
    this.factory = factory;
    this.observer = observer;
    this.limiter = new ConnectionLimiter(limits.maxConnections(), limits.maxConnectionsPerIp());
    for (Listener l : listeners)
      if (l.implicitTls() && tls == null)
        throw new IllegalArgumentException("listener " + l.name() + " needs a TLS certificate");
  }

  /**
   * Binds every listener, then starts accepting. When one port cannot be bound, none stays bound.
   *
   * @throws IOException naming the address that could not be bound
   */
  public synchronized void start() throws IOException {
    if (!bound.isEmpty() || stopping) throw new IllegalStateException("already started");
    try {
      for (Listener l : listeners) {
        ServerSocket ss = new ServerSocket();
        try {
          ss.setReuseAddress(true);
          ss.bind(l.address(), 1024);
        } catch (IOException e) {
          ss.close();
          throw new IOException(
              "cannot listen on "
                  + describe(l.address())
                  + " for "
                  + l.name()
                  + ": "
                  + e.getMessage(),
              e);
        }
        bound.put(l.name(), ss);
      }
    } catch (IOException e) {
      for (ServerSocket ss : bound.values()) ss.close();
      bound.clear();
      throw e;
    }
    for (Listener l : listeners) {
      ServerSocket ss = bound.get(l.name());
      observer.listening(l.name(), (InetSocketAddress) ss.getLocalSocketAddress());
      acceptors.add(Thread.ofVirtual().name("accept-" + l.name()).start(() -> accept(l, ss)));
    }
  }

  private static String describe(InetSocketAddress a) {
    return (a.getAddress() == null || a.getAddress().isAnyLocalAddress()
            ? "*"
            : a.getAddress().getHostAddress())
        + ":"
        + a.getPort();
  }

  /** The address a listener is bound to (with the real port when 0 was asked). */
  public InetSocketAddress address(String listener) {
    ServerSocket ss = bound.get(listener);
    if (ss == null) throw new IllegalArgumentException("no listener " + listener);
    return (InetSocketAddress) ss.getLocalSocketAddress();
  }

  /** True once stopping began; sessions answer new commands with 421 4.3.2. */
  public boolean shuttingDown() {
    return stopping;
  }

  /** Sessions running now. */
  public int activeSessions() {
    return active.size();
  }

  private void accept(Listener l, ServerSocket ss) {
    while (!ss.isClosed()) {
      Socket s;
      try {
        s = ss.accept();
      } catch (IOException e) {
        if (ss.isClosed()) return;
        continue; // e.g. too many open files: keep serving the connections we have
      }
      try {
        s.setTcpNoDelay(true);
        s.setKeepAlive(true);
      } catch (SocketException e) {
        closeQuietly(s);
        continue;
      }
      if (stopping) {
        refuse(l, s, "421 4.3.2 " + hostname + " Service shutting down, try again later");
        continue;
      }
      switch (limiter.acquire(s.getInetAddress())) {
        case ACCEPTED -> startSession(l, s);
        case TOO_MANY_IN_ALL ->
            refuse(l, s, "421 4.3.2 " + hostname + " Too many connections, try again later");
        case TOO_MANY_FROM_ADDRESS ->
            refuse(
                l,
                s,
                "421 4.7.0 "
                    + hostname
                    + " Too many connections from your address, try again later");
      }
    }
  }

  private void startSession(Listener l, Socket s) {
    Thread t =
        Thread.ofVirtual()
            .name("smtp-" + s.getInetAddress().getHostAddress() + ":" + s.getPort())
            .unstarted(() -> runSession(l, s));
    t.start();
  }

  private void runSession(Listener l, Socket s) {
    SocketConnection c = null;
    try {
      if (l.implicitTls()) {
        try {
          c = SocketConnection.implicitTls(s, tls, limits.handshakeTimeout());
        } catch (IOException e) {
          observer.handshakeFailed(s.getInetAddress(), e);
          return;
        }
      } else {
        c = SocketConnection.plain(s, tls);
      }
      active.put(c, Thread.currentThread());
      if (stopping) { // stop() may have passed its sweep already: do not start a session
        c.output()
            .write(
                ("421 4.3.2 " + hostname + " Service shutting down, try again later\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        c.output().flush();
        return;
      }
      factory.create(c, this::shuttingDown).run();
    } catch (IOException e) {
      // the connection broke before the session began
    } catch (RuntimeException | Error e) {
      observer.sessionFailed(s.getInetAddress(), e);
    } finally {
      if (c != null) {
        active.remove(c);
        c.close();
      } else closeQuietly(s);
      limiter.release(s.getInetAddress());
    }
  }

  /** Sends one reply and closes, without a session, on a thread of its own. */
  private void refuse(Listener l, Socket s, String reply) {
    observer.refused(s.getInetAddress(), reply);
    Thread t =
        Thread.ofVirtual()
            .unstarted(
                () -> {
                  try {
                    Socket out = s;
                    if (l.implicitTls()) {
                      s.setSoTimeout((int) limits.handshakeTimeout().toMillis());
                      SSLSocket ssl = tls.serverSocket(s);
                      ssl.startHandshake();
                      out = ssl;
                    }
                    OutputStream o = out.getOutputStream();
                    o.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    o.flush();
                    if (!l.implicitTls()) {
                      // Half-close and read what the client still sends, so that closing does not
                      // reset the connection before the client has read the reply.
                      s.shutdownOutput();
                      s.setSoTimeout((int) DRAIN.toMillis());
                      InputStream in = s.getInputStream();
                      byte[] buf = new byte[4096];
                      long deadline = System.nanoTime() + DRAIN.toNanos();
                      while (in.read(buf) >= 0 && System.nanoTime() < deadline) {}
                    }
                  } catch (IOException ignored) {
                    // the client went away: nothing more to tell it
                  } finally {
                    closeQuietly(s);
                    refusing.remove(s);
                  }
                });
    refusing.put(s, t);
    t.start();
  }

  /**
   * Stops: closes the ports, lets sessions finish for up to {@code grace} (they answer new commands
   * with 421 4.3.2), then cuts off the rest. Returns when every session thread has ended or a short
   * wait after the cut-off has passed.
   */
  public void stop(Duration grace) {
    synchronized (this) {
      if (stopping && bound.isEmpty()) return;
      stopping = true;
      for (ServerSocket ss : bound.values()) closeQuietly(ss);
      bound.clear();
    }
    for (Thread t : acceptors) join(t, Duration.ofSeconds(5));
    observer.stopping(active.size());
    long deadline = System.nanoTime() + grace.toNanos();
    for (Thread t : List.copyOf(active.values())) join(t, remaining(deadline));
    if (!active.isEmpty()) {
      observer.forcedClose(active.size());
      for (SocketConnection c : List.copyOf(active.keySet())) c.close();
      long after = System.nanoTime() + AFTER_FORCED_CLOSE.toNanos();
      for (Thread t : List.copyOf(active.values())) join(t, remaining(after));
    }
    for (Socket s : List.copyOf(refusing.keySet())) closeQuietly(s);
  }

  @Override
  public void close() {
    stop(Duration.ZERO);
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private static void join(Thread t, Duration d) {
    try {
      if (d.isZero()) return;
      t.join(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}
