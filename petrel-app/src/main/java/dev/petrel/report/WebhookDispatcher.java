package dev.petrel.report;

import dev.petrel.queue.MessageStore;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.Webhook;
import dev.petrel.queue.WebhookDelivery;
import dev.petrel.queue.WebhookStore;
import dev.petrel.status.StatusEngine;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each account's events to its webhooks (SPEC §7). A loop looks at every webhook in turn;
 * each webhook with work gets a virtual thread of its own that moves new events onto its to-do list
 * (in event order) and POSTs what is due, one request at a time, so a slow or failing receiver
 * holds up only its own events. A try that does not get a 2xx is logged and retried on the
 * schedule; after the last step the event is marked failed. Work lives in the store, so events
 * handed out but not delivered when the process stops are sent after the next start (at least once:
 * a receiver deduplicates on {@code webhook-id}).
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

  /** Characters of a failed answer's body kept in the log. */
  static final int ERROR_BODY_CHARS = 200;

  private final WebhookStore hooks;
  private final WebhookPayload payloads;
  private final InstantSource clock;
  private final Settings settings;
  private final HttpClient http;
  private final Semaphore wake = new Semaphore(0);
  private final Set<String> busy = ConcurrentHashMap.newKeySet();
  private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
  private volatile boolean running;
  private Thread loop;

  public WebhookDispatcher(
      WebhookStore hooks,
      MessageStore store,
      StatusEngine engine,
      InstantSource clock,
      Settings settings) {
    this.hooks = Objects.requireNonNull(hooks, "hooks");
    this.payloads = new WebhookPayload(store, engine);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
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

  /** One round for one webhook: new events onto its list, then what is due. */
  private void serve(Webhook w) {
    try {
      hooks.handOut(w, settings.batch(), clock.instant());
      for (WebhookStore.Pending p : hooks.due(w.id(), clock.instant(), settings.batch())) {
        if (!running) return;
        send(w, p);
      }
    } catch (StorageException | RuntimeException e) {
      LOG.warn("webhooks: {}: {}", w.id(), e.getMessage());
    }
  }

  private void send(Webhook w, WebhookStore.Pending p) throws StorageException {
    String id = WebhookPayload.id(p.event());
    String body = StatusJson.MAPPER.writeValueAsString(payloads.build(p.event()));
    Instant at = clock.instant();
    long timestamp = at.getEpochSecond();
    Integer status = null;
    String error;
    long started = System.nanoTime();
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(w.url()))
              .timeout(settings.requestTimeout())
              .header("Content-Type", "application/json")
              .header("User-Agent", "Petrel-Webhooks/1")
              .header("webhook-id", id)
              .header("webhook-timestamp", Long.toString(timestamp))
              .header("webhook-signature", WebhookSigner.sign(w.secret(), id, timestamp, body))
              .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
              .build();
      HttpResponse<InputStream> answer =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      status = answer.statusCode();
      String start;
      try (InputStream in = answer.body()) {
        start = new String(in.readNBytes(ERROR_BODY_CHARS), StandardCharsets.UTF_8);
      }
      error = status / 100 == 2 ? null : "HTTP " + status + (start.isBlank() ? "" : ": " + start);
    } catch (HttpTimeoutException e) {
      error = "no answer within " + settings.requestTimeout().toSeconds() + " s: " + e.getMessage();
    } catch (IOException e) {
      error = e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return; // stopping: the event stays on the list and is sent after the next start
    } catch (IllegalArgumentException e) {
      error = "cannot send to " + w.url() + ": " + e.getMessage();
    }
    if (!running && error != null) return; // cut off by the stop, not the receiver's doing
    long millis = (System.nanoTime() - started) / 1_000_000;
    int attempt = p.attempts() + 1;
    WebhookDelivery.State state;
    Instant next = null;
    if (error == null) state = WebhookDelivery.State.DELIVERED;
    else if (attempt <= settings.retries().size()) {
      state = WebhookDelivery.State.PENDING;
      next = clock.instant().plus(settings.retries().get(attempt - 1));
    } else state = WebhookDelivery.State.FAILED;
    hooks.recordTry(
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
    if (state == WebhookDelivery.State.FAILED)
      LOG.warn("webhooks: {} gave up on event {} after {} tries: {}", w.id(), id, attempt, error);
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
    http.shutdownNow();
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }
}
