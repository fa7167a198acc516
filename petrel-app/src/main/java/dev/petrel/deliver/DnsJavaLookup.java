package dev.petrel.deliver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@link DnsLookup} over dnsjava: one query per question to a configured server (for example a
 * local dnsmasq in tests) or to the system's resolvers from {@code /etc/resolv.conf}.
 *
 * <p>Each question is sent as it is, with a trailing dot, so the resolver's search list never turns
 * {@code example.com} into {@code example.com.corp.lan}. CNAME chains in an answer are followed; a
 * truncated UDP answer is retried over TCP by dnsjava.
 */
public final class DnsJavaLookup implements DnsLookup {

  /** How many CNAMEs to follow inside one answer before calling it a loop. */
  private static final int MAX_CNAMES = 8;

  private final Resolver resolver;
  private final boolean ipv6;
  private final String description;

  /**
   * @param server the DNS server to ask, or null for the system's resolvers
   * @param timeout how long one question may take, retries included
   * @param ipv6 whether to ask for AAAA records too
   */
  public DnsJavaLookup(HostPort server, Duration timeout, boolean ipv6) {
    if (timeout == null || timeout.isNegative() || timeout.isZero())
      throw new IllegalArgumentException("DNS timeout must be positive");
    if (server == null) {
      ExtendedResolver r = new ExtendedResolver();
      r.setTimeout(timeout);
      this.resolver = r;
      this.description = "system resolver";
    } else {
      InetAddress address;
      try {
        // The server is given as an IP literal (or a name the system resolves once, at start).
        address = InetAddress.getByName(server.host());
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("unknown DNS server host " + server.host());
      }
      SimpleResolver r = new SimpleResolver(new InetSocketAddress(address, server.port()));
      r.setTimeout(timeout);
      this.resolver = r;
      this.description = server.toString();
    }
    this.ipv6 = ipv6;
  }

  @Override
  public DnsAnswer<Mx> mx(String domain) {
    Reply reply = ask(domain, Type.MX);
    if (reply.failure != null) return DnsAnswer.failed(reply.failure);
    if (reply.rcode == Rcode.NXDOMAIN) return DnsAnswer.nxDomain(reply.negativeTtl);
    List<Mx> out = new ArrayList<>();
    long ttl = Long.MAX_VALUE;
    for (Record r : reply.answers) {
      if (r instanceof MXRecord mx) {
        out.add(new Mx(mx.getPriority(), hostName(mx.getTarget())));
        ttl = Math.min(ttl, mx.getTTL());
      }
    }
    if (out.isEmpty()) return DnsAnswer.noData(reply.negativeTtl);
    return DnsAnswer.found(out, Duration.ofSeconds(ttl));
  }

  @Override
  public DnsAnswer<InetAddress> addresses(String host) {
    DnsAnswer<InetAddress> v4 = addresses(host, Type.A);
    if (!ipv6) return v4;
    DnsAnswer<InetAddress> v6 = addresses(host, Type.AAAA);
    List<InetAddress> all = new ArrayList<>(v4.records());
    all.addAll(v6.records());
    if (!all.isEmpty()) {
      Duration ttl = v4.records().isEmpty() ? v6.ttl() : v4.ttl();
      if (!v6.records().isEmpty() && v6.ttl().compareTo(ttl) < 0) ttl = v6.ttl();
      return DnsAnswer.found(all, ttl);
    }
    if (v4.status() == DnsAnswer.Status.FAILED) return v4;
    if (v6.status() == DnsAnswer.Status.FAILED) return v6;
    if (v4.status() == DnsAnswer.Status.NX_DOMAIN) return v4;
    return v4.ttl().compareTo(v6.ttl()) <= 0 ? v4 : v6;
  }

  private DnsAnswer<InetAddress> addresses(String host, int type) {
    Reply reply = ask(host, type);
    if (reply.failure != null) return DnsAnswer.failed(reply.failure);
    if (reply.rcode == Rcode.NXDOMAIN) return DnsAnswer.nxDomain(reply.negativeTtl);
    List<InetAddress> out = new ArrayList<>();
    long ttl = Long.MAX_VALUE;
    for (Record r : reply.answers) {
      if (r instanceof ARecord a) out.add(a.getAddress());
      else if (r instanceof AAAARecord a) out.add(a.getAddress());
      else continue;
      ttl = Math.min(ttl, r.getTTL());
    }
    if (out.isEmpty()) return DnsAnswer.noData(reply.negativeTtl);
    return DnsAnswer.found(out, Duration.ofSeconds(ttl));
  }

  /**
   * The TXT records of {@code name}, each one's strings joined into one text (RFC 6376 §3.6.2.2,
   * RFC 7208 §3.3), octets read as UTF-8. Used to check the SPF, DKIM and DMARC records of sender
   * domains, and for MTA-STS discovery.
   */
  @Override
  public DnsAnswer<String> txt(String name) {
    Reply reply = ask(name, Type.TXT);
    if (reply.failure != null) return DnsAnswer.failed(reply.failure);
    if (reply.rcode == Rcode.NXDOMAIN) return DnsAnswer.nxDomain(reply.negativeTtl);
    List<String> out = new ArrayList<>();
    long ttl = Long.MAX_VALUE;
    for (Record r : reply.answers) {
      if (r instanceof TXTRecord t) {
        StringBuilder b = new StringBuilder();
        for (byte[] part : t.getStringsAsByteArrays())
          b.append(new String(part, java.nio.charset.StandardCharsets.UTF_8));
        out.add(b.toString());
        ttl = Math.min(ttl, t.getTTL());
      }
    }
    if (out.isEmpty()) return DnsAnswer.noData(reply.negativeTtl);
    return DnsAnswer.found(out, Duration.ofSeconds(ttl));
  }

  /** The records of {@code type} owned by the name or by the end of its CNAME chain. */
  private record Reply(int rcode, List<Record> answers, Duration negativeTtl, String failure) {}

  private Reply ask(String name, int type) {
    Name qname;
    try {
      qname = Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      return new Reply(0, List.of(), Duration.ZERO, "bad DNS name " + name);
    }
    Message query = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
    Message response;
    try {
      response = resolver.send(query);
    } catch (IOException e) {
      String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new Reply(
          0,
          List.of(),
          Duration.ZERO,
          Type.string(type) + " lookup via " + description + ": " + what);
    }
    int rcode = response.getRcode();
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
      return new Reply(
          rcode,
          List.of(),
          Duration.ZERO,
          Type.string(type) + " lookup via " + description + ": " + Rcode.string(rcode));
    }
    Duration negative = negativeTtl(response);
    if (rcode == Rcode.NXDOMAIN) return new Reply(rcode, List.of(), negative, null);
    // Follow the CNAME chain within the answer section.
    Name owner = qname;
    List<Record> answer = response.getSection(Section.ANSWER);
    for (int hops = 0; hops < MAX_CNAMES; hops++) {
      Name next = null;
      for (Record r : answer) {
        if (r instanceof CNAMERecord c && c.getName().equals(owner)) next = c.getTarget();
      }
      if (next == null) break;
      owner = next;
    }
    List<Record> matching = new ArrayList<>();
    for (Record r : answer) {
      if (r.getType() == type && r.getName().equals(owner)) matching.add(r);
    }
    return new Reply(rcode, matching, negative, null);
  }

  /** RFC 2308: a negative answer lives for min(SOA TTL, SOA minimum), when an SOA came along. */
  private static Duration negativeTtl(Message response) {
    for (Record r : response.getSection(Section.AUTHORITY)) {
      if (r instanceof SOARecord soa)
        return Duration.ofSeconds(Math.min(soa.getTTL(), soa.getMinimum()));
    }
    return Duration.ZERO;
  }

  private static String hostName(Name name) {
    if (name.equals(Name.root)) return ".";
    String s = name.toString(true);
    return s.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "DNS via " + description;
  }
}
