package dev.petrel.deliver.sim;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mailbox simulator: an SMTP server whose addresses choose its replies, so a client can meet
 * every reply at every phase on demand. One virtual thread per connection.
 *
 * <p>Address directives (local part, before {@code @}; anything after a {@code +} is ignored):
 *
 * <ul>
 *   <li>{@code ok} and anything that is no directive: accepted and stored.
 *   <li>{@code rcpt-CODE[-ENH]}: that reply to the RCPT, e.g. {@code rcpt-550-5.1.1}.
 *   <li>{@code datacmd-CODE[-ENH]}: that reply to the DATA command instead of 354.
 *   <li>{@code data-CODE[-ENH]}: that reply after the final dot, e.g. {@code data-552-5.3.4}.
 *   <li>{@code mail-CODE[-ENH]} as the <em>sender</em>: that reply to MAIL (the server cannot know
 *       the recipients when it answers MAIL).
 *   <li>{@code greylist}: 450 4.2.0 the first time a sender and recipient come together, then 250.
 *   <li>{@code rate-CODE[-ENH]}: a rate-limit refusal with that code at RCPT, e.g. {@code rate-421}
 *       (421 closes the connection, as it always does).
 *   <li>{@code disconnect}: the connection is closed instead of a reply to RCPT; {@code
 *       disconnect-after-data}: closed instead of the reply after the final dot.
 *   <li>{@code timeout-after-data}: no reply after the final dot; the connection is held open.
 *   <li>{@code slow} / {@code slow-SECONDS}: accepted, each later reply of the transaction delayed.
 * </ul>
 *
 * <p>The greeting, EHLO, HELO and STARTTLS come before any address, so their replies are chosen per
 * server in {@link SimulatorOptions} (run one simulator per behaviour, on its own port). Every code
 * from 200 to 599 can be given at every phase; 421 and 521 close the connection, a 554 greeting
 * leaves it open for QUIT (RFC 5321 §3.1). When several accepted recipients of one transaction
 * carry data directives, the first decides.
 */
public final class SimulatorServer implements AutoCloseable {

  private static final int MAX_COMMANDS = 10_000;

  private final SimulatorOptions options;
  private final InstantSource clock;
  private final Deque<ReceivedMessage> received = new ArrayDeque<>();
  private final Deque<String> commands = new ArrayDeque<>();
  private final Set<String> greylisted = ConcurrentHashMap.newKeySet();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger pipelinedGroups = new AtomicInteger();
  private final AtomicInteger messageIds = new AtomicInteger();
  private final AtomicInteger maxOpen = new AtomicInteger();
  private ServerSocket server;
  private Thread acceptor;

  public SimulatorServer(SimulatorOptions options) {
    this(options, InstantSource.system());
  }

  public SimulatorServer(SimulatorOptions options, InstantSource clock) {
    this.options = options;
    this.clock = clock;
  }

  public SimulatorOptions options() {
    return options;
  }

  /**
   * Listens on the loopback address.
   *
   * @param port the port, or 0 for any free one
   * @return the port listened on
   */
  public int start(int port) throws IOException {
    return start(InetAddress.getLoopbackAddress(), port);
  }

  /** Listens on {@code address} (a wildcard address for all interfaces). */
  public synchronized int start(InetAddress address, int port) throws IOException {
    if (server != null) throw new IllegalStateException("already started");
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(address, port), 200);
    server = s;
    acceptor = Thread.ofVirtual().name("petrel-sim-accept-" + s.getLocalPort()).start(this::accept);
    return s.getLocalPort();
  }

  public synchronized int port() {
    if (server == null) throw new IllegalStateException("not started");
    return server.getLocalPort();
  }

  private void accept() {
    ServerSocket s;
    synchronized (this) {
      s = server;
    }
    while (!s.isClosed()) {
      Socket client;
      try {
        client = s.accept();
      } catch (SocketException closed) {
        return;
      } catch (IOException e) {
        continue;
      }
      int number = connections.incrementAndGet();
      open.add(client);
      maxOpen.accumulateAndGet(open.size(), Math::max);
      Thread.ofVirtual()
          .name("petrel-sim-" + number)
          .start(
              () -> {
                try {
                  new SimSession(this, client, number).run();
                } finally {
                  open.remove(client);
                  try {
                    client.close();
                  } catch (IOException ignored) {
                    // already gone
                  }
                }
              });
    }
  }

  /** Stops listening and closes every open connection. */
  public void stop() {
    ServerSocket s;
    Thread a;
    synchronized (this) {
      s = server;
      a = acceptor;
    }
    if (s == null) return;
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket c : open) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    if (a != null) {
      try {
        a.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** The stored messages, oldest first. */
  public List<ReceivedMessage> received() {
    synchronized (received) {
      return new ArrayList<>(received);
    }
  }

  public void clearReceived() {
    synchronized (received) {
      received.clear();
    }
  }

  /** How many connections were accepted since start. */
  public int connectionCount() {
    return connections.get();
  }

  /** How many connections are open now. */
  public int openConnections() {
    return open.size();
  }

  /** The most connections that were open at the same time. */
  public int maxOpenConnections() {
    return maxOpen.get();
  }

  /** How many MAIL commands arrived with more commands already behind them (PIPELINING used). */
  public int pipelinedGroups() {
    return pipelinedGroups.get();
  }

  /** The last client commands of all sessions, as {@code "N COMMAND..."} (N = connection). */
  public List<String> commands() {
    synchronized (commands) {
      return new ArrayList<>(commands);
    }
  }

  // --- for sessions ---

  InstantSource clock() {
    return clock;
  }

  void command(int connection, String line) {
    synchronized (commands) {
      commands.addLast(connection + " " + line);
      if (commands.size() > MAX_COMMANDS) commands.removeFirst();
    }
  }

  void pipelined() {
    pipelinedGroups.incrementAndGet();
  }

  /** True the first time the pair is seen (greylist it), false afterwards. */
  boolean greylistFirstTime(String sender, String recipient) {
    if (greylisted.size() > 100_000) greylisted.clear();
    return greylisted.add(sender + "\u0000" + recipient);
  }

  String nextMessageId() {
    return "SIM" + Integer.toString(messageIds.incrementAndGet(), 36).toUpperCase();
  }

  void store(ReceivedMessage m) {
    if (options.maxStoredMessages() == 0) return;
    synchronized (received) {
      received.addLast(m);
      while (received.size() > options.maxStoredMessages()) received.removeFirst();
    }
  }
}
