package dev.petrel.deliver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Finds whether DANE applies to one server of a route and with which TLSA records (RFC 7672 §2.2),
 * asking a resolver the operator trusts to validate DNSSEC ({@code --dnssec-resolver}).
 *
 * <p>Petrel does not validate signatures itself: like Postfix with {@code
 * smtp_dns_support_level=dnssec}, it sets the DO and AD bits in each question and takes an answer
 * as secure only when that resolver sets AD in its reply (RFC 7672 §2.1, RFC 6840 §5.7). The path
 * to that resolver must be trusted too (loopback, or a private link): an AD bit can be forged by
 * anyone on the way.
 *
 * <p>The steps, for a server found through MX records (or the domain itself without MX):
 *
 * <ol>
 *   <li>the MX RRset of the domain must be secure and name the host; an insecure MX RRset means no
 *       DANE for its hosts (RFC 7672 §2.2.1 allows going on; Petrel, like Postfix, does not, as an
 *       unsigned MX answer could have been forged to name any host);
 *   <li>the host's address records must be secure (RFC 7672 §2.2.3); when they come through a CNAME
 *       chain the TLSA records are looked for at its end first, then at the host;
 *   <li>the TLSA RRset at {@code _PORT._tcp.HOST} must be secure; not there, or not signed: no DANE
 *       (opportunistic TLS as before).
 * </ol>
 *
 * A failed lookup in any step (SERVFAIL, which a validating resolver answers for bogus data, or a
 * timeout) is a {@link Failed} result: the server is skipped and the mail deferred rather than sent
 * with less protection than the receiver asked for (RFC 7672 §2.1). Static routes and the relay
 * host are the operator's own choice: DANE does not apply to them.
 *
 * <p>Results are kept for the smallest TTL of the answers used (at least 5 seconds, at most an
 * hour); failures are not kept. Thread-safe.
 */
public final class DaneLookup {

  /** What DANE says about one server. */
  public sealed interface Result {}

  /** DANE does not apply: TLS as the destination's policy says (opportunistic by default). */
  public record NotApplicable(String why) implements Result {}

  /** A lookup failed: the server must not be used now (RFC 8460 {@code dnssec-invalid}). */
  public record Failed(String detail) implements Result {}

  /**
   * Secure TLSA records: TLS is mandatory, and authenticated when at least one record is usable.
   *
   * @param baseDomain the TLSA base domain (the MX host, or the end of its CNAME chain)
   * @param owner the owner name of the records ({@code _25._tcp.BASE})
   */
  public record Records(String baseDomain, String owner, List<TlsaRecord> records)
      implements Result {
    public Records {
      records = List.copyOf(records);
    }

    public List<TlsaRecord> usable() {
      return records.stream().filter(TlsaRecord::usable).toList();
    }

    /** The records in presentation form, for TLS reports (RFC 8460 "policy-string"). */
    public List<String> presentation() {
      return records.stream().map(TlsaRecord::presentation).toList();
    }
  }

  static final Duration MIN_TTL = Duration.ofSeconds(5);
  static final Duration MAX_TTL = Duration.ofHours(1);
  private static final int MAX_CNAMES = 8;
  private static final int CAPACITY = 10_000;

  private final SimpleResolver resolver;
  private final String description;
  private final InstantSource clock;
  private final Map<String, Kept> kept = new ConcurrentHashMap<>();

  private record Kept(Result result, Instant expires) {}

  /**
   * @param server the validating resolver (an IP literal, or a name resolved once at start)
   * @param timeout how long one question may take
   */
  public DaneLookup(HostPort server, Duration timeout, InstantSource clock) {
    InetAddress address;
    try {
      address = InetAddress.getByName(server.host());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown DNSSEC resolver host " + server.host());
    }
    SimpleResolver r = new SimpleResolver(new InetSocketAddress(address, server.port()));
    r.setTimeout(timeout);
    // DO: ask for DNSSEC processing; the payload size of DNS flag day 2020.
    r.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
    this.resolver = r;
    this.description = server.toString();
    this.clock = clock;
  }

  /** The lookup routing asks for, or null when no validating resolver is configured (no DANE). */
  public static DaneLookup create(RoutingConfig routing, InstantSource clock) {
    if (routing.dnssecResolver() == null) return null;
    return new DaneLookup(routing.dnssecResolver(), routing.dnsTimeout(), clock);
  }

  @Override
  public String toString() {
    return "DNSSEC-validating resolver " + description;
  }

  /** What DANE says about {@code target} of a route for {@code domain} of the given kind. */
  public Result lookup(String domain, Route.Kind kind, MxTarget target) {
    if (kind != Route.Kind.MX && kind != Route.Kind.IMPLICIT_MX)
      return new NotApplicable("DANE is not applied to static routes and the relay host");
    String host = target.host().toLowerCase(Locale.ROOT);
    if (isLiteral(host)) return new NotApplicable("an address literal has no TLSA records");
    String key = kind + " " + domain.toLowerCase(Locale.ROOT) + " " + host + " " + target.port();
    Instant now = clock.instant();
    Kept k = kept.get(key);
    if (k != null && now.isBefore(k.expires)) return k.result;
    Duration[] ttl = {MAX_TTL};
    Result r = resolve(domain.toLowerCase(Locale.ROOT), kind, host, target.port(), ttl);
    if (!(r instanceof Failed)) {
      Duration t = ttl[0].compareTo(MIN_TTL) < 0 ? MIN_TTL : ttl[0];
      if (kept.size() >= CAPACITY) kept.clear();
      kept.put(key, new Kept(r, now.plus(t)));
    }
    return r;
  }

  private Result resolve(String domain, Route.Kind kind, String host, int port, Duration[] ttl) {
    if (kind == Route.Kind.MX) {
      Reply mx = ask(domain, Type.MX);
      if (mx.failure != null) return new Failed(mx.failure);
      ttl[0] = min(ttl[0], mx.ttl);
      if (!mx.secure)
        return new NotApplicable(
            "the MX records of "
                + domain
                + " are not DNSSEC-signed (insecure), so DANE does not"
                + " apply (RFC 7672 §2.2.1)");
      boolean named = false;
      for (Record r : mx.records)
        if (r instanceof MXRecord m && name(m.getTarget()).equals(host)) named = true;
      if (!named)
        return new NotApplicable(
            "the validated MX records of " + domain + " do not name " + host + " (DANE skipped)");
    }
    Reply a = ask(host, Type.A);
    if (a.failure != null) return new Failed(a.failure);
    if (a.rcode == Rcode.NOERROR && a.records.isEmpty()) {
      // An IPv6-only host: its AAAA records count instead.
      Reply aaaa = ask(host, Type.AAAA);
      if (aaaa.failure != null) return new Failed(aaaa.failure);
      a = aaaa;
    }
    ttl[0] = min(ttl[0], a.ttl);
    if (!a.secure)
      return new NotApplicable(
          "the address records of "
              + host
              + " are not DNSSEC-signed (insecure), so DANE does"
              + " not apply (RFC 7672 §2.2.3)");
    List<String> bases = new ArrayList<>();
    if (!a.owner.equals(host)) bases.add(a.owner);
    bases.add(host);
    Reply tlsa = null;
    String owner = null;
    String base = null;
    for (String b : bases) {
      owner = "_" + port + "._tcp." + b;
      base = b;
      tlsa = ask(owner, Type.TLSA);
      if (tlsa.failure != null)
        return new Failed(tlsa.failure + " (the TLSA records of " + host + " cannot be known)");
      if (!tlsa.records.isEmpty()) break;
    }
    ttl[0] = min(ttl[0], tlsa.ttl);
    if (tlsa.records.isEmpty())
      return new NotApplicable(host + " publishes no TLSA records at " + owner);
    if (!tlsa.secure)
      return new NotApplicable(
          "the TLSA records at "
              + owner
              + " are not DNSSEC-signed (insecure), so they are not"
              + " used (RFC 7672 §2.2)");
    List<TlsaRecord> out = new ArrayList<>();
    for (Record r : tlsa.records)
      if (r instanceof TLSARecord t)
        out.add(
            new TlsaRecord(
                t.getCertificateUsage(),
                t.getSelector(),
                t.getMatchingType(),
                t.getCertificateAssociationData()));
    return new Records(base, owner, out);
  }

  /**
   * One answer: the records of the asked type at the end of the CNAME chain ({@code owner}),
   * whether the resolver set AD, and a failure text when there is no usable answer.
   */
  private record Reply(
      int rcode,
      boolean secure,
      String owner,
      List<Record> records,
      Duration ttl,
      String failure) {}

  private Reply ask(String name, int type) {
    String what = Type.string(type) + " " + name + " via " + description;
    Name qname;
    try {
      qname = Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      return new Reply(0, false, name, List.of(), Duration.ZERO, "bad DNS name " + name);
    }
    Message query = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
    // RFC 6840 §5.7: AD in a question asks for the AD bit in the reply.
    query.getHeader().setFlag(Flags.AD);
    Message response;
    try {
      response = resolver.send(query);
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new Reply(0, false, name, List.of(), Duration.ZERO, what + ": " + why);
    }
    int rcode = response.getRcode();
    boolean ad = response.getHeader().getFlag(Flags.AD);
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN)
      return new Reply(
          rcode,
          false,
          name,
          List.of(),
          Duration.ZERO,
          what
              + ": "
              + Rcode.string(rcode)
              + (rcode == Rcode.SERVFAIL
                  ? " (DNSSEC validation failed, or the resolver could not reach the servers)"
                  : ""));
    Name owner = qname;
    List<Record> answer = response.getSection(Section.ANSWER);
    long ttl = Long.MAX_VALUE;
    for (int hops = 0; hops < MAX_CNAMES; hops++) {
      Name next = null;
      for (Record r : answer)
        if (r instanceof CNAMERecord c && c.getName().equals(owner)) {
          next = c.getTarget();
          ttl = Math.min(ttl, c.getTTL());
        }
      if (next == null) break;
      owner = next;
    }
    List<Record> matching = new ArrayList<>();
    for (Record r : answer)
      if (r.getType() == type && r.getName().equals(owner)) {
        matching.add(r);
        ttl = Math.min(ttl, r.getTTL());
      }
    if (matching.isEmpty()) {
      ttl = 60;
      for (Record r : response.getSection(Section.AUTHORITY))
        if (r instanceof org.xbill.DNS.SOARecord soa)
          ttl = Math.min(soa.getTTL(), soa.getMinimum());
    }
    return new Reply(rcode, ad, name(owner), matching, Duration.ofSeconds(ttl), null);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String name(Name n) {
    return n.toString(true).toLowerCase(Locale.ROOT);
  }

  private static boolean isLiteral(String host) {
    if (host.indexOf(':') >= 0) return true;
    try {
      InetAddress.ofLiteral(host);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
