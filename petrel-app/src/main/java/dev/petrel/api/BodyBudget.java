package dev.petrel.api;

import java.util.HashMap;
import java.util.Map;

/**
 * The heap the HTTP API may spend on request bodies, shared by every request of every account. A
 * request with a body is admitted only when its estimated cost fits; otherwise it is answered at
 * once, before its body is read: 429 when the caller's own account already holds its share, 503
 * when the server as a whole is full. Either answer carries {@code Retry-After}.
 *
 * <p>The cost of a body is {@link #FACTOR} times its length: a JSON body is held as bytes, then as
 * the parser's characters and strings, then decoded (base64 attachments) and composed again into
 * the message, so a 33 MiB body with one attachment needed about 200 MiB of heap at its peak
 * (measured by the smallest {@code -Xmx} that still answered 202 for it: 272m did, 224m ran out). A
 * body of unknown length (chunked) is admitted for its first {@link #CHUNK} bytes and charged while
 * it is read ({@link Lease#cover}).
 *
 * <p>One request is always admitted when nothing else holds memory (globally, or for its account),
 * however large its cost: the documented request limit stays reachable on any heap, one at a time.
 */
final class BodyBudget {

  /** Heap bytes charged per byte of request body. */
  static final int FACTOR = 7;

  /** What a chunked body is first admitted for, and the step it is charged by while read. */
  static final long CHUNK = 256 * 1024;

  /** Seconds a refused caller is told to wait: large requests finish in about that time. */
  static final long RETRY_AFTER_SECONDS = 2;

  /** The default budget: 70 % of the largest heap, which leaves room for everything else. */
  static long defaultCapacity() {
    long max = Runtime.getRuntime().maxMemory();
    if (max == Long.MAX_VALUE) max = 1024L * 1024 * 1024;
    return max / 10 * 7;
  }

  private final long capacity;
  private final long perAccount;
  private long held;
  private final Map<String, Long> byAccount = new HashMap<>();

  /** A budget of {@code capacity} heap bytes; one account may hold three quarters of it. */
  BodyBudget(long capacity) {
    if (capacity < CHUNK * FACTOR)
      throw new IllegalArgumentException(
          "the request-body memory budget must be at least " + CHUNK * FACTOR + " bytes");
    this.capacity = capacity;
    this.perAccount = capacity / 4 * 3;
  }

  long capacity() {
    return capacity;
  }

  /** Memory held now (for tests and reports). */
  synchronized long held() {
    return held;
  }

  /**
   * Admits a body of {@code bodyBytes} (its Content-Length, or {@link #CHUNK} when unknown) for
   * {@code account}.
   *
   * @throws Problem 429 when the account holds its share, 503 when the budget is spent
   */
  Lease admit(String account, long bodyBytes) {
    Lease lease = new Lease(account);
    lease.charge(bodyBytes);
    return lease;
  }

  private synchronized void take(Lease lease, long cost) {
    long mine = byAccount.getOrDefault(lease.account, 0L);
    boolean accountAlone = mine == lease.bytes;
    boolean serverAlone = held == lease.bytes;
    if (mine + cost > perAccount && !accountAlone)
      throw new Problem(
              429,
              "busy-account",
              "Too many large requests at once",
              "this account's requests in progress already hold its share of the server's memory"
                  + " for request bodies; send this one when one of them has been answered")
          .header("Retry-After", Long.toString(RETRY_AFTER_SECONDS));
    if (held + cost > capacity && !serverAlone)
      throw new Problem(
              503,
              "busy",
              "The server is busy",
              "the server's memory for request bodies is taken by requests in progress; nothing"
                  + " was read or changed, send the request again shortly")
          .header("Retry-After", Long.toString(RETRY_AFTER_SECONDS));
    held += cost;
    byAccount.merge(lease.account, cost, Long::sum);
    lease.bytes += cost;
  }

  private synchronized void give(Lease lease) {
    if (lease.bytes == 0) return;
    held -= lease.bytes;
    byAccount.compute(
        lease.account, (k, v) -> v == null || v - lease.bytes <= 0 ? null : v - lease.bytes);
    lease.bytes = 0;
  }

  /** The memory one request holds; closing it (once the answer is written) gives it back. */
  final class Lease implements AutoCloseable {
    private final String account;
    private long bytes;
    private long covered;

    private Lease(String account) {
      this.account = account;
    }

    /**
     * Makes sure the first {@code bodyBytes} of the body are paid for, taking more in steps of
     * {@link #CHUNK} when the body grows past what was admitted.
     *
     * @throws Problem 429 or 503 as {@link #admit} does
     */
    void cover(long bodyBytes) {
      if (bodyBytes > covered) charge(Math.max(bodyBytes, covered + CHUNK));
    }

    private void charge(long target) {
      take(this, (target - covered) * FACTOR);
      covered = target;
    }

    @Override
    public void close() {
      give(this);
    }
  }
}
