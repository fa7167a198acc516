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
  private final TlsTrust trust;
  private final TlsRequirements requirements;
  private final DaneReplies daneReplies;
  private volatile MtaStsStore policyStore = MtaStsStore.MEMORY;

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
    this.tlsContext = config.client().tlsContext();
    TlsChecks checks = config.client().tlsChecks();
    this.trust = checks.trust();
    this.daneReplies = new DaneReplies(engine);
    // The published policies, strongest first. DANE (RFC 7672) goes in front of MTA-STS: where a
    // host has secure TLSA records they decide (RFC 8461 §2). The operator's per-domain policy
    // and the default are applied by TlsRequirements around these. DANE needs a validating
    // resolver (--dnssec-resolver) and is off when the operator turned TLS off by default.
    List<TlsRequirements.Source> sources = new ArrayList<>();
    DaneLookup dane = DaneLookup.create(config.routing(), clock);
    if (dane != null && config.client().tlsPolicy() != TlsPolicy.NONE)
      sources.add(new Dane(dane, clock));
    if (checks.mtaSts())
      sources.add(
          new MtaSts(
              router.dns(),
              config.routing().outbound(),
              trust,
              checks.mtaStsPort(),
              checks.mtaStsTimeout(),
              new MtaStsStore() {
                @Override
                public Cached load(String domain) {
                  return policyStore.load(domain);
                }

                @Override
                public void save(Cached cached) {
                  policyStore.save(cached);
                }
              },
              clock));
    this.requirements = new TlsRequirements(config.client(), sources);
  }

  /** Keeps fetched MTA-STS policies in {@code store} (the queue store) instead of memory only. */
  public void keepPoliciesIn(MtaStsStore store) {
    this.policyStore = store == null ? MtaStsStore.MEMORY : store;
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
    TlsRequirements.PerHost perHost = requirements.forRoute(domain, route);
    List<Attempt> failovers = new ArrayList<>();
    Attempt last = null;
    int tried = 0;
    for (MxTarget target : route.targets()) {
      TlsRequirement requirement = perHost.forHost(target);
      if (requirement.refusal() != null) {
        // RFC 8461 §4.1: an MX host the enforced policy does not list is not connected to.
        // RFC 7672 §2.1: nor is one whose TLSA records cannot be known (dnssec-invalid).
        boolean dane = requirement.source() == TlsRequirement.Source.DANE;
        Answer why =
            dane
                ? daneReplies.lookupFailed(clock.instant(), target.host(), requirement.refusal())
                : local.notInPolicy(clock.instant(), domain, requirement.refusal());
        CertificateCheck.Problem problem = requirement.policyProblem();
        last =
            attempt(
                why,
                target.host(),
                null,
                null,
                domain,
                new TlsFacts(
                    null,
                    requirement.description(),
                    problem != null ? problem.text() : requirement.refusal()));
        failovers.add(last);
        observer.serverFailed(destination, last);
        if (dane) report(requirement, target, null, problem);
        continue;
      }
      for (InetAddress address : target.addresses()) {
        if (tried++ >= config.client().maxAddressesPerDelivery()) break;
        SmtpConnection conn =
            pool.take(
                new ConnectionPool.Key(target.host(), address, target.port()),
                c ->
                    c.requirement() != null
                        && requirement.servedBy(c.requirement(), c.facts(), c.tls() != null));
        if (conn != null && !requirement.equals(conn.requirement())) {
          // Reused for another domain's requirement that it also serves: the policy shown is this
          // one; what the certificate was verified against when the session began stays true.
          TlsFacts before = conn.facts();
          conn.settle(
              requirement,
              new TlsFacts(
                  before == null ? null : before.verified(), requirement.description(), null));
        }
        if (conn == null) {
          try {
            conn = open(target, address, requirement, domain, destination, failovers);
          } catch (SmtpConnection.Failure f) {
            TlsFacts facts =
                f.facts != null ? f.facts : new TlsFacts(null, requirement.description(), null);
            last = attempt(f.answer, target.host(), address.getHostAddress(), null, domain, facts);
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

  /** A server that failed before any transaction cannot have delivered; 5xx ends, else defers. */
  private static Outcome outcomeOfFailure(Attempt a) {
    return a.reply().klass() == 5 ? Outcome.FAILED : Outcome.DEFERRED;
  }

  /**
   * Opens a connection under the host's TLS requirement and checks the certificate as it asks. An
   * opportunistic handshake failure is recorded in {@code failovers} and the same address is tried
   * again in plain text; under a requirement that is enforced nothing is ever sent in plain text: a
   * missing STARTTLS, a failed handshake or a failed certificate check ends the attempt before any
   * mail command. Each TLS session (or its failure) is told to the observer for TLS reports.
   */
  private SmtpConnection open(
      MxTarget target,
      InetAddress address,
      TlsRequirement req,
      String domain,
      String destination,
      List<Attempt> failovers)
      throws SmtpConnection.Failure {
    String ip = address.getHostAddress();
    SSLContext ctx = null;
    TlsTrust.Capture capture = null;
    if (req.encryption() != TlsPolicy.NONE) {
      if (tlsContext != null) {
        ctx = tlsContext;
      } else {
        capture = trust.capture();
        ctx = capture.context();
      }
    }
    SmtpConnection.Opened opened;
    try {
      opened =
          SmtpConnection.open(target, address, config.client(), ctx, capture, engine, local, clock);
    } catch (SmtpConnection.Failure f) {
      if (!f.tlsHandshake) {
        f.facts = new TlsFacts(null, req.description(), null);
        throw f;
      }
      CertificateCheck.Problem problem =
          new CertificateCheck.Problem(
              TlsSessionResult.Failure.VALIDATION_FAILURE,
              "TLS handshake failed: " + f.answer.reply().text());
      report(req, target, ip, problem);
      if (req.encryption() != TlsPolicy.OPPORTUNISTIC) {
        if (req.source() == TlsRequirement.Source.DANE) {
          SmtpConnection.Failure d =
              new SmtpConnection.Failure(
                  daneReplies.handshakeFailed(f.answer, req.description()), false);
          d.facts = new TlsFacts(null, req.description(), problem.text());
          throw d;
        }
        f.facts = new TlsFacts(null, req.description(), problem.text());
        throw f;
      }
      // Opportunistic: a failed handshake leaves the session unusable; start over in plain text.
      TlsFacts facts =
          new TlsFacts(null, req.description(), req.check() != null ? problem.text() : null);
      Attempt tlsFailure = attempt(f.answer, target.host(), ip, null, domain, facts);
      failovers.add(tlsFailure);
      observer.serverFailed(destination, tlsFailure);
      opened =
          SmtpConnection.open(target, address, config.client(), null, null, engine, local, clock);
      SmtpConnection plain = opened.connection();
      plain.settle(req, facts);
      return plain;
    }
    SmtpConnection c = opened.connection();
    CertificateCheck.Problem problem;
    String verified = null;
    if (c.tls() == null) {
      problem =
          req.encryption() == TlsPolicy.NONE || ctx == null
              ? null
              : new CertificateCheck.Problem(
                  TlsSessionResult.Failure.STARTTLS_NOT_SUPPORTED,
                  opened.tlsRefusal() != null
                      ? c.where() + " refused STARTTLS: " + replyText(opened.tlsRefusal())
                      : c.where() + " does not offer STARTTLS");
      if (req.tlsRequired()) {
        report(req, target, ip, problem);
        Answer why =
            opened.tlsRefusal() != null
                ? local.tlsRefused(opened.tlsRefusal())
                : switch (req.source()) {
                  case DANE ->
                      daneReplies.notOffered(clock.instant(), c.where(), req.description());
                  case MTA_STS ->
                      local.tlsNotOfferedUnderPolicy(
                          clock.instant(), domain, c.where(), req.description());
                  default -> local.tlsNotOffered(clock.instant(), domain, c.where());
                };
        c.quit();
        SmtpConnection.Failure f = new SmtpConnection.Failure(why, false);
        f.facts = new TlsFacts(null, req.description(), problem == null ? null : problem.text());
        throw f;
      }
      // Without a check asked for, a plain session under no policy is nothing to report.
      if (req.check() == null) problem = null;
    } else {
      problem = req.check() == null ? null : req.check().check(target.host(), c.peer());
      if (problem != null && req.enforced()) {
        report(req, target, ip, problem);
        Answer why =
            req.check() instanceof DaneCheck dane
                ? daneReplies.mismatch(clock.instant(), c.where(), dane.owner(), problem.detail())
                : local.certificateRefused(
                    clock.instant(), domain, c.where(), req.description(), problem);
        c.quit(); // over TLS: no mail command was sent
        SmtpConnection.Failure f = new SmtpConnection.Failure(why, false);
        f.facts = new TlsFacts("none", req.description(), problem.text());
        throw f;
      }
      verified = req.check() != null && problem == null ? req.check().name() : "none";
    }
    if (problem == null) problem = req.policyProblem();
    if (c.tls() != null
        || problem != null
        || req.report().policyType() != TlsSessionResult.PolicyType.NO_POLICY_FOUND)
      report(req, target, ip, problem);
    c.settle(
        req, new TlsFacts(verified, req.description(), problem == null ? null : problem.text()));
    return c;
  }

  /** One TLS session's result, for TLS reports (RFC 8460). */
  private void report(
      TlsRequirement req, MxTarget target, String ip, CertificateCheck.Problem problem) {
    TlsRequirement.Report r = req.report();
    observer.tlsSession(
        new TlsSessionResult(
            clock.instant(),
            r.policyDomain(),
            r.policyType(),
            r.policyStrings(),
            target.host(),
            ip,
            problem == null ? null : problem.failure(),
            problem == null ? null : problem.detail()));
  }

  private static String replyText(Answer a) {
    return (a.code() + " " + a.reply().text()).strip();
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
        Attempt a = attempt(why, host, ip, conn.tls(), domain, conn.facts());
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
                it.recipient(),
                it.outcome(),
                attempt(it.answer(), host, ip, conn.tls(), domain, conn.facts()));
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
    return attempt(a, mxHost, mxIp, tls, domain, null);
  }

  private Attempt attempt(
      Answer a, String mxHost, String mxIp, String tls, String domain, TlsFacts facts) {
    ReplyStatus status =
        a.forcedReason() != null
            ? engine.forReason(a.forcedReason(), a.reply())
            : engine.classify(a.reply(), new ReplyContext(a.phase(), mxHost, domain));
    return new Attempt(a.at(), mxHost, mxIp, tls, a.phase(), a.reply(), status, a.remote(), facts);
  }

  /** Closes idle pooled connections (with QUIT). Deliveries in progress finish on their own. */
  @Override
  public void close() {
    pool.close();
  }
}
