package dev.petrel.queue;

import dev.petrel.accounts.AccountStore;
import dev.petrel.accounts.LoginStore;
import dev.petrel.domains.SenderDomainStore;
import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import dev.petrel.webhooks.WebhookStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What both SQL back ends share: every role of the store as calls of the row classes ({@code
 * DeliveryRows}, {@code MessageRows}, ...), each write one transaction of the back end's {@link
 * SqlWriter}, each read one snapshot. A back end gives the writer, the reads, its {@link
 * SqlDialect} and the node name its leases carry, and keeps message bodies its own way (intake,
 * {@link #openStoredBody}, {@link #delete}).
 */
abstract class SqlMessageStore implements Store {

  private final SqlDialect dialect;
  private volatile boolean closed;
  private final InstantSource clock;
  private final SqliteAccountStore accounts = new SqliteAccountStore(this);
  private final SqliteSenderDomainStore senderDomains = new SqliteSenderDomainStore(this);
  private final SqliteWebhookStore webhooks = new SqliteWebhookStore(this);
  private final SqliteLoginStore logins = new SqliteLoginStore(this);
  private final SqlTlsReportStore tlsReports = new SqlTlsReportStore(this);

  SqlMessageStore(SqlDialect dialect, InstantSource clock) {
    this.dialect = dialect;
    this.clock = clock;
  }

  /** Runs the store's writes. */
  abstract SqlWriter writer();

  /** A read in one snapshot of the database. */
  abstract <T> T read(Read<T> read, String doing) throws StorageException;

  /**
   * A read that is a single statement, which sees one snapshot by itself: a back end may run it
   * without a transaction of its own (PostgreSQL: one round trip instead of three). Only for reads
   * that run exactly one query; anything more goes through {@link #read}.
   */
  <T> T readOne(Read<T> read, String doing) throws StorageException {
    return read(read, doing);
  }

  /** The name of this node, which its leases carry. */
  abstract String node();

  /** Whether {@link #close} has begun (long jobs such as pruning stop early). */
  final boolean isClosed() {
    return closed;
  }

  /**
   * Marks the store closed; true only for the first call, whose {@link #close} then releases what
   * the back end holds.
   */
  final boolean beginClose() {
    synchronized (this) {
      if (closed) return false;
      closed = true;
      return true;
    }
  }

  /** Called after pruning deleted these messages' rows: their bodies kept elsewhere go too. */
  void bodiesPruned(List<String> ids) {}

  @FunctionalInterface
  interface Read<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Where a message's body is, as read in one snapshot, and its size (when the back end needs it).
   */
  record BodyLocation(MessageRows.BodyAt at, long size) {}

  /**
   * Reads where the body of {@code id} is; a back end that needs more to open a body stored apart
   * reads it here, in the same snapshot.
   */
  BodyLocation locateBody(Connection c, QueueId id) throws SQLException {
    return new BodyLocation(MessageRows.body(c, id), 0);
  }

  /** Opens a body kept apart from its row, found by {@link #locateBody}. */
  abstract InputStream openStoredBody(QueueId id, BodyLocation found) throws IOException;

  @Override
  public final InputStream openBody(QueueId id) throws IOException {
    Objects.requireNonNull(id, "id");
    BodyLocation found;
    try {
      found = read(c -> locateBody(c, id), "reading message " + id);
    } catch (StorageException e) {
      throw new IOException(e.getMessage(), e);
    }
    return switch (found.at()) {
      case MessageRows.BodyAt.Unknown u ->
          throw new NoSuchFileException(id.value(), null, "no message " + id);
      case MessageRows.BodyAt.Inline inline -> new ByteArrayInputStream(inline.data());
      case MessageRows.BodyAt.File f -> openStoredBody(id, found);
    };
  }

  final SqlDialect dialect() {
    return dialect;
  }

  final InstantSource clock() {
    return clock;
  }

  @Override
  public Optional<StoredMessage> find(QueueId id) throws StorageException {
    Objects.requireNonNull(id, "id");
    return Optional.ofNullable(read(c -> MessageRows.find(c, id), "reading message " + id));
  }

  @Override
  public List<StoredMessage> list(int limit) throws StorageException {
    if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
    return read(c -> MessageRows.list(c, dialect, limit), "listing the queue");
  }

  @Override
  public List<StoredMessage> search(MessageQuery query) throws StorageException {
    Objects.requireNonNull(query, "query");
    return read(c -> SearchRows.search(c, dialect, query), "searching messages");
  }

  @Override
  public boolean hold(QueueId id) throws StorageException {
    Objects.requireNonNull(id, "id");
    return writer().call(c -> MessageRows.setHeld(c, id, true), false, "holding message " + id);
  }

  @Override
  public boolean release(QueueId id) throws StorageException {
    Objects.requireNonNull(id, "id");
    return writer().call(c -> MessageRows.setHeld(c, id, false), false, "releasing message " + id);
  }

  @Override
  public List<DeliveryJob> claimDue(Instant now, int limit, Duration lease)
      throws StorageException {
    return claimDue(now, limit, lease, List.of());
  }

  @Override
  public List<DeliveryJob> claimDue(
      Instant now, int limit, Duration lease, java.util.Collection<String> skipDomains)
      throws StorageException {
    Objects.requireNonNull(now, "now");
    List<String> skip =
        skipDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).distinct().sorted().toList();
    List<String> skipped = skip.subList(0, Math.min(skip.size(), MAX_SKIPPED_DOMAINS));
    if (limit < 1) throw new IllegalArgumentException("limit must be at least 1");
    if (lease == null || lease.isNegative() || lease.isZero())
      throw new IllegalArgumentException("the lease must be positive");
    String leaseId = UUID.randomUUID().toString();
    return writer()
        .call(
            c ->
                DeliveryRows.claim(
                    c, now.toEpochMilli(), limit, lease.toMillis(), leaseId, node(), skipped),
            false,
            "claiming due recipients");
  }

  @Override
  public boolean recordAttempt(
      DeliveryJob job, int position, AttemptRecord attempt, RecipientUpdate update)
      throws StorageException {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(update, "update");
    return writer()
        .call(
            c -> DeliveryRows.record(c, job, position, attempt, update),
            false,
            "recording an attempt of message " + job.message().id());
  }

  @Override
  public void unclaim(DeliveryJob job, Instant nextAttempt) throws StorageException {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(nextAttempt, "nextAttempt");
    writer()
        .call(
            c -> DeliveryRows.unclaim(c, job, nextAttempt.toEpochMilli()),
            false,
            "giving back message " + job.message().id());
  }

  @Override
  public Optional<RecipientState> recordReport(
      QueueId id, int position, AttemptRecord attempt, boolean bounce) throws StorageException {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(attempt, "attempt");
    return Optional.ofNullable(
        writer()
            .call(
                c -> ReportRows.record(c, id.value(), position, attempt, bounce),
                false,
                "recording a report on message " + id));
  }

  @Override
  public int releaseLeases(Instant now) throws StorageException {
    Objects.requireNonNull(now, "now");
    return writer()
        .call(
            c -> DeliveryRows.releaseLeases(c, now.toEpochMilli(), node()),
            false,
            "releasing this node's leases");
  }

  @Override
  public List<RecipientDelivery> deliveries(QueueId id) throws StorageException {
    Objects.requireNonNull(id, "id");
    return read(c -> DeliveryRows.deliveries(c, id), "reading the attempts of message " + id);
  }

  @Override
  public int retryNow(Selection selection, Instant now) throws StorageException {
    Objects.requireNonNull(selection, "selection");
    return writer()
        .call(c -> DeliveryRows.retryNow(c, selection, now.toEpochMilli()), false, "retrying");
  }

  @Override
  public int cancel(Selection selection, Instant now) throws StorageException {
    Objects.requireNonNull(selection, "selection");
    return writer()
        .call(c -> DeliveryRows.cancel(c, selection, now.toEpochMilli()), false, "cancelling");
  }

  @Override
  public void pause(String domain, Instant now) throws StorageException {
    writer()
        .call(
            c -> SuppressionRows.pause(c, domainKey(domain), now.toEpochMilli()), false, "pausing");
  }

  @Override
  public void resume(String domain) throws StorageException {
    writer()
        .call(
            c -> SuppressionRows.resume(c, domain == null ? null : domainKey(domain)),
            false,
            "resuming");
  }

  @Override
  public Set<String> paused() throws StorageException {
    return readOne(SuppressionRows::paused, "reading paused destinations");
  }

  private static String domainKey(String domain) {
    if (domain == null) return "";
    String d = domain.trim().toLowerCase(Locale.ROOT);
    if (d.isEmpty()) throw new IllegalArgumentException("the domain is empty");
    return d;
  }

  @Override
  public boolean addSuppression(Suppression suppression) throws StorageException {
    Objects.requireNonNull(suppression, "suppression");
    return writer()
        .call(
            c -> SuppressionRows.add(c, suppression),
            false,
            "suppressing " + suppression.address());
  }

  @Override
  public int addSuppressions(List<Suppression> suppressions) throws StorageException {
    Objects.requireNonNull(suppressions, "suppressions");
    return writer()
        .call(
            c -> {
              int added = 0;
              for (Suppression s : suppressions) if (SuppressionRows.add(c, s)) added++;
              return added;
            },
            false,
            "suppressing " + suppressions.size() + " addresses");
  }

  @Override
  public boolean removeSuppression(String account, String address) throws StorageException {
    return writer()
        .call(c -> SuppressionRows.remove(c, account, address), false, "unsuppressing " + address);
  }

  @Override
  public Optional<Suppression> findSuppression(String account, String address)
      throws StorageException {
    return Optional.ofNullable(
        readOne(c -> SuppressionRows.find(c, account, address), "reading the suppression list"));
  }

  @Override
  public List<Suppression> suppressions(String account, int limit) throws StorageException {
    if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
    return read(c -> SuppressionRows.list(c, account, limit), "reading the suppression list");
  }

  @Override
  public Statistics statistics(String account, Instant from, Instant to, Duration bucket)
      throws StorageException {
    if (!from.isBefore(to)) throw new IllegalArgumentException("from must be before to");
    if (bucket.toMillis() < 1) throw new IllegalArgumentException("the bucket is too short");
    return read(c -> StatsRows.read(c, account, from, to, bucket.toMillis()), "reading statistics");
  }

  @Override
  public Pruned prune(Instant cutoff, int batch) throws StorageException {
    Objects.requireNonNull(cutoff, "cutoff");
    if (batch < 1) throw new IllegalArgumentException("batch must be at least 1");
    long cut = cutoff.toEpochMilli();
    Pruned total = Pruned.NONE;
    PruneRows.Position at = PruneRows.Position.START;
    while (!isClosed() && !Thread.currentThread().isInterrupted()) {
      PruneRows.Position from = at;
      List<PruneRows.Candidate> window =
          read(c -> PruneRows.candidates(c, cut, from, batch), "finding old messages");
      if (window.isEmpty()) break;
      List<String> ids = window.stream().map(PruneRows.Candidate::id).toList();
      PruneRows.Batch done =
          writer().call(c -> PruneRows.delete(c, ids, cut), false, "pruning old messages");
      bodiesPruned(done.ids());
      total = total.plus(done.pruned());
      PruneRows.Candidate last = window.getLast();
      at = new PruneRows.Position(last.created(), last.id());
      if (window.size() < batch) break;
    }
    int lines;
    do {
      if (isClosed() || Thread.currentThread().isInterrupted()) break;
      lines =
          writer()
              .call(c -> PruneRows.deleteWebhookLog(c, cut, batch), false, "pruning webhook logs");
      total = total.plus(new Pruned(0, 0, 0, lines));
    } while (lines == batch);
    return total;
  }

  @Override
  public Pruned prunable(Instant cutoff) throws StorageException {
    Objects.requireNonNull(cutoff, "cutoff");
    return read(c -> PruneRows.count(c, cutoff.toEpochMilli()), "counting old messages");
  }

  @Override
  public java.util.Map<RecipientState, Long> depth() throws StorageException {
    return read(StatsRows::depth, "counting the queue");
  }

  @Override
  public long webhookBacklog() throws StorageException {
    return read(StatsRows::webhookBacklog, "counting webhook deliveries waiting");
  }

  @Override
  public java.util.Optional<Instant> oldestDue(Instant now) throws StorageException {
    Long at = read(c -> StatsRows.oldestDue(c, now.toEpochMilli()), "ageing the queue");
    return java.util.Optional.ofNullable(at).map(Instant::ofEpochMilli);
  }

  @Override
  public AccountStore accounts() {
    return accounts;
  }

  @Override
  public SenderDomainStore senderDomains() {
    return senderDomains;
  }

  @Override
  public WebhookStore webhooks() {
    return webhooks;
  }

  /** SMTP logins, in this store. */
  @Override
  public LoginStore logins() {
    return logins;
  }

  /** Installation secrets, in this store. */
  @Override
  public SecretStore secrets() {
    return logins;
  }

  /** TLS session counts and reports, in this store. */
  @Override
  public TlsReportStore tlsReports() {
    return tlsReports;
  }

  @Override
  public Optional<KeptPolicy> keptPolicy(String domain) throws StorageException {
    return Optional.ofNullable(
        read(c -> PolicyRows.find(c, domain), "reading the MTA-STS policy of " + domain));
  }

  @Override
  public void keepPolicy(KeptPolicy policy) throws StorageException {
    writer()
        .call(
            c -> PolicyRows.keep(c, policy),
            false,
            "keeping the MTA-STS policy of " + policy.domain());
  }

  /** Counters of the writer: how many transactions, messages and writes so far. */
  @Override
  public StoreStats stats() {
    return writer().stats();
  }
}
