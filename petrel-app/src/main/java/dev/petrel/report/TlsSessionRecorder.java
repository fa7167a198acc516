package dev.petrel.report;

import dev.petrel.deliver.Attempt;
import dev.petrel.deliver.DeliveryObserver;
import dev.petrel.deliver.DestinationLimiter;
import dev.petrel.deliver.TlsSessionResult;
import dev.petrel.deliver.TransferResult;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.TlsReportStore;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the TLS sessions delivery reports (RFC 8460) in the store, per account, UTC day, policy
 * domain, policy and result, with the failure details a report lists. The delivering thread only
 * puts the result in a queue; a thread of its own adds what has gathered in one write, so a busy
 * store never slows delivery down. The account is the one whose message is being delivered, which
 * the scheduler binds to {@link #ACCOUNT} around each delivery.
 */
public final class TlsSessionRecorder implements DeliveryObserver, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("tls-reports");

  /** The account whose mail the current thread is delivering (unbound: none known). */
  public static final ScopedValue<String> ACCOUNT = ScopedValue.newInstance();

  /** Most results kept waiting for the store; more are dropped (and logged) rather than block. */
  static final int MAX_WAITING = 100_000;

  private record Pending(String account, TlsSessionResult result) {}

  private final TlsReportStore store;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(MAX_WAITING);
  private final Map<String, String> sendingIps = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  public TlsSessionRecorder(TlsReportStore store) {
    this.store = store;
    this.thread = Thread.ofPlatform().name("petrel-tls-sessions").daemon(true).start(this::loop);
  }

  @Override
  public void tlsSession(TlsSessionResult result) {
    if (result == null) return;
    String account = ACCOUNT.isBound() ? ACCOUNT.get() : "";
    if (!queue.offer(new Pending(account, result)))
      LOG.warn("tls-reports: too many TLS session results waiting; one was not counted");
  }

  /**
   * This observer in front of {@code next}: every call goes on to {@code next}, and TLS sessions
   * are counted here too.
   */
  public DeliveryObserver before(DeliveryObserver next) {
    TlsSessionRecorder self = this;
    return new DeliveryObserver() {
      @Override
      public void connected(
          String destination, String mxHost, String mxIp, String tls, boolean reused) {
        next.connected(destination, mxHost, mxIp, tls, reused);
      }

      @Override
      public void serverFailed(String destination, Attempt attempt) {
        next.serverFailed(destination, attempt);
      }

      @Override
      public void transferred(TransferResult result) {
        next.transferred(result);
      }

      @Override
      public void slowedDown(DestinationLimiter.State state) {
        next.slowedDown(state);
      }

      @Override
      public void tlsSession(TlsSessionResult result) {
        self.tlsSession(result);
        next.tlsSession(result);
      }
    };
  }

  private void loop() {
    while (running || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        List<Pending> batch = new ArrayList<>();
        batch.add(first);
        queue.drainTo(batch, 10_000);
        write(batch);
      } catch (InterruptedException e) {
        if (!running) break;
      }
    }
    List<Pending> rest = new ArrayList<>();
    queue.drainTo(rest);
    if (!rest.isEmpty()) write(rest);
  }

  private void write(List<Pending> batch) {
    Map<TlsReportStore.SessionCount, Long> counts = new LinkedHashMap<>();
    for (Pending p : batch) counts.merge(count(p), 1L, Long::sum);
    List<TlsReportStore.SessionCount> rows = new ArrayList<>();
    counts.forEach((k, n) -> rows.add(k.withCount(n)));
    try {
      store.addSessions(rows);
    } catch (StorageException | RuntimeException e) {
      LOG.warn("tls-reports: {} TLS session results not counted: {}", batch.size(), e.getMessage());
    }
  }

  /** The key a result is counted under (its count 1); successes carry no failure details. */
  TlsReportStore.SessionCount count(Pending p) {
    TlsSessionResult r = p.result();
    LocalDate day = LocalDate.ofInstant(r.at(), ZoneOffset.UTC);
    String domain = r.policyDomain().toLowerCase(Locale.ROOT);
    if (r.successful())
      return new TlsReportStore.SessionCount(
          p.account(),
          day,
          domain,
          r.policyType().rfcName(),
          r.policyStrings(),
          "",
          "",
          "",
          "",
          "",
          1);
    String detail = r.detail() == null ? "" : r.detail();
    if (detail.length() > 200) detail = detail.substring(0, 200);
    return new TlsReportStore.SessionCount(
        p.account(),
        day,
        domain,
        r.policyType().rfcName(),
        r.policyStrings(),
        r.failure().rfcName(),
        sendingIp(r.receivingIp()),
        r.mxHost().toLowerCase(Locale.ROOT),
        r.receivingIp(),
        detail,
        1);
  }

  /**
   * This machine's source address towards {@code receivingIp} ("sending-mta-ip"), as the routing
   * table chooses it: a UDP socket connected there sends nothing but knows its local address.
   */
  private String sendingIp(String receivingIp) {
    if (receivingIp == null || receivingIp.isEmpty()) return "";
    return sendingIps.computeIfAbsent(
        receivingIp,
        ip -> {
          try (DatagramSocket s = new DatagramSocket()) {
            s.connect(new InetSocketAddress(InetAddress.ofLiteral(ip), 25));
            InetAddress local = s.getLocalAddress();
            return local == null || local.isAnyLocalAddress() ? "" : local.getHostAddress();
          } catch (Exception e) {
            return "";
          }
        });
  }

  /** Counts what is still waiting, then stops. */
  @Override
  public void close() {
    // No interrupt: it could abort a write in progress; the loop looks every 200 ms.
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
