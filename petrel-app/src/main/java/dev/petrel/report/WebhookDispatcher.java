package dev.petrel.report;

import dev.petrel.queue.MessageStore;
import dev.petrel.queue.StorageException;
import dev.petrel.status.StatusEngine;
import dev.petrel.webhooks.Webhook;
import dev.petrel.webhooks.WebhookDelivery;
import dev.petrel.webhooks.WebhookStore;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each account's events to its webhooks. A loop looks at every webhook in turn; each webhook
 * with work gets a virtual thread of its own that claims what is due from the store's outbox (in
 * event order, under a lease, so dispatchers on several nodes never send one event twice) and POSTs
 * it, one request at a time, so a slow or failing receiver holds up only its own events. Before
 * every try the host is resolved and checked against the operator's policy ({@link
 * WebhookTargets}), and the request goes to exactly the checked address ({@link PinnedHttpPost}). A
 * try that does not get a 2xx is logged with its status code or a short error class (never the
 * receiver's body or banner) and retried on the schedule; after the last step the event is marked
 * failed. Work lives in the store, so events handed out but not delivered when the process stops
 * are sent after the next start (at least once: a receiver deduplicates on {@code webhook-id}).
 */
public final class WebhookDispatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("webhooks");

  /**
   * How the dispatcher works.
   *
   * @param retries the wait after each failed try; when they are used up the event fails
   * @param poll how often the store is looked at for new events when nobody wakes the loop
   * @param connectTimeout connecting to a receiver
   * @param requestTimeout the whole request, answer included
   * @param batch events handed out or sent per webhook per round
   */
  public record Settings(
      List<Duration> retries,
      Duration poll,
      Duration connectTimeout,
      Duration requestTimeout,
      int batch) {

    /** 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h: eight tries over about 21 hours. */
    public static final List<Duration> RETRIES =
        List.of(
            Duration.ofSeconds(10),
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(6),
            Duration.ofHours(12));

    public static final Settings DEFAULTS =
        new Settings(
            RETRIES, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15), 100);

    public Settings {
      retries = List.copyOf(retries);
      for (Duration d : retries)
        if (d.isNegative()) throw new IllegalArgumentException("a retry wait is negative: " + d);
      Objects.requireNonNull(poll, "poll");
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      if (batch <= 0) throw new IllegalArgumentException("batch must be positive");
    }

    /** These settings with another retry schedule. */
    public Settings withRetries(List<Duration> r) {
      return new Settings(r, poll, connectTimeout, requestTimeout, batch);
    }
  }

  private final WebhookStore hooks;
  private final WebhookPayload payloads;
  private final InstantSource clock;
  private final Settings settings;
  private final WebhookTargets targets;
  private final PinnedHttpPost http;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Semaphore wake = new Semaphore(0);
  private final Set<String> busy = ConcurrentHashMap.newKeySet();
  private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
  private volatile boolean running;
  private volatile WebhookObserver observer = WebhookObserver.NONE;
  private Thread loop;

  /** A dispatcher trusting the JVM's certificate authorities for {@code https} receivers. */
  public WebhookDispatcher(
      WebhookStore hooks,
      MessageStore store,
      StatusEngine engine,
      InstantSource clock,
      Settings settings,
      WebhookTargets targets) {
    this(
        hooks,
        store,
        engine,
        clock,
        settings,
        targets,
        (SSLSocketFactory) SSLSocketFactory.getDefault());
  }

  /** As above with the given TLS client (tests trust their own certificate authority). */
  WebhookDispatcher(
      WebhookStore hooks,
      MessageStore store,
      StatusEngine engine,
      InstantSource clock,
      Settings settings,
      WebhookTargets targets,
      SSLSocketFactory tls) {
    this.hooks = Objects.requireNonNull(hooks, "hooks");
    this.payloads = new WebhookPayload(store, engine);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.targets = Objects.requireNonNull(targets, "targets");
    this.http = new PinnedHttpPost(tls, settings.connectTimeout(), settings.requestTimeout());
  }

  /** Tells {@code o} about every try from now on (metrics). */
  public void observeWith(WebhookObserver o) {
    this.observer = Objects.requireNonNull(o, "observer");
  }

  public synchronized void start() {
    if (loop != null) return;
    running = true;
    loop = Thread.ofVirtual().name("webhooks").start(this::run);
  }

  /** Asks the loop to look at the store now (e.g. after an event was recorded). */
  public void wake() {
    if (wake.availablePermits() == 0) wake.release();
  }

  private void run() {
    while (running) {
      try {
        for (Webhook w : hooks.webhooks(null)) {
          if (!running) break;
          if (!busy.add(w.id())) continue;
          Thread t =
              Thread.ofVirtual()
                  .name("webhook-" + w.id())
                  .unstarted(
                      () -> {
                        try {
                          serve(w);
                        } finally {
                          busy.remove(w.id());
                          workers.remove(Thread.currentThread());
                        }
                      });
          workers.add(t);
          t.start();
        }
      } catch (dev.petrel.queue.StoreUnavailableException e) {
        // the store logs the outage once, and its end; the next poll tries again
      } catch (StorageException | RuntimeException e) {
        LOG.warn("webhooks: cannot read the webhooks: {}", e.getMessage());
      }
      try {
        wake.tryAcquire(settings.poll().toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * One round for one webhook: claims what is due (under a lease long enough for every claimed
   * event to take its full timeouts), sends it in event order, and at a stop gives back what it did
   * not try, so the next start sends it at once instead of after the lease.
   */
  private void serve(Webhook w) {
    List<WebhookStore.Pending> claimed;
    try {
      claimed = hooks.claim(w.id(), clock.instant(), settings.batch(), lease());
    } catch (dev.petrel.queue.StoreUnavailableException e) {
      return; // logged by the store
    } catch (StorageException | RuntimeException e) {
      LOG.warn("webhooks: {}: {}", w.id(), e.getMessage());
      return;
    }
    int done = 0;
    try {
      while (done < claimed.size() && running && send(w, claimed.get(done))) done++;
    } catch (StorageException | RuntimeException e) {
      LOG.warn("webhooks: {}: {}", w.id(), e.getMessage());
    } finally {
      for (WebhookStore.Pending p : claimed.subList(done, claimed.size())) {
        try {
          hooks.release(p, clock.instant());
        } catch (StorageException | RuntimeException e) {
          LOG.warn(
              "webhooks: {}: giving back event {}: {}", w.id(), p.event().id(), e.getMessage());
        }
      }
    }
  }

  /** How long a claim holds its events: every one of a batch may take both timeouts in full. */
  private Duration lease() {
    return settings
        .connectTimeout()
        .plus(settings.requestTimeout())
        .plusSeconds(5)
        .multipliedBy(settings.batch());
  }

  /** Sends one claimed event and records the try; false when the stop cut it off. */
  private boolean send(Webhook w, WebhookStore.Pending p) throws StorageException {
    String id = WebhookPayload.id(p.event());
    String body = StatusJson.MAPPER.writeValueAsString(payloads.build(p.event()));
    Instant at = clock.instant();
    long timestamp = at.getEpochSecond();
    Integer status = null;
    String error;
    WebhookObserver.Outcome outcome;
    long started = System.nanoTime();
    try {
      status =
          post(
              URI.create(w.url()),
              headers(w.secret(), id, timestamp, body),
              body.getBytes(StandardCharsets.UTF_8));
      error = status / 100 == 2 ? null : "http " + status;
      outcome = WebhookObserver.Outcome.ofStatus(status);
    } catch (WebhookTargets.RefusedException e) {
      error = "refused: internal address (" + e.kind() + ")";
      outcome = WebhookObserver.Outcome.REFUSED;
    } catch (IOException e) {
      error = errorClass(e, settings.requestTimeout());
      outcome = WebhookObserver.Outcome.CONNECTION_ERROR;
    } catch (IllegalArgumentException e) {
      error = "refused: not a usable URL";
      outcome = WebhookObserver.Outcome.REFUSED;
    }
    if (!running && error != null) return false; // cut off by the stop, not the receiver's doing
    long nanos = System.nanoTime() - started;
    long millis = nanos / 1_000_000;
    int attempt = p.attempts() + 1;
    WebhookDelivery.State state;
    Instant next = null;
    if (error == null) state = WebhookDelivery.State.DELIVERED;
    else if (attempt <= settings.retries().size()) {
      state = WebhookDelivery.State.PENDING;
      next = clock.instant().plus(settings.retries().get(attempt - 1));
    } else state = WebhookDelivery.State.FAILED;
    observer.tried(
        outcome,
        outcome == WebhookObserver.Outcome.REFUSED ? -1 : nanos,
        state == WebhookDelivery.State.FAILED);
    boolean recorded =
        hooks.recordTry(
            p,
            new WebhookDelivery(
                0,
                w.id(),
                p.event().id(),
                p.event().type(),
                attempt,
                at,
                status,
                error,
                millis,
                next,
                state));
    if (!recorded) {
      // The lease ran out during the try (another dispatcher has the event now), or the webhook
      // was removed meanwhile.
      LOG.warn(
          "webhooks: {} event {}: no longer this dispatcher's (its claim ran out, or the webhook"
              + " was removed); the try was not recorded",
          w.id(),
          id);
      return true;
    }
    String queue = p.event().messageId() == null ? "" : " queue=" + p.event().messageId();
    if (state == WebhookDelivery.State.FAILED)
      LOG.warn(
          "webhooks: {}{} gave up on event {} ({}) after {} tries: {}",
          w.id(),
          queue,
          id,
          p.event().type(),
          attempt,
          error);
    else if (state == WebhookDelivery.State.PENDING)
      LOG.info(
          "webhooks: {}{} event {} ({}) try {} failed: {}; next try at {}",
          w.id(),
          queue,
          id,
          p.event().type(),
          attempt,
          error,
          next);
    return true;
  }

  /** The headers of a request: JSON, and the Standard Webhooks id, timestamp and signature. */
  static Map<String, String> headers(String secret, String id, long timestamp, String body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("User-Agent", "Petrel-Webhooks/1");
    headers.put("webhook-id", id);
    headers.put("webhook-timestamp", Long.toString(timestamp));
    headers.put("webhook-signature", WebhookSigner.sign(secret, id, timestamp, body));
    return headers;
  }

  /**
   * Resolves and checks the host now (not only at registration: its answer may have changed), then
   * posts to the first checked address that takes a connection.
   */
  private int post(URI url, Map<String, String> headers, byte[] body)
      throws IOException, WebhookTargets.RefusedException {
    return http.postToFirst(
        url, targets.addresses(url), headers, body, sockets::add, sockets::remove);
  }

  /**
   * A short, fixed description of a failed try for the delivery log. Exception messages are left
   * out: a TLS or protocol error can quote what the receiver sent.
   */
  static String errorClass(IOException e, Duration requestTimeout) {
    return switch (e) {
      case UnknownHostException u -> "dns: no address for the host";
      case SocketTimeoutException t -> "timeout (" + requestTimeout.toSeconds() + " s)";
      case ConnectException c -> "connect: refused";
      case NoRouteToHostException n -> "connect: no route to host";
      case SSLException t -> "tls: handshake or certificate failed";
      case dev.petrel.model.HttpWire.MalformedAnswerException m -> "bad answer: not HTTP/1.x";
      case EOFException eof -> "closed: no answer";
      default -> "network: " + e.getClass().getSimpleName();
    };
  }

  /** Stops: no new tries; tries in flight get up to {@code timeout}, then are cut off. */
  public void stop(Duration timeout) {
    Thread l;
    synchronized (this) {
      running = false;
      l = loop;
      loop = null;
    }
    wake.release();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (l != null) l.join(timeout);
      for (Thread t : List.copyOf(workers)) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !t.join(Duration.ofNanos(left))) t.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Socket s : List.copyOf(sockets)) {
      try {
        s.close();
      } catch (IOException e) {
        // closing to cut the try off; nothing more to do
      }
    }
    // Cut off, the workers give their claimed events back (a short write each): wait for that, so
    // a stopped dispatcher leaves nothing leased that the next start would have to wait for.
    try {
      for (Thread t : List.copyOf(workers)) t.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }
}
