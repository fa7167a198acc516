package dev.petrel.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: writer threads turn everything waiting in the queue into one transaction, so
 * concurrent sessions' messages share one commit and one fsync of the WAL. Each write runs under
 * its own savepoint, so one failing write fails alone; a failed commit fails the whole group. On
 * PostgreSQL a group runs first without savepoints, and only when one of its writes fails is it
 * rolled back and run again with them ({@link Transactions#savepointsOnlyAfterAFailure}). Callers
 * learn the outcome only after the commit is on stable storage.
 *
 * <p>How a group's transaction is run is the back end's ({@link Transactions}): the embedded store
 * has one thread owning its single write connection ({@link #sqlite}); PostgreSQL has a few
 * threads, each group a transaction of the {@link PostgresWriter} on a pooled connection ({@link
 * #postgresql}), so a group is being committed while the next one is collected and run.
 */
final class GroupCommitWriter implements SqlWriter, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

  /** One write, run on the writer thread inside the group's transaction. */
  @FunctionalInterface
  interface Task<T> {
    T run(Context context) throws SQLException;
  }

  /**
   * Thrown by a task to refuse its write with a store answer of its own (e.g. a quota): the task's
   * savepoint is rolled back and the caller gets {@code answer}.
   */
  static final class Refused extends RuntimeException {
    final StorageException answer;

    Refused(StorageException answer) {
      super(answer.getMessage(), null, false, false);
      this.answer = answer;
    }
  }

  /** What a task gets: the connection, its SQL dialect and a cache of prepared statements. */
  static final class Context {
    private final Connection connection;
    private final SqlDialect dialect;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    Context(Connection connection) {
      this(connection, SqlDialect.SQLITE);
    }

    Context(Connection connection, SqlDialect dialect) {
      this.connection = connection;
      this.dialect = dialect;
    }

    /** The database's dialect, for the few statements written differently. */
    SqlDialect dialect() {
      return dialect;
    }

    /** The write connection, inside the group's transaction (for reads that must see it). */
    Connection connection() {
      return connection;
    }

    PreparedStatement prepare(String sql) throws SQLException {
      PreparedStatement ps = statements.get(sql);
      if (ps == null) {
        ps = connection.prepareStatement(sql);
        statements.put(sql, ps);
      }
      return ps;
    }

    /**
     * The month's counts of accepted recipients this group adds, written once at its end ({@link
     * #endGroup}); null outside a group, where each count is written at once. Every message of an
     * account adds to the same row, so writing it per message would make that row's lock the
     * group's first statement and hold it through all the others until the commit: a second group
     * (another writer thread, another node) could not even begin its inserts meanwhile. Written
     * last, the lock is held only for the commit. Sorted, so that groups lock rows in one order.
     */
    private java.util.TreeMap<UsageKey, Long> groupUsage;

    /** What the write now running added; kept into the group only if the write succeeds. */
    private final Map<UsageKey, Long> writeUsage = new HashMap<>();

    record UsageKey(String account, String month) implements Comparable<UsageKey> {
      @Override
      public int compareTo(UsageKey o) {
        int c = account.compareTo(o.account);
        return c != 0 ? c : month.compareTo(o.month);
      }
    }

    /** Whether a write kept in this group queued a message (PostgreSQL: notify at its end). */
    private boolean groupNewMail;

    /** Whether the write now running queued a message. */
    private boolean writeNewMail;

    /** Begins a group: counts and the new-mail notification wait for {@link #endGroup}. */
    void beginGroup() {
      groupUsage = new java.util.TreeMap<>();
      writeUsage.clear();
      groupNewMail = false;
      writeNewMail = false;
    }

    /**
     * Tells the other nodes on the database that a message is queued ({@link PostgresNewMail}), as
     * the transaction commits: inside a group once, at its end, else now. PostgreSQL would fold a
     * group's identical notifications into one anyway; sending one saves a statement per message.
     */
    void newMail() throws SQLException {
      if (groupUsage == null) execute(PostgresNewMail.NOTIFY);
      else writeNewMail = true;
    }

    /**
     * Adds {@code recipients} to the account's count of {@code month}: at the group's end inside a
     * group, else now.
     */
    void countUsage(String account, String month, long recipients) throws SQLException {
      if (groupUsage == null) AccountRows.addUsage(this, account, month, recipients);
      else writeUsage.merge(new UsageKey(account, month), recipients, Long::sum);
    }

    /** What this group has counted for the account's month and not yet written. */
    long pendingUsage(String account, String month) {
      if (groupUsage == null) return 0;
      UsageKey k = new UsageKey(account, month);
      return groupUsage.getOrDefault(k, 0L) + writeUsage.getOrDefault(k, 0L);
    }

    /** The write now running ended: its counts join the group's if it succeeded. */
    void writeEnded(boolean kept) {
      if (groupUsage != null && kept) {
        writeUsage.forEach((k, v) -> groupUsage.merge(k, v, Long::sum));
        groupNewMail |= writeNewMail;
      }
      writeUsage.clear();
      writeNewMail = false;
    }

    /**
     * Writes the group's counts (in key order) and its new-mail notification, before its commit;
     * ends the deferral.
     */
    void endGroup() throws SQLException {
      java.util.TreeMap<UsageKey, Long> counts = groupUsage;
      boolean newMail = groupNewMail;
      groupUsage = null;
      writeUsage.clear();
      groupNewMail = false;
      writeNewMail = false;
      if (counts == null) return;
      for (Map.Entry<UsageKey, Long> e : counts.entrySet())
        AccountRows.addUsage(this, e.getKey().account(), e.getKey().month(), e.getValue());
      if (newMail) execute(PostgresNewMail.NOTIFY);
    }

    /** Runs a statement that returns nothing useful (transaction control, pragmas). */
    void execute(String sql) throws SQLException {
      prepare(sql).execute();
    }

    void closeStatements() {
      for (PreparedStatement ps : statements.values()) {
        try {
          ps.close();
        } catch (SQLException ignored) {
          // closing anyway
        }
      }
      statements.clear();
    }
  }

  /** The body of a group's transaction: runs each write under its savepoint. */
  @FunctionalInterface
  interface GroupBody {
    void run(Context context) throws SQLException;
  }

  /** Runs a group's writes in one transaction of the back end, and closes what it holds. */
  interface Transactions {
    /**
     * Begins a transaction, runs {@code body} and commits; rolls back and throws when the body or
     * the commit fails (nothing of the group is kept).
     */
    void run(GroupBody body) throws SQLException, StorageException;

    /** Called once by the last writer thread, after the last group. */
    void close();

    /**
     * Whether a group runs first without savepoints, and again with them only when one of its
     * writes failed: the back end can roll the transaction back and rerun it (every write only
     * touches the database), and a savepoint costs it a statement and a subtransaction per write.
     */
    default boolean savepointsOnlyAfterAFailure() {
      return false;
    }
  }

  private record Pending(Task<?> task, CompletableFuture<Object> result, boolean message) {}

  private static final Pending STOP = new Pending(c -> null, new CompletableFuture<>(), false);

  private final Transactions transactionsOf;
  private final boolean savepointFailureLosesGroup;
  private final int maxGroup;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Object gate = new Object();
  private boolean accepting = true;

  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong messages = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicInteger backlog = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private volatile CountDownLatch paused;

  GroupCommitWriter(Connection connection, int maxGroup, boolean checkpointOnClose) {
    this(sqlite(connection, checkpointOnClose), 1, maxGroup, true);
  }

  /**
   * @param writers how many groups may be in flight at once (one thread each)
   * @param savepointFailureLosesGroup whether a failed rollback to a write's savepoint means the
   *     database dropped the whole transaction (SQLite after a full disk)
   */
  GroupCommitWriter(
      Transactions transactions, int writers, int maxGroup, boolean savepointFailureLosesGroup) {
    this.transactionsOf = transactions;
    this.maxGroup = maxGroup;
    this.savepointFailureLosesGroup = savepointFailureLosesGroup;
    for (int i = 0; i < writers; i++)
      threads.add(
          Thread.ofPlatform()
              .name(writers == 1 ? "petrel-store-writer" : "petrel-store-writer-" + i)
              .daemon(true)
              .unstarted(this::loop));
    running.set(writers);
    for (Thread t : this.threads) t.start();
  }

  /**
   * The embedded store's transactions: {@code BEGIN IMMEDIATE} ... {@code COMMIT} on its one write
   * connection, which is checkpointed (when this store owns the folder) and closed at the end.
   */
  static Transactions sqlite(Connection connection, boolean checkpointOnClose) {
    Context context = new Context(connection);
    return new Transactions() {
      @Override
      public void run(GroupBody body) throws SQLException {
        context.execute("BEGIN IMMEDIATE");
        try {
          body.run(context);
          context.execute("COMMIT");
        } catch (SQLException | RuntimeException | Error e) {
          try {
            context.execute("ROLLBACK");
          } catch (SQLException ignored) {
            // no transaction left to roll back
          }
          throw e;
        }
      }

      @Override
      public void close() {
        if (checkpointOnClose) {
          try {
            context.execute("PRAGMA wal_checkpoint(TRUNCATE)");
          } catch (SQLException e) {
            log.warn("WAL checkpoint at close failed (the next start does it): {}", e.getMessage());
          }
        }
        context.closeStatements();
        try {
          connection.close();
        } catch (SQLException e) {
          log.warn("closing the store's write connection failed: {}", e.getMessage());
        }
      }
    };
  }

  /**
   * PostgreSQL's transactions: each group is one call of {@code writer}, on a pooled connection
   * (which reruns the group after a deadlock or a serialization failure).
   */
  static Transactions postgresql(PostgresWriter writer) {
    return new Transactions() {
      @Override
      public void run(GroupBody body) throws StorageException {
        writer.call(
            c -> {
              body.run(c);
              return null;
            },
            false,
            "committing a group of writes");
      }

      @Override
      public void close() {}

      @Override
      public boolean savepointsOnlyAfterAFailure() {
        return true;
      }
    };
  }

  /**
   * Runs a write in the next group and waits until its transaction is committed (or failed).
   * Waiting is not interruptible: the caller must learn whether the write happened.
   *
   * @param message whether this write queues a message (for {@link StoreStats})
   * @param doing what the write is, for the exception text
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> T call(Task<T> task, boolean message, String doing) throws StorageException {
    CompletableFuture<Object> result = new CompletableFuture<>();
    synchronized (gate) {
      if (!accepting) throw new StorageException(doing + " failed: the store is closed");
      backlog.incrementAndGet();
      queue.add(new Pending(task, result, message));
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return (T) result.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof Refused refused) throw refused.answer;
          if (cause instanceof SQLException sql) throw StorageFailures.of(sql, doing);
          if (cause instanceof StorageFullException full)
            throw StorageFailures.full(doing + " failed: " + full.getMessage(), full);
          if (cause instanceof StoreUnavailableException away)
            throw new StoreUnavailableException(doing + " failed: " + away.getMessage(), away);
          if (cause instanceof StorageException group)
            throw new StorageException(doing + " failed: " + group.getMessage(), group);
          throw new StorageException(doing + " failed: " + cause, cause);
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  @Override
  public StoreStats stats() {
    return new StoreStats(transactions.get(), messages.get(), writes.get());
  }

  /** Writes submitted but not yet started (tests use it with {@link #pause()}). */
  int backlog() {
    return backlog.get();
  }

  /**
   * Holds the writer before its next group until the returned handle is closed, so a test can line
   * up concurrent commits and see them share one transaction.
   */
  AutoCloseable pause() {
    CountDownLatch latch = new CountDownLatch(1);
    paused = latch;
    return () -> {
      paused = null;
      latch.countDown();
    };
  }

  private void loop() {
    List<Pending> group = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      try {
        group.add(queue.take());
        CountDownLatch latch = paused;
        if (latch != null) latch.await();
      } catch (InterruptedException e) {
        continue; // only close() stops the writer, and it does so through the queue
      }
      queue.drainTo(group, maxGroup - 1);
      int stopAt = group.indexOf(STOP);
      if (stopAt >= 0) {
        stop = true;
        group.subList(stopAt, group.size()).clear();
        queue.add(STOP); // for the other writer threads
      }
      backlog.addAndGet(-group.size());
      if (!group.isEmpty()) {
        try {
          runGroup(group);
        } catch (RuntimeException | Error e) {
          fail(group, e);
          log.error("store writer failed a group of {} writes", group.size(), e);
        }
      }
      group.clear();
    }
    if (running.decrementAndGet() == 0) transactionsOf.close();
  }

  private void runGroup(List<Pending> group) {
    Object[] results = new Object[group.size()];
    Throwable[] errors = new Throwable[group.size()];
    boolean savepoints = !transactionsOf.savepointsOnlyAfterAFailure();
    while (true) {
      boolean withSavepoints = savepoints;
      try {
        transactionsOf.run(
            context -> {
              // a rerun of the group (after a deadlock, or with savepoints) starts over
              java.util.Arrays.fill(results, null);
              java.util.Arrays.fill(errors, null);
              context.beginGroup();
              if (withSavepoints) runWithSavepoints(group, context, results, errors);
              else runWithoutSavepoints(group, context, results);
              context.endGroup();
            });
        break;
      } catch (WithSavepoints again) {
        savepoints = true;
      } catch (GroupLost lost) {
        fail(group, lost.getCause());
        return;
      } catch (SQLException | StorageException e) {
        if (e.getCause() instanceof WithSavepoints) {
          savepoints = true;
          continue;
        }
        fail(group, e);
        return;
      }
    }
    transactions.incrementAndGet();
    for (int i = 0; i < group.size(); i++) {
      Pending p = group.get(i);
      if (errors[i] != null) {
        p.result().completeExceptionally(errors[i]);
      } else {
        writes.incrementAndGet();
        if (p.message()) messages.incrementAndGet();
        p.result().complete(results[i]);
      }
    }
  }

  /** Runs each write under its savepoint, so that one failing write fails alone. */
  private void runWithSavepoints(
      List<Pending> group, Context context, Object[] results, Throwable[] errors)
      throws SQLException {
    // On PostgreSQL a write's savepoint is released together with the next write's SAVEPOINT, in
    // one round trip (the commit releases the last one).
    boolean joinRelease = context.dialect() == SqlDialect.POSTGRESQL;
    boolean open = false;
    for (int i = 0; i < group.size(); i++) {
      try {
        context.execute(open ? "RELEASE w; SAVEPOINT w" : "SAVEPOINT w");
        open = true;
        results[i] = group.get(i).task().run(context);
        if (!joinRelease) {
          context.execute("RELEASE w");
          open = false;
        }
        context.writeEnded(true);
      } catch (SQLException | RuntimeException e) {
        open = false;
        context.writeEnded(false);
        if (e instanceof SQLException sql
            && sql.getSQLState() != null
            && RERUN.contains(sql.getSQLState())) throw sql;
        errors[i] = e;
        try {
          context.execute("ROLLBACK TO w");
          context.execute("RELEASE w");
        } catch (SQLException lost) {
          // SQLite already rolled the whole transaction back (e.g. disk full): the group is lost
          if (savepointFailureLosesGroup) throw new GroupLost(e);
          throw lost;
        }
      }
    }
  }

  /**
   * Runs the writes without savepoints. A write that fails ends the attempt ({@link
   * WithSavepoints}: the transaction is rolled back and the group run again with savepoints, so
   * that write fails alone), unless the failure is the connection's or the transaction's as a whole
   * (lost connection, deadlock), which the group shares in any case.
   */
  private static void runWithoutSavepoints(List<Pending> group, Context context, Object[] results)
      throws SQLException {
    for (int i = 0; i < group.size(); i++) {
      try {
        results[i] = group.get(i).task().run(context);
        context.writeEnded(true);
      } catch (SQLException | RuntimeException e) {
        context.writeEnded(false);
        if (e instanceof SQLException sql && sharedFailure(sql)) throw sql;
        throw new WithSavepoints(e);
      }
    }
  }

  /**
   * A failure no savepoint isolates: the connection is gone, or the whole transaction must rerun.
   */
  private static boolean sharedFailure(SQLException e) {
    String state = e.getSQLState();
    return state != null
        && (RERUN.contains(state) || state.startsWith("08") || state.startsWith("57P"));
  }

  /** A write of a group run without savepoints failed: run the group again with them. */
  private static final class WithSavepoints extends RuntimeException {
    WithSavepoints(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** deadlock_detected, serialization_failure: the whole group is rolled back and run again. */
  private static final java.util.Set<String> RERUN = java.util.Set.of("40P01", "40001");

  /** The database dropped the group's transaction: every write of it fails with this cause. */
  private static final class GroupLost extends RuntimeException {
    GroupLost(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private static void fail(List<Pending> group, Throwable e) {
    for (Pending p : group) p.result().completeExceptionally(e);
  }

  /** Stops taking writes, finishes every write already queued, checkpoints and closes. */
  @Override
  public void close() {
    synchronized (gate) {
      if (!accepting) return;
      accepting = false;
      queue.add(STOP);
    }
    CountDownLatch latch = paused;
    if (latch != null) latch.countDown();
    boolean interrupted = false;
    for (Thread thread : threads)
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    if (interrupted) Thread.currentThread().interrupt();
  }
}
