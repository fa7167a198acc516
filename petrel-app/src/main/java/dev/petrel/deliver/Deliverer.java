package dev.petrel.deliver;

import dev.petrel.model.Recipient;
import dev.petrel.status.Action;
import dev.petrel.status.Phase;
import dev.petrel.status.ReplyContext;
import dev.petrel.status.ReplyStatus;
import dev.petrel.status.StatusEngine;
import java.net.InetAddress;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;

/**
 * Delivers one message to the recipients of one domain and reports what happened; it never writes
 * the store (that is the scheduler's, on the facts returned here).
 *
 * <p>The flow: admission by the destination's limits; routing; then for each server in order (MX
 * preference, each of its addresses) a pooled or new connection with the destination's TLS policy.
 * A server that cannot be connected to, or answers the greeting or EHLO with an error, is skipped
 * for the next (RFC 5321 §5.1). On the first usable server the recipients go in one transaction
 * (several when there are more than the per-transaction limit, or when the server answers 452 4.5.3
 * to some). Every reply is classified by the status engine with its phase, server and recipient
 * domain; {@code slow-down} results lower the destination's limits.
 *
 * <p>Thread-safe: call {@link #deliver} from as many (virtual) threads as you like.
 */
public final class Deliverer implements AutoCloseable {

  private final DeliveryConfig config;
  private final Router router;
  private final StatusEngine engine;
  private final InstantSource clock;
  private final DeliveryObserver observer;
  private final LocalReplies local;
  private final ConnectionPool pool;
  private final DestinationLimiter limiter;
  private final SSLContext tlsContext;
  private final DaneLookup dane;
  private final DaneReplies daneReplies;

  public Deliverer(
      DeliveryConfig config,
      Router router,
      StatusEngine engine,
      InstantSource clock,
      DeliveryObserver observer) {
    this.config = config;
    this.router = router;
    this.engine = engine;
    this.clock = clock;
    this.observer = observer == null ? DeliveryObserver.NONE : observer;
    this.local = new LocalReplies(engine);
    this.pool = new ConnectionPool(config.pool(), clock);
    this.limiter = new DestinationLimiter(config.throttle(), clock);
    this.tlsContext =
        config.client().tlsContext() != null ? config.client().tlsContext() : TrustAll.context();
    this.dane = DaneLookup.create(config.routing(), clock);
    this.daneReplies = new DaneReplies(engine);
  }

  /** A deliverer that routes through DNS as configured (system resolver or the given server). */
  public static Deliverer create(
      DeliveryConfig config, StatusEngine engine, InstantSource clock, DeliveryObserver observer) {
    return new Deliverer(config, Router.create(config.routing(), clock), engine, clock, observer);
  }

  public DeliveryConfig config() {
    return config;
  }

  public Router router() {
    return router;
  }

  /** The per-destination limits, for schedulers that want to check before calling. */
  public DestinationLimiter limiter() {
    return limiter;
  }

  /** The key limits are kept under for mail to {@code domain} (see {@link Router}). */
  public String destinationOf(String domain) {
    return router.destinationOf(domain);
  }

  /**
   * The key limits are kept under for one recipient: its domain's destination, or for a domain kept
   * per recipient (the simulator's) the destination and the local part.
   */
  public String destinationOf(Recipient recipient) {
    String domain = recipient.address().domain();
    return config.throttle().keyFor(destinationOf(domain), recipient.address().localPart());
  }

  /** The key a job's limits are kept under (that of its first recipient). */
  public String destinationOf(DeliveryJob job) {
    return job.recipients().isEmpty()
        ? destinationOf(job.domain())
        : destinationOf(job.recipients().getFirst());
  }

  /**
   * Waits for the destination to admit a delivery, then delivers. Remote and network failures are
   * results, never exceptions.
   *
   * @throws InterruptedException when interrupted while waiting for admission
   */
  public TransferResult deliver(DeliveryJob job) throws InterruptedException {
    try (DestinationLimiter.Permit permit = limiter.acquire(destinationOf(job))) {
      return deliver(job, permit);
    }
  }

  /**
   * Delivers under a permit the caller got from {@link #limiter()} (and closes afterwards). Remote
   * and network failures are results, never exceptions.
   */
  public TransferResult deliver(DeliveryJob job, DestinationLimiter.Permit permit) {
    String destination = permit.destination();
    TransferResult result = transfer(job, destination);
    Attempt slowDown =
        java.util.stream.Stream.concat(
                result.recipients().stream().map(RecipientResult::attempt),
                result.failovers().stream())
            .filter(Deliverer::slowDown)
            .findFirst()
            .orElse(null);
    if (slowDown != null && limiter.slowDown(destination, replyLine(slowDown)))
      observer.slowedDown(limiter.state(destination));
    observer.transferred(result);
    return result;
  }

  /** A reply as one line: code, enhanced code, text. */
  private static String replyLine(Attempt a) {
    StringBuilder sb = new StringBuilder();
    if (a.reply().hasCode()) sb.append(a.reply().code()).append(' ');
    var e = a.reply().enhanced();
    String text = a.reply().text().replaceAll("[\\r\\n]+", " ").strip();
    if (e != null && !text.startsWith(e.toString())) sb.append(e).append(' ');
    return sb.append(text).toString().strip();
  }

  private static boolean slowDown(Attempt a) {
    // Too many connections: the destination's limiter backs off the same way, with fewer at once.
    Action action = a.classification().action();
    return action == Action.SLOW_DOWN || action == Action.REDUCE_CONNECTIONS;
  }

  private TransferResult transfer(DeliveryJob job, String destination) {
    Instant started = clock.instant();
    String domain = job.domain();
    Resolution resolution = router.resolve(domain);
    Answer refusal =
        switch (resolution) {
          case Resolution.Routed r -> null;
          case Resolution.NullMx n -> local.nullMx(clock.instant(), domain);
          case Resolution.NoSuchDomain n -> local.noSuchDomain(clock.instant(), domain, n.detail());
          case Resolution.Unroutable u -> local.unroutable(clock.instant(), domain, u.detail());
          case Resolution.LookupFailed f -> local.lookupFailed(clock.instant(), domain, f.detail());
          case Resolution.Refused f -> local.internalAddress(clock.instant(), domain, f.detail());
        };
    if (refusal != null) {
      Attempt a = attempt(refusal, null, null, null, domain);
      List<RecipientResult> all = new ArrayList<>();
      for (Recipient r : job.recipients()) all.add(new RecipientResult(r, refusal.outcome(), a));
      return new TransferResult(
          job.id(), domain, destination, all, List.of(), started, clock.instant());
    }
    return viaRoute(job, destination, ((Resolution.Routed) resolution).route(), started);
  }

  private TransferResult viaRoute(DeliveryJob job, String destination, Route route, Instant start) {
    String domain = job.domain();
    TlsPolicy policy = config.client().tlsPolicyFor(domain);
    List<Attempt> failovers = new ArrayList<>();
    Attempt last = null;
    int tried = 0;
    for (MxTarget target : route.targets()) {
      // DANE (RFC 7672): secure TLSA records make TLS mandatory for this host, and authenticated.
      DaneLookup.Result daneResult = daneFor(domain, route, target, policy);
      if (daneResult instanceof DaneLookup.Failed f) {
        Answer why = daneReplies.lookupFailed(clock.instant(), target.host(), f.detail());
        last = attempt(why, target.host(), null, null, domain);
        failovers.add(last);
        observer.serverFailed(destination, last);
        observer.tlsSession(
            DaneReplies.session(
                why.at(),
                domain,
                null,
                target.host(),
                null,
                TlsSessionResult.Failure.DNSSEC_INVALID,
                f.detail()));
        continue;
      }
      DaneLookup.Records tlsa = daneResult instanceof DaneLookup.Records r ? r : null;
      for (InetAddress address : target.addresses()) {
        if (tried++ >= config.client().maxAddressesPerDelivery()) break;
        ConnectionPool.Key key = new ConnectionPool.Key(target.host(), address, target.port());
        SmtpConnection conn =
            tlsa == null
                ? pool.take(key, policy == TlsPolicy.REQUIRED)
                : pool.take(key, c -> c.tls() != null && isDane(c, tlsa));
        if (conn == null) {
          try {
            conn =
                tlsa == null
                    ? open(target, address, policy, domain, destination, failovers)
                    : openDane(target, address, tlsa, domain);
          } catch (SmtpConnection.Failure f) {
            last = attempt(f.answer, target.host(), address.getHostAddress(), null, domain);
            failovers.add(last);
            observer.serverFailed(destination, last);
            continue;
          }
        }
        observer.connected(
            destination, target.host(), address.getHostAddress(), conn.tls(), conn.reused());
        List<RecipientResult> results = runTransactions(conn, job, domain);
        pool.release(conn, config.throttle().limitsFor(destination).messagesPerConnection());
        return new TransferResult(
            job.id(), domain, destination, results, failovers, start, clock.instant());
      }
    }
    // No server was usable: the last failure decides for everyone.
    failovers.removeLast();
    List<RecipientResult> all = new ArrayList<>();
    Outcome outcome = outcomeOfFailure(last);
    for (Recipient r : job.recipients()) all.add(new RecipientResult(r, outcome, last));
    return new TransferResult(
        job.id(), domain, destination, all, failovers, start, clock.instant());
  }

  /**
   * DANE for one server: only when a validating resolver is configured and no per-domain TLS policy
   * of the operator's overrides it (the operator's policy comes first, then DANE).
   */
  private DaneLookup.Result daneFor(String domain, Route route, MxTarget target, TlsPolicy policy) {
    if (dane == null || policy == TlsPolicy.NONE)
      return new DaneLookup.NotApplicable("DANE is off");
    if (config.client().tlsPolicies().containsKey(domain.toLowerCase(Locale.ROOT)))
      return new DaneLookup.NotApplicable("the operator set a TLS policy for " + domain);
    return dane.lookup(domain, route.kind(), target);
  }

  /** A pooled connection fits a DANE host when it was verified, or (no usable record) encrypted. */
  private static boolean isDane(SmtpConnection c, DaneLookup.Records tlsa) {
    return tlsa.usable().isEmpty() || "dane".equals(c.verifiedBy());
  }

  /**
   * Opens a connection under DANE: STARTTLS is mandatory, and with usable TLSA records the
   * certificate must match one of them (else, RFC 7672 §2.2 and Postfix alike, TLS without
   * authentication). Never falls back to plain text. Reports the session for TLS reporting.
   */
  private SmtpConnection openDane(
      MxTarget target, InetAddress address, DaneLookup.Records tlsa, String domain)
      throws SmtpConnection.Failure {
    String ip = address.getHostAddress();
    List<TlsaRecord> usable = tlsa.usable();
    DaneTrustManager check =
        usable.isEmpty()
            ? null
            : new DaneTrustManager(usable, List.of(target.host(), tlsa.baseDomain()), clock);
    SmtpConnection.Opened opened;
    try {
      opened =
          SmtpConnection.open(
              target,
              address,
              config.client(),
              check == null ? tlsContext : check.context(),
              engine,
              local,
              clock);
    } catch (SmtpConnection.Failure f) {
      if (!f.tlsHandshake) throw f;
      DaneTrustManager.Verdict v = check == null ? null : check.verdict();
      Answer why =
          v != null && !v.ok()
              ? daneReplies.mismatch(
                  f.answer.at(), target.host() + "[" + ip + "]", tlsa.owner(), v.detail())
              : daneReplies.handshakeFailed(f.answer, tlsa.owner());
      observer.tlsSession(
          DaneReplies.session(
              why.at(),
              domain,
              tlsa,
              target.host(),
              ip,
              v != null && !v.ok() ? v.failure() : TlsSessionResult.Failure.VALIDATION_FAILURE,
              v != null && !v.ok() ? v.detail() : f.answer.reply().text()));
      throw new SmtpConnection.Failure(why, false);
    }
    SmtpConnection c = opened.connection();
    if (c.tls() == null) {
      Answer why =
          opened.tlsRefusal() != null
              ? local.tlsRefused(opened.tlsRefusal())
              : daneReplies.notOffered(clock.instant(), c.where(), tlsa.owner());
      c.quit();
      observer.tlsSession(
          DaneReplies.session(
              why.at(),
              domain,
              tlsa,
              target.host(),
              ip,
              TlsSessionResult.Failure.STARTTLS_NOT_SUPPORTED,
              why.reply().text()));
      throw new SmtpConnection.Failure(why, false);
    }
    if (check != null) c.verifiedBy("dane");
    observer.tlsSession(
        DaneReplies.session(
            clock.instant(),
            domain,
            tlsa,
            target.host(),
            ip,
            check == null ? TlsSessionResult.Failure.TLSA_INVALID : null,
            check == null
                ? "no usable TLSA record at "
                    + tlsa.owner()
                    + " ("
                    + tlsa.records().getFirst().unusableBecause()
                    + "); TLS was used without authentication"
                : null));
    return c;
  }

  /** A server that failed before any transaction cannot have delivered; 5xx ends, else defers. */
  private static Outcome outcomeOfFailure(Attempt a) {
    return a.reply().klass() == 5 ? Outcome.FAILED : Outcome.DEFERRED;
  }

  /**
   * Opens a connection under the TLS policy. An opportunistic handshake failure is recorded in
   * {@code failovers} and the same address is tried again in plain text.
   */
  private SmtpConnection open(
      MxTarget target,
      InetAddress address,
      TlsPolicy policy,
      String domain,
      String destination,
      List<Attempt> failovers)
      throws SmtpConnection.Failure {
    SSLContext ctx = policy == TlsPolicy.NONE ? null : tlsContext;
    SmtpConnection.Opened opened;
    try {
      opened = SmtpConnection.open(target, address, config.client(), ctx, engine, local, clock);
    } catch (SmtpConnection.Failure f) {
      if (!f.tlsHandshake || policy != TlsPolicy.OPPORTUNISTIC) throw f;
      // Opportunistic: a failed handshake leaves the session unusable; start over in plain text.
      Attempt tlsFailure = attempt(f.answer, target.host(), address.getHostAddress(), null, domain);
      failovers.add(tlsFailure);
      observer.serverFailed(destination, tlsFailure);
      opened = SmtpConnection.open(target, address, config.client(), null, engine, local, clock);
    }
    SmtpConnection c = opened.connection();
    if (policy == TlsPolicy.REQUIRED && c.tls() == null) {
      Answer why =
          opened.tlsRefusal() != null
              ? local.tlsRefused(opened.tlsRefusal())
              : local.tlsNotOffered(clock.instant(), domain, c.where());
      c.quit();
      throw new SmtpConnection.Failure(why, false);
    }
    return c;
  }

  /**
   * Runs as many transactions as the recipients need on one connection. Recipients refused with 452
   * 4.5.3 (too many recipients) while others of the same transaction were accepted go again in the
   * next one (RFC 5321 §4.5.3.1.10).
   */
  private List<RecipientResult> runTransactions(
      SmtpConnection conn, DeliveryJob job, String domain) {
    List<Recipient> all = job.recipients();
    RecipientResult[] results = new RecipientResult[all.size()];
    Deque<List<Integer>> batches = new ArrayDeque<>();
    int per = config.client().maxRecipientsPerTransaction();
    for (int i = 0; i < all.size(); i += per) {
      List<Integer> batch = new ArrayList<>();
      for (int j = i; j < Math.min(all.size(), i + per); j++) batch.add(j);
      batches.add(batch);
    }
    String host = conn.target().host();
    String ip = conn.address().getHostAddress();
    Answer breakage = null;
    while (!batches.isEmpty()) {
      List<Integer> batch = batches.poll();
      if (conn.broken()) {
        Answer why =
            breakage != null
                ? breakage
                : local.ioFailure(
                    clock.instant(),
                    Phase.MAIL,
                    conn.where(),
                    new java.io.EOFException("connection lost"),
                    "before these recipients were tried");
        Attempt a = attempt(why, host, ip, conn.tls(), domain);
        for (int i : batch) results[i] = new RecipientResult(all.get(i), why.outcome(), a);
        continue;
      }
      if (conn.needsReset() && !conn.reset()) {
        batches.addFirst(batch);
        continue;
      }
      List<Recipient> rcpts = batch.stream().map(all::get).toList();
      List<MailTransaction.Item> items = MailTransaction.run(conn, job, rcpts);
      boolean someAccepted =
          items.stream()
              .anyMatch(
                  it ->
                      it.answer().phase() == Phase.DATA
                          || it.answer().phase() == Phase.END_OF_DATA);
      List<Integer> again = new ArrayList<>();
      for (int k = 0; k < items.size(); k++) {
        MailTransaction.Item it = items.get(k);
        int index = batch.get(k);
        if (someAccepted && tooManyRecipients(it.answer()) && !conn.broken()) {
          again.add(index);
          continue;
        }
        if (conn.broken() && it.answer().closing() && breakage == null) breakage = it.answer();
        results[index] =
            new RecipientResult(
                it.recipient(), it.outcome(), attempt(it.answer(), host, ip, conn.tls(), domain));
      }
      if (!again.isEmpty()) batches.addFirst(again);
    }
    return Arrays.asList(results);
  }

  private static boolean tooManyRecipients(Answer a) {
    if (a.phase() != Phase.RCPT || a.code() != 452) return false;
    var e = a.reply().enhanced();
    if (e != null && e.subject() == 5 && e.detail() == 3) return true;
    return a.reply().text().toLowerCase(Locale.ROOT).contains("too many recipients");
  }

  private Attempt attempt(Answer a, String mxHost, String mxIp, String tls, String domain) {
    ReplyStatus status =
        a.forcedReason() != null
            ? engine.forReason(a.forcedReason(), a.reply())
            : engine.classify(a.reply(), new ReplyContext(a.phase(), mxHost, domain));
    return new Attempt(a.at(), mxHost, mxIp, tls, a.phase(), a.reply(), status, a.remote());
  }

  /** Closes idle pooled connections (with QUIT). Deliveries in progress finish on their own. */
  @Override
  public void close() {
    pool.close();
  }
}
