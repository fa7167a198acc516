package dev.petrel.app;

import dev.petrel.accept.AuthLockout;
import dev.petrel.accept.SessionObserver;
import dev.petrel.api.Telemetry;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.AttemptRecord;
import dev.petrel.queue.MessageStore;
import dev.petrel.queue.StoredMessage;
import dev.petrel.report.WebhookObserver;
import dev.petrel.schedule.AttemptObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of {@code petrel serve}, served at {@code /metrics}: a subscriber of the listener
 * ({@link #sessions}), the HTTP API ({@link Telemetry}), the delivery loop ({@link
 * AttemptObserver}) and the webhook dispatcher ({@link WebhookObserver}), plus queue-depth and
 * webhook-backlog gauges read from the store and the JVM's own meters. Nothing in the accepting or
 * delivering code counts anything itself.
 */
public final class Metrics implements AttemptObserver, Telemetry, WebhookObserver, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("metrics");

  /** Destination domains with their own label; later ones are counted as "other". */
  static final int MAX_DOMAINS = 100;

  /** Distinct enhanced codes and reasons with their own label. */
  static final int MAX_CODES = 200;

  /** How long a queue count is reused: the gauge is read on every scrape. */
  static final Duration DEPTH_CACHE = Duration.ofSeconds(5);

  /**
   * Histogram buckets: acceptance is a commit (milliseconds; the fsync dominates), delivery spans
   * from a second (a direct hand-over) to days (retries of an unreachable destination).
   */
  private static final Duration[] ACCEPT_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
    Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)
  };

  private static final Duration[] DELIVERY_BUCKETS = {
    Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(1),
    Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(4),
    Duration.ofDays(1), Duration.ofDays(5)
  };

  /**
   * Webhook requests: a receiver on the same network answers in milliseconds; the limit is 15 s.
   */
  private static final Duration[] WEBHOOK_BUCKETS = {
    Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15)
  };

  private static final Pattern ENHANCED = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final MessageStore store;
  private final InstantSource clock;
  private final LabelCap domains = new LabelCap(MAX_DOMAINS);
  private final LabelCap enhanced = new LabelCap(MAX_CODES);
  private final LabelCap reasons = new LabelCap(MAX_CODES);
  private final Timer deliveryLatency;
  private final Counter prunedMessages;
  private final Timer webhookLatency;
  private final Counter webhookGivenUp;
  private volatile double webhookBacklog = Double.NaN;
  private volatile Map<RecipientState, Long> depth = Map.of();
  private volatile double oldestDueAge = Double.NaN;
  private volatile Instant depthRead = Instant.MIN;

  public Metrics(MessageStore store, InstantSource clock) {
    this(store, clock, null);
  }

  /**
   * @param node this node's name, carried by every meter as the label {@code node} (several nodes
   *     on one database are then told apart on one dashboard); null for none
   */
  public Metrics(MessageStore store, InstantSource clock, String node) {
    this.store = store;
    this.clock = clock;
    if (node != null && !node.isEmpty()) registry.config().commonTags("node", node);
    // Two of the binders' meters break Prometheus's naming rules (promtool's lint names them): a
    // counter in "ns" and a gauge ending in "_count". The rest tell the same (process_cpu_usage).
    registry
        .config()
        .meterFilter(
            MeterFilter.deny(
                id ->
                    id.getName().equals("process.cpu.time")
                        || id.getName().equals("system.cpu.count")));
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    for (RecipientState s : new RecipientState[] {RecipientState.QUEUED, RecipientState.DEFERRED})
      Gauge.builder("petrel.queue.recipients", () -> depth(s))
          .description("Recipients waiting for delivery, by state")
          .tag("state", s.id())
          .register(registry);
    Gauge.builder("petrel.queue.oldest.due.age", () -> oldestDueAge())
        .description(
            "Age of the oldest message with a recipient due for delivery now (0 when none is due)")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("petrel.store.reachable", () -> store.unreachableSince().isPresent() ? 0 : 1)
        .description(
            "1 while the store's database answers, 0 while it cannot be reached (mail is then"
                + " refused with 4xx answers and delivery waits)")
        .register(registry);
    Gauge.builder("petrel.build.info", () -> 1)
        .description("The running build: Petrel's version and the Java runtime")
        .tag("version", version())
        .tag("java", Runtime.version().toString())
        .register(registry);
    deliveryLatency =
        Timer.builder("petrel.delivery.latency")
            .description("From a message's acceptance to a recipient's delivery")
            .serviceLevelObjectives(DELIVERY_BUCKETS)
            .register(registry);
    prunedMessages =
        Counter.builder("petrel.retention.pruned.messages")
            .description("Finished messages deleted by the retention job")
            .register(registry);
    webhookLatency =
        Timer.builder("petrel.webhook.request.duration")
            .description("Webhook requests, from connecting to the receiver's answer")
            .serviceLevelObjectives(WEBHOOK_BUCKETS)
            .register(registry);
    webhookGivenUp =
        Counter.builder("petrel.webhook.events.given.up")
            .description("Events a webhook never took: its last try failed")
            .register(registry);
    for (WebhookObserver.Outcome o : WebhookObserver.Outcome.values()) webhookTries(o);
    Gauge.builder("petrel.webhook.deliveries.waiting", () -> webhookBacklog())
        .description(
            "Webhook deliveries waiting: events handed out to a webhook, neither delivered nor"
                + " given up (due now or waiting for a retry)")
        .register(registry);
    for (AuthLockout.Scope scope : AuthLockout.Scope.values()) {
      authLockouts(scope);
      authLockedRefusals(scope);
    }
    for (String source : new String[] {"smtp", "api"}) {
      accepted(source, 0);
      acceptLatency(source);
    }
  }

  /** The listener's observer: {@code inner} hears every event, this counts what was queued. */
  public SessionObserver sessions(SessionObserver inner) {
    return new SessionObserver() {
      @Override
      public void event(String sessionId, String queueId, String message) {
        inner.event(sessionId, queueId, message);
      }

      @Override
      public void queued(String sessionId, String queueId, int recipients, long nanos) {
        inner.queued(sessionId, queueId, recipients, nanos);
        accepted("smtp", recipients);
        acceptLatency("smtp").record(nanos, TimeUnit.NANOSECONDS);
      }

      @Override
      public void authLockStarted(String sessionId, AuthLockout.Scope scope) {
        inner.authLockStarted(sessionId, scope);
        authLockouts(scope).increment();
      }

      @Override
      public void authRefusedLocked(String sessionId, AuthLockout.Scope scope) {
        inner.authRefusedLocked(sessionId, scope);
        authLockedRefusals(scope).increment();
      }
    };
  }

  @Override
  public void accepted(int recipients, long nanos) {
    accepted("api", recipients);
    acceptLatency("api").record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void recorded(
      StoredMessage message, String domain, AttemptRecord a, RecipientState state) {
    String e =
        a.enhanced() != null && ENHANCED.matcher(a.enhanced()).matches() ? a.enhanced() : null;
    Counter.builder("petrel.delivery.attempts")
        .description("Delivery attempts of one recipient, by destination, reply and outcome")
        .tag("domain", domains.label(domain))
        .tag("code", a.code() == null ? "none" : a.code().toString())
        .tag("enhanced", e == null ? "none" : enhanced.label(e))
        .tag("reason", a.reason() == null ? "none" : reasons.label(a.reason()))
        .tag("bounce", a.bounce() == null ? "none" : a.bounce())
        .tag("state", state.id())
        .register(registry)
        .increment();
    if (state == RecipientState.DELIVERED) {
      Duration d = Duration.between(message.created(), a.at());
      if (!d.isNegative()) deliveryLatency.record(d);
    }
  }

  @Override
  public void tried(WebhookObserver.Outcome outcome, long nanos, boolean gaveUp) {
    webhookTries(outcome).increment();
    if (nanos >= 0) webhookLatency.record(nanos, TimeUnit.NANOSECONDS);
    if (gaveUp) webhookGivenUp.increment();
  }

  private Counter webhookTries(WebhookObserver.Outcome o) {
    return Counter.builder("petrel.webhook.deliveries")
        .description(
            "Tries of one event at one webhook, by outcome: the answer's status class,"
                + " connection_error (no answer) or refused (not sent: the address is not allowed)")
        .tag("outcome", o.label())
        .tag("result", o.succeeded() ? "succeeded" : "failed")
        .register(registry);
  }

  /** What one run of the retention job deleted. */
  /** Counts the delivery loop's wake-ups by other nodes' notifications of new mail. */
  public void wakeUps(dev.petrel.schedule.DeliveryScheduler delivery) {
    io.micrometer.core.instrument.FunctionCounter.builder(
            "petrel.delivery.wakeups",
            delivery,
            dev.petrel.schedule.DeliveryScheduler::notifiedWakeUps)
        .description(
            "Times the delivery loop was woken by another node's notification of new mail (a"
                + " shared PostgreSQL store), rather than by its own poll")
        .tag("cause", "notification")
        .register(registry);
  }

  public void pruned(dev.petrel.queue.Pruned p) {
    prunedMessages.increment(p.messages());
  }

  @Override
  public String scrape() {
    return registry.scrape();
  }

  private void accepted(String source, int recipients) {
    Counter.builder("petrel.accepted.messages")
        .description("Messages accepted into the queue, by source")
        .tag("source", source)
        .register(registry)
        .increment(recipients > 0 ? 1 : 0);
    Counter.builder("petrel.accepted.recipients")
        .description("Recipients of the messages accepted into the queue, by source")
        .tag("source", source)
        .register(registry)
        .increment(recipients);
  }

  private Counter authLockouts(AuthLockout.Scope scope) {
    return Counter.builder("petrel.smtp.auth.lockouts")
        .description("Locks placed on a client address or login after repeated failed SMTP logins")
        .tag("scope", scope.id())
        .register(registry);
  }

  private Counter authLockedRefusals(AuthLockout.Scope scope) {
    return Counter.builder("petrel.smtp.auth.locked.refusals")
        .description("SMTP AUTH attempts refused with 454 4.7.0 because of a lock")
        .tag("scope", scope.id())
        .register(registry);
  }

  private Timer acceptLatency(String source) {
    return Timer.builder("petrel.accept.latency")
        .description("From the end of a message (SMTP final dot, HTTP request) to its acceptance")
        .tag("source", source)
        .serviceLevelObjectives(ACCEPT_BUCKETS)
        .register(registry);
  }

  private static String version() {
    String v = Metrics.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** A cached count: one COUNT query per {@link #DEPTH_CACHE} however often Prometheus scrapes. */
  private double depth(RecipientState state) {
    Instant now = clock.instant();
    if (Duration.between(depthRead, now).compareTo(DEPTH_CACHE) >= 0) {
      synchronized (this) {
        if (Duration.between(depthRead, now).compareTo(DEPTH_CACHE) >= 0) {
          try {
            depth = new EnumMap<>(store.depth());
            webhookBacklog = store.webhookBacklog();
            oldestDueAge =
                store
                    .oldestDue(now)
                    .map(t -> Math.max(0, Duration.between(t, now).toMillis()) / 1000.0)
                    .orElse(0.0);
          } catch (dev.petrel.queue.StoreUnavailableException e) {
            // logged by the store; the gauges keep their last values
          } catch (Exception e) {
            LOG.warn("cannot count the queue for metrics: {}", e.toString());
          }
          depthRead = now;
        }
      }
    }
    Long n = depth.get(state);
    return n == null ? Double.NaN : n;
  }

  private double webhookBacklog() {
    depth(RecipientState.QUEUED); // reads every store figure, at most once per DEPTH_CACHE
    return webhookBacklog;
  }

  private double oldestDueAge() {
    depth(RecipientState.QUEUED); // reads both figures, at most once per DEPTH_CACHE
    return oldestDueAge;
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
