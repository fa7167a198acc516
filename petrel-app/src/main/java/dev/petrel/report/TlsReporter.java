package dev.petrel.report;

import dev.petrel.deliver.DnsAnswer;
import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.PeriodicThread;
import dev.petrel.model.QueueId;
import dev.petrel.model.Recipient;
import dev.petrel.queue.MessageStore;
import dev.petrel.queue.Spool;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.TlsReportStore;
import dev.petrel.queue.TlsReportStore.SessionCount;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes and sends the daily SMTP TLS reports (RFC 8460 §4, §5): once a UTC day is over, for each
 * policy domain with sessions that day, the report of every account's sessions goes to the
 * addresses the domain publishes at {@code _smtp._tls.DOMAIN}: by mail through Petrel's own queue
 * ({@code mailto:}, §5.3), or by an HTTPS POST ({@code https:}, §5.4) that reaches only public
 * addresses unless the operator allows internal networks (the webhooks' setting). Each day and
 * domain is claimed in the store before anything is sent, so a report goes out once, whatever
 * restarts or other nodes. A thread of its own looks for finished days a minute after start and
 * then every hour, and deletes counts and reports older than the retention period.
 */
public final class TlsReporter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("tls-reports");

  /** How often the job looks for finished days. */
  public static final Duration INTERVAL = Duration.ofHours(1);

  /** How long after start the first look comes. */
  public static final Duration FIRST_RUN = Duration.ofMinutes(1);

  /**
   * What became of one domain's report of a day.
   *
   * @param sent false when the report was claimed before (by another run or node)
   */
  public record Outcome(String policyDomain, String reportId, boolean sent, String text) {}

  private final MessageStore queue;
  private final TlsReportStore store;
  private final TlsReportJson.Submitter submitter;
  private final Function<String, DnsAnswer<String>> txt;
  private final WebhookTargets targets;
  private final PinnedHttpPost http;
  private final InstantSource clock;
  private final Duration retention;
  private final Runnable queued;
  private final PeriodicThread thread =
      new PeriodicThread("petrel-tls-reports", FIRST_RUN, INTERVAL, this::runOnce);

  /**
   * @param queue where report mail is queued
   * @param txt looks up TXT records (DNS)
   * @param targets where an https report may go (the operator's allowed networks)
   * @param tls the TLS client of https reports (the JVM's trusted certificates)
   * @param retention how long counts and reports are kept, or null for ever
   * @param queued called after report mail was queued (wakes delivery)
   */
  public TlsReporter(
      MessageStore queue,
      TlsReportStore store,
      TlsReportJson.Submitter submitter,
      Function<String, DnsAnswer<String>> txt,
      WebhookTargets targets,
      SSLSocketFactory tls,
      InstantSource clock,
      Duration retention,
      Runnable queued) {
    this.queue = Objects.requireNonNull(queue, "queue");
    this.store = Objects.requireNonNull(store, "store");
    this.submitter = Objects.requireNonNull(submitter, "submitter");
    this.txt = Objects.requireNonNull(txt, "txt");
    this.targets = Objects.requireNonNull(targets, "targets");
    this.http =
        new PinnedHttpPost(
            tls == null ? (SSLSocketFactory) SSLSocketFactory.getDefault() : tls,
            Duration.ofSeconds(10),
            Duration.ofSeconds(30));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.retention = retention;
    this.queued = queued == null ? () -> {} : queued;
  }

  public void start() {
    thread.start();
  }

  /** Sends the reports of every finished day not reported yet, then prunes; never throws. */
  public void runOnce() {
    try {
      LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
      for (LocalDate day : store.daysWithoutReports(today)) send(day);
      if (retention != null) {
        Instant cut = clock.instant().minus(retention);
        int n = store.prune(LocalDate.ofInstant(cut, ZoneOffset.UTC), cut);
        if (n > 0)
          LOG.info("tls-reports: deleted {} counts and reports older than {}", n, retention);
      }
    } catch (StorageException | RuntimeException e) {
      LOG.warn("tls-reports: failed, tried again in {}: {}", INTERVAL, e.getMessage());
    }
  }

  /**
   * Sends the reports of {@code day} not sent yet (one per policy domain with sessions that day). A
   * domain whose record could not be looked up (DNS trouble) is left for a later run.
   */
  public List<Outcome> send(LocalDate day) throws StorageException {
    Map<String, List<SessionCount>> byDomain = new LinkedHashMap<>();
    for (SessionCount s : store.sessions(null, day, day, null))
      byDomain.computeIfAbsent(s.policyDomain(), k -> new ArrayList<>()).add(s);
    List<Outcome> out = new ArrayList<>();
    for (var e : byDomain.entrySet()) out.add(send(day, e.getKey(), e.getValue()));
    return out;
  }

  private Outcome send(LocalDate day, String domain, List<SessionCount> sessions)
      throws StorageException {
    String id = TlsReportJson.reportId(day, domain, submitter.hostname());
    // Reported already: no lookup (the claim below decides when two runs meet).
    if (store.report(id).isPresent()) return new Outcome(domain, id, false, "sent before");
    String json = TlsReportJson.text(TlsReportJson.report(submitter, day, domain, sessions));
    DnsAnswer<String> answer = txt.apply(TlsRptRecord.name(domain));
    if (answer.status() == DnsAnswer.Status.FAILED)
      return new Outcome(
          domain,
          id,
          false,
          "not sent: looking up "
              + TlsRptRecord.name(domain)
              + " failed: "
              + answer.detail()
              + " (tried again later)");
    TlsRptRecord record =
        answer.status() == DnsAnswer.Status.FOUND ? TlsRptRecord.of(answer.records()) : null;
    String rua = record == null ? "" : record.text();
    TlsReportStore.Report claim =
        new TlsReportStore.Report(
            id,
            day,
            domain,
            clock.instant(),
            rua,
            record == null ? "no TLSRPT record" : "sending",
            json);
    if (!store.claimReport(claim)) return new Outcome(domain, id, false, "sent before");
    if (record == null) {
      LOG.info("tls-reports: {} publishes no TLS reporting record; report {} kept", domain, id);
      return new Outcome(domain, id, true, "no TLSRPT record");
    }
    List<String> results = new ArrayList<>();
    for (URI uri : record.rua()) results.add(uri + ": " + deliver(uri, day, domain, id, json));
    String outcome = String.join("; ", results);
    store.finishReport(id, outcome);
    LOG.info("tls-reports: report {}: {}", id, outcome);
    return new Outcome(domain, id, true, outcome);
  }

  private String deliver(URI uri, LocalDate day, String domain, String id, String json) {
    if (uri.getScheme().equalsIgnoreCase("mailto")) return mail(uri, day, domain, id, json);
    return post(uri, day, domain, json);
  }

  private String mail(URI uri, LocalDate day, String domain, String id, String json) {
    EmailAddress to;
    try {
      to = EmailAddress.parse(TlsRptRecord.mailbox(uri));
    } catch (IllegalArgumentException e) {
      return "not sent: " + e.getMessage();
    }
    Envelope envelope =
        new Envelope(
            null,
            List.of(Recipient.of(to)),
            "7BIT",
            to.needsUtf8(),
            null,
            null,
            Envelope.DEFAULT_ACCOUNT,
            null,
            null,
            submitter.hostname());
    byte[] message =
        TlsReportMail.write(
            fromAddress(),
            to.toString(),
            submitter.hostname(),
            domain,
            day,
            id,
            json,
            clock.instant());
    try (Spool spool = queue.begin(envelope)) {
      spool.body().write(message);
      QueueId q = spool.commit();
      queued.run();
      return "queued as " + q;
    } catch (StorageException | IOException e) {
      return "not queued: " + e.getMessage();
    }
  }

  /** The From address: the contact when it is an address, else postmaster of this host. */
  private String fromAddress() {
    String c = submitter.contact().strip();
    if (c.toLowerCase(Locale.ROOT).startsWith("mailto:")) c = c.substring(7);
    try {
      return EmailAddress.parse(c).toString();
    } catch (IllegalArgumentException e) {
      return "postmaster@" + submitter.hostname();
    }
  }

  private String post(URI uri, LocalDate day, String domain, String json) {
    List<InetAddress> addresses;
    try {
      addresses = targets.addresses(uri);
    } catch (UnknownHostException e) {
      return "not sent: " + e.getMessage();
    } catch (WebhookTargets.RefusedException e) {
      return "not sent: "
          + e.getMessage().replace("webhooks may not reach", "reports may not reach")
          + " (the operator can allow networks with --webhook-allow-networks)";
    } catch (IllegalArgumentException e) {
      return "not sent: " + e.getMessage();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/tlsrpt+gzip");
    headers.put("User-Agent", "Petrel TLS reporting");
    try {
      int status =
          http.postToFirst(uri, addresses, headers, TlsReportMail.gzip(json), s -> {}, s -> {});
      return status / 100 == 2 ? "posted (" + status + ")" : "refused with HTTP " + status;
    } catch (IOException e) {
      return "not sent: " + e.getClass().getSimpleName() + " " + e.getMessage();
    }
  }

  @Override
  public void close() {
    thread.close(false, 10_000);
  }
}
