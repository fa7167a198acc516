package dev.petrel.app;

import dev.petrel.accept.BounceMailbox;
import dev.petrel.accept.CredentialStore;
import dev.petrel.accept.SessionObserver;
import dev.petrel.accept.SmtpServer;
import dev.petrel.accept.SmtpSession;
import dev.petrel.accept.TlsMaterial;
import dev.petrel.accept.TlsMaterial.TlsSetupException;
import dev.petrel.accounts.Account;
import dev.petrel.accounts.AccountStore;
import dev.petrel.accounts.Plans;
import dev.petrel.accounts.Quotas;
import dev.petrel.api.Api;
import dev.petrel.api.ApiServer;
import dev.petrel.deliver.Deliverer;
import dev.petrel.deliver.DeliveryConfig;
import dev.petrel.deliver.DeliveryObserver;
import dev.petrel.deliver.HostPort;
import dev.petrel.deliver.RoutingConfig;
import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import dev.petrel.queue.DataDirLock;
import dev.petrel.queue.MessageStore;
import dev.petrel.queue.RetrySchedule;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.Store;
import dev.petrel.queue.Stores;
import dev.petrel.report.AsyncBounces;
import dev.petrel.report.DsnWriter;
import dev.petrel.report.Verp;
import dev.petrel.report.WebhookDispatcher;
import dev.petrel.report.WebhookTargets;
import dev.petrel.schedule.DeliveryScheduler;
import dev.petrel.status.StatusEngine;
import dev.petrel.status.bounce.BounceParser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Petrel: the parts {@code petrel serve} starts, in order (configuration, data-folder
 * lock, store, TLS, listeners), and stops in reverse. Tests start one in-process the same way.
 */
public final class PetrelServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("serve");

  /** Start-up failed; the message says why and what to do. Nothing stays open. */
  public static final class StartupException extends Exception {
    public StartupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final PetrelConfig config;
  private final DataDirLock lock;
  private final Store store;
  private final SmtpServer smtp;
  private final Deliverer deliverer;
  private final DeliveryScheduler scheduler;
  private final ApiServer http;
  private final WebhookDispatcher webhooks;
  private final Metrics metrics;
  private SimulatorServer simulator;
  private dev.petrel.schedule.RetentionJob retention;
  private WaitsFile waitsFile;
  private dev.petrel.report.TlsSessionRecorder tlsSessions;
  private dev.petrel.report.TlsReporter tlsReports;
  private AutoCloseable newMail;
  private InstantSource clock;
  private boolean stopped;

  private PetrelServer(
      PetrelConfig config,
      DataDirLock lock,
      Store store,
      SmtpServer smtp,
      Deliverer deliverer,
      DeliveryScheduler scheduler,
      ApiServer http,
      WebhookDispatcher webhooks,
      Metrics metrics) {
    this.metrics = metrics;
    this.config = config;
    this.lock = lock;
    this.store = store;
    this.smtp = smtp;
    this.deliverer = deliverer;
    this.scheduler = scheduler;
    this.http = http;
    this.webhooks = webhooks;
  }

  /** Starts everything; on failure closes what was opened and says why. */
  public static PetrelServer start(PetrelConfig config, InstantSource clock)
      throws StartupException {
    return start(config, clock, RetrySchedule.Policy.defaults());
  }

  /** Starts everything with the given retry schedule (tests use a short one). */
  public static PetrelServer start(
      PetrelConfig config, InstantSource clock, RetrySchedule.Policy retryPolicy)
      throws StartupException {
    return start(config, clock, retryPolicy, WebhookDispatcher.Settings.DEFAULTS);
  }

  /** Starts everything with the given retry schedules of mail and of webhooks. */
  public static PetrelServer start(
      PetrelConfig config,
      InstantSource clock,
      RetrySchedule.Policy retryPolicy,
      WebhookDispatcher.Settings webhookSettings)
      throws StartupException {
    DataDirLock lock;
    try {
      lock = DataDirLock.acquire(config.dataDir());
    } catch (DataDirLock.InUseException e) {
      throw new StartupException(e.getMessage() + "; stop it first, or give another --data-dir", e);
    } catch (IOException e) {
      throw new StartupException(
          "cannot use data folder " + config.dataDir() + ": " + e.getMessage(), e);
    }
    // Before the store opens: it makes SQLite's files private, and the operator should hear what
    // was found as it was.
    DataDirPermissions.warnIfOpen(lock.dataDir());
    Store store = null;
    Deliverer deliverer = null;
    DeliveryScheduler scheduler = null;
    ApiServer http = null;
    WebhookDispatcher webhooks = null;
    Metrics metrics = null;
    SimulatorServer simulator = null;
    WaitsFile waitsFile = null;
    dev.petrel.report.TlsSessionRecorder tlsSessions = null;
    try {
      try {
        store =
            Stores.open(
                config.storeUrl(),
                SqliteStoreOptions.defaults()
                    .withReserveBytes(config.diskReserve())
                    .withNode(config.node()),
                clock);
      } catch (StorageException e) {
        throw new StartupException("cannot open the queue store: " + e.getMessage(), e);
      }
      try {
        // This process holds the data-folder lock: leases still set were taken by a run that
        // died while delivering, and its work is due again now rather than when they run out.
        int released = store.releaseLeases(clock.instant());
        if (released > 0)
          LOG.info(
              "petrel serve: {} recipients were in delivery when the last run stopped; due again"
                  + " (marked as possible duplicates)",
              released);
      } catch (StorageException e) {
        throw new StartupException("cannot release old delivery leases: " + e.getMessage(), e);
      }
      TlsMaterial tls;
      try {
        tls =
            config.tlsCert() != null
                ? TlsMaterial.load(config.tlsCert(), config.tlsKey())
                : TlsMaterial.selfSigned(config.dataDir().resolve("tls"), config.hostname(), clock);
      } catch (TlsSetupException e) {
        throw new StartupException(e.getMessage(), e);
      }
      CredentialStore credentials;
      try {
        credentials = CredentialsCommand.open(config.dataDir(), store);
      } catch (IOException e) {
        throw new StartupException("cannot import the SMTP logins: " + e.getMessage(), e);
      }
      ServerLog log = new ServerLog();
      var listenerConfig = config.listenerConfig();
      MessageStore queue = store;
      if (config.paused()) {
        try {
          store.pause(null, clock.instant());
        } catch (StorageException e) {
          throw new StartupException("cannot pause delivery: " + e.getMessage(), e);
        }
      }
      Quotas quotas = new Quotas(store.accounts(), config.plans(), clock);
      warnUnlessQualified(config.hostname());
      try {
        bootstrap(store.accounts(), clock);
      } catch (StorageException | IllegalArgumentException e) {
        throw new StartupException("cannot set up the first account: " + e.getMessage(), e);
      }
      Verp verp;
      try {
        verp = new Verp(VerpSecret.load(config.dataDir(), store.secrets()), config.bounceDomain());
      } catch (IOException e) {
        throw new StartupException("cannot read the VERP secret: " + e.getMessage(), e);
      }
      StatusEngine engine = StatusEngine.standard();
      DsnWriter dsn = new DsnWriter(config.hostname(), clock);
      // The mailbox simulator: its reserved domain is delivered through the real client
      // to
      // a built-in sink on loopback, unless the operator routes that domain elsewhere.
      RoutingConfig routing = config.routing();
      dev.petrel.deliver.ThrottleConfig throttle = config.throttle();
      if (!routing.routes().containsKey(SIMULATOR_DOMAIN)) {
        // Each simulator address plays a server of its own: a rate-421 address slowing down
        // must not hold back ok@, so its limits are kept per local part.
        throttle = throttle.withPerRecipient(SIMULATOR_DOMAIN);
        simulator = new SimulatorServer(SimulatorOptions.DEFAULTS, clock);
        try {
          int port = simulator.start(InetAddress.getLoopbackAddress(), 0);
          routing = routing.withRoute(SIMULATOR_DOMAIN, new HostPort("127.0.0.1", port));
        } catch (IOException e) {
          throw new StartupException("cannot start the mailbox simulator: " + e.getMessage(), e);
        }
      }
      // TLS reporting (RFC 8460): delivery's TLS sessions are counted in the store.
      if (config.tlsReports().enabled())
        tlsSessions = new dev.petrel.report.TlsSessionRecorder(store.tlsReports());
      deliverer =
          Deliverer.create(
              DeliveryConfig.defaults(config.hostname())
                  .withClient(
                      dev.petrel.deliver.ClientConfig.defaults(config.hostname())
                          .withTlsPolicies(config.tlsPolicies())
                          .withTlsChecks(config.tlsChecks()))
                  .withRouting(routing)
                  .withThrottle(throttle)
                  .withPool(
                      new dev.petrel.deliver.PoolConfig(
                          config.messagesPerConnection(),
                          dev.petrel.deliver.PoolConfig.DEFAULTS.idleTimeout(),
                          dev.petrel.deliver.PoolConfig.DEFAULTS.maxIdlePerServer())),
              engine,
              clock,
              tlsSessions == null ? SLOW_DOWN_LOG : tlsSessions.before(SLOW_DOWN_LOG));
      deliverer.keepPoliciesIn(new StoredMtaStsPolicies(store));
      DeliveryScheduler delivery =
          new DeliveryScheduler(
              store,
              deliverer,
              new RetrySchedule(retryPolicy, clock, RandomGenerator.getDefault()),
              dsn,
              verp,
              clock,
              new DeliveryScheduler.Settings(
                  DeliveryScheduler.Settings.DEFAULTS.batch(),
                  DeliveryScheduler.Settings.DEFAULTS.concurrency(),
                  config.lease(),
                  config.pollInterval()));
      BounceMailbox bounces =
          new BounceDomainMailbox(
              new AsyncBounces(verp, store, new BounceParser(engine), dsn, clock), delivery::wake);
      scheduler = delivery;
      // Why recipients wait for their destination, for `petrel queue show` in another process.
      waitsFile = WaitsFile.start(config.dataDir(), delivery::waits);
      delivery.onWaitsChanged(waitsFile::changed);
      metrics = new Metrics(store, clock, config.node());
      delivery.observeWith(metrics);
      metrics.wakeUps(delivery);
      // Mail from a verified sender domain of its account is DKIM-signed as it leaves.
      var signing = new dev.petrel.report.DkimSigning(store.senderDomains(), clock);
      delivery.signWith((m, job) -> signing.sign(m.account(), job));
      var senders =
          new dev.petrel.domains.SenderPolicy(store.senderDomains(), config.allowAnySender());
      // Failed logins are counted across all sessions of both listeners.
      var lockout = new dev.petrel.accept.AuthLockout(config.authLockout(), clock);
      // The listener wakes delivery after each committed message, through its typed "queued"
      // event (never by reading log text, so rewording a log line cannot slow delivery down).
      SessionObserver sessions =
          metrics.sessions(
              new SessionObserver() {
                @Override
                public void event(String sessionId, String queueId, String message) {
                  log.event(sessionId, queueId, message);
                }

                @Override
                public void queued(String sessionId, String queueId, int recipients, long nanos) {
                  delivery.wake();
                }
              });
      SmtpServer smtp =
          new SmtpServer(
              listeners(config),
              new SmtpServer.Limits(
                  config.maxConnections(), config.maxConnectionsPerIp(), config.commandTimeout()),
              tls,
              config.hostname(),
              (connection, shuttingDown) ->
                  new SmtpSession(
                              listenerConfig,
                              connection,
                              queue,
                              credentials,
                              sessions,
                              clock,
                              shuttingDown,
                              bounces)
                          .quotas(quotas)
                          .senders(senders)
                          .authLockout(lockout)
                      ::run,
              log);
      // HTTP first: once the SMTP listener says it listens, the whole server is up.
      if (config.httpEnabled()) {
        http =
            new ApiServer(
                new Api(
                    store,
                    store.accounts(),
                    quotas,
                    StatusEngine.standard(),
                    config.hostname(),
                    clock,
                    delivery::wake,
                    DomainsCommand.senderDomains(store, config, clock),
                    credentials,
                    store.webhooks(),
                    config.maxMessageSize(),
                    new WebhookTargets(config.webhookTargets(), WebhookTargets.SYSTEM),
                    delivery),
                ApiServer.Limits.DEFAULTS,
                metrics);
        try {
          http.start(
              config.listenAddress() == null ? null : config.listenAddress().getHostAddress(),
              config.httpPort());
        } catch (RuntimeException e) {
          throw new StartupException(
              "cannot listen for HTTP on port " + config.httpPort() + ": " + e.getMessage(), e);
        }
      }
      try {
        smtp.start();
      } catch (IOException e) {
        throw new StartupException(e.getMessage(), e);
      }
      LOG.info(
          "petrel serve: data folder {}, hostname {}, bounce domain {}, TLS certificate {},"
              + " http port {}",
          config.dataDir(),
          config.hostname(),
          config.bounceDomain(),
          config.tlsCert() != null ? config.tlsCert() : "self-signed (in the data folder)",
          http == null ? "off" : http.port());
      AutoCloseable newMail = null;
      if (config.deliver()) {
        delivery.start();
        // Mail other nodes queue on a shared database wakes this node's delivery at once.
        newMail = store.listenForNewMail(delivery::notified);
      }
      webhooks =
          new WebhookDispatcher(
              store.webhooks(),
              store,
              engine,
              clock,
              webhookSettings,
              new WebhookTargets(config.webhookTargets(), WebhookTargets.SYSTEM));
      webhooks.observeWith(metrics);
      webhooks.start();
      LOG.info(
          "petrel serve: delivery {}{}",
          !config.deliver()
              ? "off on this node (--deliver=false: it only accepts mail)"
              : config.paused() ? "paused (queue resume starts it)" : "running",
          describe(config.routing()));
      LOG.info(
          "petrel serve: outbound TLS: MTA-STS {}, certificates checked against {}{}",
          config.tlsChecks().mtaSts() ? "on" : "off",
          config.tlsChecks().trust().describe(),
          config.tlsPolicies().isEmpty() ? "" : ", policies per domain " + config.tlsPolicies());
      PetrelServer server =
          new PetrelServer(config, lock, store, smtp, deliverer, delivery, http, webhooks, metrics);
      server.simulator = simulator;
      server.newMail = newMail;
      server.clock = clock;
      if (config.prunes()) {
        server.retention =
            new dev.petrel.schedule.RetentionJob(store, config.retention(), clock, metrics::pruned);
        server.retention.start();
        LOG.info(
            "petrel serve: finished messages are deleted {} after their last change (checked every"
                + " {})",
            humanDuration(config.retention()),
            humanDuration(server.retention.interval()));
      } else LOG.info("petrel serve: finished messages are kept for ever (retention 0)");
      server.waitsFile = waitsFile;
      server.tlsSessions = tlsSessions;
      if (tlsSessions != null) {
        server.tlsReports = tlsReporter(config, store, clock, delivery::wake);
        server.tlsReports.start();
      }
      return server;
    } catch (StartupException | RuntimeException e) {
      if (webhooks != null) webhooks.close();
      if (http != null) http.stop();
      if (scheduler != null) scheduler.close();
      if (waitsFile != null) waitsFile.close();
      if (deliverer != null) deliverer.close();
      if (tlsSessions != null) tlsSessions.close();
      if (store != null) store.close();
      if (metrics != null) metrics.close();
      closeQuietly(lock);
      throw e;
    }
  }

  /**
   * The daily TLS report sender of this configuration ({@code serve}'s job and {@code petrel
   * tls-reports send}): DNS through the configured resolver, https reports only to the networks
   * webhooks may reach, counts and reports kept for the retention period.
   */
  static dev.petrel.report.TlsReporter tlsReporter(
      PetrelConfig config, Store store, InstantSource clock, Runnable queued) {
    var dns =
        new dev.petrel.deliver.DnsJavaLookup(
            config.routing().dnsServer(), java.time.Duration.ofSeconds(10), true);
    return new dev.petrel.report.TlsReporter(
        store,
        store.tlsReports(),
        new dev.petrel.report.TlsReportJson.Submitter(
            config.tlsReports().organization(), config.tlsReports().contact(), config.hostname()),
        dns::txt,
        new WebhookTargets(config.webhookTargets(), WebhookTargets.SYSTEM),
        null,
        clock,
        config.prunes() ? config.retention() : null,
        queued);
  }

  /** Logs each slow-down of a destination: what asked for it, the limits now, until when. */
  private static final DeliveryObserver SLOW_DOWN_LOG =
      new DeliveryObserver() {
        @Override
        public void slowedDown(dev.petrel.deliver.DestinationLimiter.State s) {
          org.slf4j.LoggerFactory.getLogger("deliver")
              .info(
                  "destination {} slowed down after \"{}\": {} connections, {}; full limits back"
                      + " by {} at the latest",
                  s.destination(),
                  s.cause() == null ? "" : s.cause().replaceAll("[\\r\\n]+", " "),
                  s.connectionLimit(),
                  Double.isInfinite(s.rate())
                      ? "no rate limit"
                      : String.format(
                          java.util.Locale.ROOT, "%.2f messages a minute", s.rate() * 60),
                  dev.petrel.report.MessageJson.instant(s.slowedUntil()));
        }
      };

  /** The mailbox simulator's reserved domain, served by a built-in sink. */
  public static final String SIMULATOR_DOMAIN = "simulator.petrel.test";

  /** Environment variable that sets the first account's API key (for automation). */
  public static final String BOOTSTRAP_KEY_ENV = "PETREL_BOOTSTRAP_API_KEY";

  /**
   * On the first start, creates the operator's account ({@code default}, unlimited plan: trusted
   * clients' SMTP mail is counted against it) and an API key, printed once. With {@value
   * #BOOTSTRAP_KEY_ENV} set, that key is stored instead (and again on every start, so automation
   * can rely on it).
   */
  static void bootstrap(AccountStore accounts, InstantSource clock) throws StorageException {
    String name = dev.petrel.model.Envelope.DEFAULT_ACCOUNT;
    boolean created = accounts.createAccount(new Account(name, Plans.UNLIMITED, clock.instant()));
    String chosen = System.getenv(BOOTSTRAP_KEY_ENV);
    if (chosen != null && !chosen.isBlank()) {
      accounts.importKey(name, chosen.trim(), clock.instant());
      if (created)
        LOG.info(
            "petrel serve: created account '{}' with the key from {}", name, BOOTSTRAP_KEY_ENV);
      return;
    }
    if (created || accounts.keys(name).isEmpty()) {
      var key = accounts.createKey(name, clock.instant());
      // On standard output, not in the log: a quiet log level must not hide the only copy, and
      // log files kept for weeks should not hold a working key.
      System.out.println(
          "petrel serve: created account '"
              + name
              + "'; its API key (shown only this once): "
              + key.secret());
      System.out.flush();
      LOG.info("petrel serve: the API key of account '{}' was printed on standard output", name);
    }
  }

  /**
   * Warns when the host name is not a fully qualified domain name: it goes into the greeting, EHLO,
   * Received headers, Message-IDs and the suggested SPF record, where a bare machine name (such as
   * {@code vm}) makes receivers distrust the mail.
   */
  static void warnUnlessQualified(String hostname) {
    if (isQualified(hostname)) return;
    LOG.warn(
        "petrel serve: the host name '{}' is not a fully qualified domain name; it is used in EHLO,"
            + " Received headers, Message-IDs and the suggested SPF record. Set --hostname (or"
            + " PETREL_HOSTNAME, or hostname = ... in the config file) to this machine's public"
            + " name, e.g. mail.example.com",
        hostname);
  }

  static boolean isQualified(String hostname) {
    String h = hostname.endsWith(".") ? hostname.substring(0, hostname.length() - 1) : hostname;
    return h.indexOf('.') > 0
        && !h.startsWith("[")
        && !h.equalsIgnoreCase("localhost")
        && !h.toLowerCase(java.util.Locale.ROOT).endsWith(".localdomain");
  }

  /** Where the HTTP API listens, or null when it is off. */
  public InetSocketAddress httpAddress() {
    return http == null ? null : new InetSocketAddress(config.listenAddress(), http.port());
  }

  private static String describe(RoutingConfig r) {
    StringBuilder b = new StringBuilder();
    if (r.dnsServer() != null) b.append(", DNS server ").append(r.dnsServer());
    if (r.dnssecResolver() != null)
      b.append(", DANE through DNSSEC resolver ").append(r.dnssecResolver());
    if (!r.routes().isEmpty()) b.append(", routes ").append(r.routes());
    if (r.relayHost() != null) b.append(", relay host ").append(r.relayHost());
    return b.toString();
  }

  /** The delivery loop, e.g. to wake it after {@code queue retry}. */
  public DeliveryScheduler scheduler() {
    return scheduler;
  }

  private static List<SmtpServer.Listener> listeners(PetrelConfig c) {
    List<SmtpServer.Listener> out = new ArrayList<>();
    out.add(
        new SmtpServer.Listener(
            "smtp", new InetSocketAddress(c.listenAddress(), c.smtpPort()), false));
    if (c.smtpsEnabled())
      out.add(
          new SmtpServer.Listener(
              "smtps", new InetSocketAddress(c.listenAddress(), c.smtpsPort()), true));
    return out;
  }

  public PetrelConfig config() {
    return config;
  }

  /** Where the SMTP listener is bound (the real port when 0 was asked). */
  public InetSocketAddress smtpAddress() {
    return smtp.address("smtp");
  }

  /** Where the implicit-TLS listener is bound; only when {@code --smtps-port} was given. */
  public InetSocketAddress smtpsAddress() {
    return smtp.address("smtps");
  }

  public Store store() {
    return store;
  }

  /** Accounts, keys and usage. */
  public AccountStore accounts() {
    return store.accounts();
  }

  public boolean shuttingDown() {
    return smtp.shuttingDown();
  }

  /**
   * Stops gracefully: no new connections, 421 4.3.2 to new commands, in-flight transactions get up
   * to the shutdown timeout, then the store finishes its commits and closes, then the lock goes.
   */
  public synchronized void stop() {
    if (stopped) return;
    stopped = true;
    LOG.info("petrel serve: stopping");
    smtp.stop(config.shutdownTimeout());
    if (http != null) http.stop();
    if (newMail != null) closeQuietly(newMail);
    scheduler.stop(config.shutdownTimeout());
    releaseLeases();
    if (waitsFile != null) waitsFile.close();
    webhooks.stop(config.shutdownTimeout());
    if (retention != null) retention.close();
    if (tlsReports != null) tlsReports.close();
    deliverer.close();
    if (tlsSessions != null) tlsSessions.close();
    if (simulator != null) simulator.close();
    store.close();
    metrics.close();
    closeQuietly(lock);
    LOG.info("petrel serve: stopped; queue closed cleanly");
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Gives this node's delivery leases back once the scheduler has stopped, so that another node on
   * the same store takes the work over at once instead of when the leases run out. Deliveries that
   * were cut off may have gone out: the store marks their recipients as possible duplicates.
   */
  private void releaseLeases() {
    try {
      int released = store.releaseLeases(clock.instant());
      if (released > 0)
        LOG.info(
            "petrel serve: gave back the leases of {} recipients still in delivery; due again"
                + " (marked as possible duplicates)",
            released);
    } catch (StorageException e) {
      LOG.warn(
          "petrel serve: cannot give back this node's delivery leases (they will run out): {}",
          e.getMessage());
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // already failing or stopping
    }
  }

  /** A duration as an operator writes it: {@code 30d}, {@code 1h}, {@code 90s}. */
  static String humanDuration(java.time.Duration d) {
    long s = d.toSeconds();
    if (d.toMillis() % 1000 != 0) return d.toMillis() + "ms";
    if (s != 0 && s % 86_400 == 0) return s / 86_400 + "d";
    if (s != 0 && s % 3_600 == 0) return s / 3_600 + "h";
    if (s != 0 && s % 60 == 0) return s / 60 + "m";
    return s + "s";
  }
}
