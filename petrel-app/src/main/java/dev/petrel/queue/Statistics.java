package dev.petrel.queue;

import java.time.Instant;
import java.util.List;

/**
 * What one account's mail did over a time range, as {@code GET /api/v1/stats} shows it: per time
 * bucket, how many recipients reached each final state and how many attempts were deferred; over
 * the whole range, the most frequent reasons, reply codes and destination domains.
 *
 * @param buckets one per bucket from the range's first to its last, empty buckets included
 * @param reasons failure reasons of attempts (not 2xx), most frequent first
 * @param codes reply codes of attempts, most frequent first
 * @param domains destination domains by recipients that reached a final state, most first
 * @param bounceReasons the reasons of the recipients that bounced (each one's last attempt or
 *     bounce report before it bounced), most frequent first
 */
public record Statistics(
    List<Bucket> buckets,
    List<Count> reasons,
    List<CodeCount> codes,
    List<DomainCount> domains,
    List<Count> bounceReasons) {

  public Statistics {
    bounceReasons = List.copyOf(bounceReasons);
    buckets = List.copyOf(buckets);
    reasons = List.copyOf(reasons);
    codes = List.copyOf(codes);
    domains = List.copyOf(domains);
  }

  /**
   * One bucket: recipients that changed to each final state in it, and attempts that ended in a
   * temporary failure (4xx or no reply).
   */
  public record Bucket(
      Instant start, long delivered, long deferred, long bounced, long expired, long suppressed) {}

  public record Count(String value, long count) {}

  /** A basic code with its enhanced code (null when the reply had none). */
  public record CodeCount(int code, String enhanced, long count) {}

  /** A destination domain: recipients that reached a final state there, and how many bounced. */
  public record DomainCount(String domain, long recipients, long bounced) {}

  /** How many items each top list holds at most. */
  public static final int TOP = 10;
}
