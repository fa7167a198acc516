package dev.petrel.deliver;

import java.time.Duration;
import java.util.List;

/**
 * The answer to one DNS question, reduced to what routing needs.
 *
 * @param status whether records came back, the name exists without them, does not exist, or the
 *     lookup failed
 * @param records the records of the asked type (empty unless {@link Status#FOUND})
 * @param ttl how long the answer may be reused (the smallest TTL among the records; for negative
 *     answers the zone's negative TTL when known)
 * @param detail for failures, what went wrong (for example {@code SERVFAIL} or a timeout), else ""
 */
public record DnsAnswer<T>(Status status, List<T> records, Duration ttl, String detail) {

  public enum Status {
    /** At least one record of the asked type. */
    FOUND,
    /** The name exists but has no record of this type (NOERROR with an empty answer). */
    NO_DATA,
    /** The name does not exist (NXDOMAIN). */
    NX_DOMAIN,
    /** No usable answer: SERVFAIL, REFUSED, a timeout or a network error; worth retrying. */
    FAILED
  }

  public DnsAnswer {
    records = List.copyOf(records);
    if (ttl == null || ttl.isNegative()) ttl = Duration.ZERO;
    if (detail == null) detail = "";
    if (status == Status.FOUND && records.isEmpty())
      throw new IllegalArgumentException("a FOUND answer needs records");
  }

  public static <T> DnsAnswer<T> found(List<T> records, Duration ttl) {
    return new DnsAnswer<>(Status.FOUND, records, ttl, "");
  }

  public static <T> DnsAnswer<T> noData(Duration ttl) {
    return new DnsAnswer<>(Status.NO_DATA, List.of(), ttl, "");
  }

  public static <T> DnsAnswer<T> nxDomain(Duration ttl) {
    return new DnsAnswer<>(Status.NX_DOMAIN, List.of(), ttl, "");
  }

  public static <T> DnsAnswer<T> failed(String detail) {
    return new DnsAnswer<>(Status.FAILED, List.of(), Duration.ZERO, detail);
  }
}
