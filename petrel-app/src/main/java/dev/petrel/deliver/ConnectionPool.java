package dev.petrel.deliver;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Idle connections kept for reuse, per server address. A connection taken from the pool is proved
 * alive with RSET first (which also clears whatever the last transaction left). Connections idle
 * too long are closed with QUIT by a periodic sweep.
 */
final class ConnectionPool implements AutoCloseable {

  record Key(String host, InetAddress address, int port) {}

  private final PoolConfig config;
  private final InstantSource clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Key, Deque<SmtpConnection>> idle = new HashMap<>();
  private final ScheduledFuture<?> sweeper;
  private boolean closed;

  ConnectionPool(PoolConfig config, InstantSource clock) {
    this.config = config;
    this.clock = clock;
    long period = Math.max(1000, config.idleTimeout().toMillis() / 2);
    this.sweeper =
        config.maxIdlePerServer() == 0
            ? null
            : GuardedOutputStream.TIMER.scheduleWithFixedDelay(
                this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  static Key key(SmtpConnection c) {
    return new Key(c.target().host(), c.address(), c.target().port());
  }

  /**
   * An idle connection to the server that passes RSET, or null. A connection qualifies when {@code
   * fits} says so (one set up under the same TLS requirement, for example).
   */
  SmtpConnection take(Key key, java.util.function.Predicate<SmtpConnection> fits) {
    while (true) {
      SmtpConnection candidate = null;
      List<SmtpConnection> stale = new ArrayList<>();
      lock.lock();
      try {
        Deque<SmtpConnection> q = idle.get(key);
        if (q != null) {
          Instant now = clock.instant();
          for (Iterator<SmtpConnection> it = q.iterator(); it.hasNext(); ) {
            SmtpConnection c = it.next();
            if (expired(c, now) || c.broken()) {
              it.remove();
              stale.add(c);
            } else if (candidate == null && fits.test(c)) {
              it.remove();
              candidate = c;
            }
          }
          if (q.isEmpty()) idle.remove(key);
        }
      } finally {
        lock.unlock();
      }
      stale.forEach(ConnectionPool::quitLater);
      if (candidate == null) return null;
      if (candidate.reset()) {
        candidate.markReused();
        return candidate;
      }
      candidate.close();
    }
  }

  /** Returns a connection after use: kept when sound and not used up, else closed with QUIT. */
  void release(SmtpConnection c) {
    release(c, 0);
  }

  /**
   * Gives a connection back after a delivery; {@code maxMessages} (when above 0) replaces the
   * configured transactions per connection, for a destination with its own.
   */
  void release(SmtpConnection c, int maxMessages) {
    int most = maxMessages > 0 ? maxMessages : config.maxMessagesPerConnection();
    if (c.broken()) {
      c.close();
      return;
    }
    if (c.transactions() >= most || config.maxIdlePerServer() == 0) {
      quitLater(c);
      return;
    }
    SmtpConnection evicted = null;
    lock.lock();
    try {
      if (closed) {
        evicted = c;
      } else {
        c.idleFrom(clock.instant());
        Deque<SmtpConnection> q = idle.computeIfAbsent(key(c), k -> new ArrayDeque<>());
        q.addFirst(c);
        if (q.size() > config.maxIdlePerServer()) evicted = q.removeLast();
      }
    } finally {
      lock.unlock();
    }
    if (evicted != null) quitLater(evicted);
  }

  /** How many connections wait idle now. */
  int idleCount() {
    lock.lock();
    try {
      return idle.values().stream().mapToInt(Deque::size).sum();
    } finally {
      lock.unlock();
    }
  }

  private boolean expired(SmtpConnection c, Instant now) {
    return Duration.between(c.idleSince(), now).compareTo(config.idleTimeout()) >= 0;
  }

  /** Closes idle connections past their time. */
  void sweep() {
    List<SmtpConnection> stale = new ArrayList<>();
    lock.lock();
    try {
      Instant now = clock.instant();
      for (Iterator<Deque<SmtpConnection>> qs = idle.values().iterator(); qs.hasNext(); ) {
        Deque<SmtpConnection> q = qs.next();
        q.removeIf(
            c -> {
              boolean gone = c.broken() || expired(c, now);
              if (gone) stale.add(c);
              return gone;
            });
        if (q.isEmpty()) qs.remove();
      }
    } finally {
      lock.unlock();
    }
    stale.forEach(ConnectionPool::quitLater);
  }

  /** QUIT waits for a reply; do it off the caller's thread. */
  private static void quitLater(SmtpConnection c) {
    Thread.ofVirtual().name("petrel-smtp-quit").start(c::quit);
  }

  @Override
  public void close() {
    List<SmtpConnection> all = new ArrayList<>();
    lock.lock();
    try {
      closed = true;
      idle.values().forEach(all::addAll);
      idle.clear();
    } finally {
      lock.unlock();
    }
    if (sweeper != null) sweeper.cancel(false);
    for (SmtpConnection c : all) c.quit();
  }
}
