package dev.petrel.report;

import dev.petrel.deliver.DnsAnswer;
import dev.petrel.deliver.DnsJavaLookup;
import dev.petrel.deliver.dkim.DkimAlgorithm;
import dev.petrel.domains.SenderDomain;
import dev.petrel.report.DomainCheck.Result;
import dev.petrel.report.DomainCheck.Status;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Looks up what a sender domain publishes (SPF, both DKIM keys, DMARC) and compares it with what
 * Petrel expects, saying for each record what was found and what to change.
 *
 * <p>DKIM: the record at the selector must hold Petrel's public key with the right {@code k=}. SPF:
 * one {@code v=spf1} record that names this server with {@code a:HOST}, {@code include:HOST}, or an
 * {@code ip4:}/{@code ip6:} range holding one of its addresses (other mechanisms are not evaluated,
 * so a record that allows this server only through them is reported wrong, with the reason). DMARC:
 * one {@code v=DMARC1} record with a valid {@code p=} policy.
 */
public final class DomainChecker {

  /** The DNS questions a check asks. */
  public interface Dns {
    DnsAnswer<String> txt(String name);

    DnsAnswer<InetAddress> addresses(String host);

    static Dns of(DnsJavaLookup lookup) {
      return new Dns() {
        @Override
        public DnsAnswer<String> txt(String name) {
          return lookup.txt(name);
        }

        @Override
        public DnsAnswer<InetAddress> addresses(String host) {
          return lookup.addresses(host);
        }
      };
    }
  }

  private final Dns dns;
  private final String hostname;

  /**
   * @param hostname this server's name, which the SPF record should allow
   */
  public DomainChecker(Dns dns, String hostname) {
    this.dns = dns;
    this.hostname = hostname.toLowerCase(Locale.ROOT);
  }

  public DomainCheck check(SenderDomain d, Instant now) {
    List<Result> out = new ArrayList<>();
    for (DomainRecords.Record r : DomainRecords.of(d, hostname)) {
      out.add(
          switch (r.kind()) {
            case DKIM_RSA -> dkim(r, DkimAlgorithm.RSA, d.rsaPublic());
            case DKIM_ED25519 -> dkim(r, DkimAlgorithm.ED25519, d.edPublic());
            case SPF -> spf(r);
            case DMARC -> dmarc(r);
          });
    }
    return new DomainCheck(d.domain(), now, out);
  }

  private Result dkim(DomainRecords.Record r, DkimAlgorithm alg, String publicKey) {
    DnsAnswer<String> a = dns.txt(r.name());
    if (a.status() == DnsAnswer.Status.FAILED) return unknown(r, a);
    List<String> all = a.records();
    List<String> keys = new ArrayList<>();
    for (String t : all) if (tags(t).containsKey("p")) keys.add(t);
    if (all.isEmpty())
      return result(r, Status.MISSING, all, "no TXT record at " + r.name() + "; publish it");
    if (keys.isEmpty())
      return result(
          r, Status.WRONG, all, r.name() + " has TXT records but none is a DKIM key (no p= tag)");
    if (keys.size() > 1)
      return result(
          r,
          Status.WRONG,
          keys,
          r.name() + " has " + keys.size() + " DKIM keys; verifiers may pick any: keep only one");
    Map<String, String> tags = tags(keys.getFirst());
    String v = tags.get("v");
    String k = tags.getOrDefault("k", "rsa").toLowerCase(Locale.ROOT);
    String p = tags.get("p").replaceAll("\\s+", "");
    if (v != null && !v.equals("DKIM1"))
      return result(r, Status.WRONG, keys, "the record says v=" + v + "; it must be v=DKIM1");
    if (p.isEmpty())
      return result(
          r, Status.WRONG, keys, "the key at " + r.name() + " is revoked (empty p=); publish ours");
    if (!k.equals(alg.keyType()))
      return result(
          r,
          Status.WRONG,
          keys,
          "the record is for k=" + k + " keys; this selector needs k=" + alg.keyType());
    if (!p.equals(publicKey))
      return result(
          r,
          Status.WRONG,
          keys,
          "the record holds a different public key than the one Petrel signs with;"
              + " replace it with the expected record");
    return result(r, Status.OK, keys, "the " + alg.tag() + " key is published as expected");
  }

  private Result spf(DomainRecords.Record r) {
    DnsAnswer<String> a = dns.txt(r.name());
    if (a.status() == DnsAnswer.Status.FAILED) return unknown(r, a);
    List<String> spf = new ArrayList<>();
    for (String t : a.records()) {
      String l = t.strip().toLowerCase(Locale.ROOT);
      if (l.equals("v=spf1") || l.startsWith("v=spf1 ")) spf.add(t);
    }
    if (spf.isEmpty())
      return result(
          r,
          Status.MISSING,
          a.records(),
          "no SPF record (v=spf1) at "
              + r.name()
              + "; receivers cannot tell that this server may send for it");
    if (spf.size() > 1)
      return result(
          r,
          Status.WRONG,
          spf,
          r.name()
              + " has "
              + spf.size()
              + " SPF records; RFC 7208 §4.5 makes that an error: merge them into one");
    String record = spf.getFirst();
    if (allows(record))
      return result(r, Status.OK, spf, "the SPF record allows " + hostname + " to send");
    return result(
        r,
        Status.WRONG,
        spf,
        "the SPF record does not name this server: add a:"
            + hostname
            + " (or its addresses as ip4:/ip6:) before the all term");
  }

  private boolean allows(String record) {
    List<InetAddress> mine = null;
    for (String term : record.strip().split("\\s+")) {
      String t = term.toLowerCase(Locale.ROOT);
      if (t.startsWith("+")) t = t.substring(1);
      if (t.equals("a:" + hostname) || t.equals("include:" + hostname)) return true;
      if (t.startsWith("ip4:") || t.startsWith("ip6:")) {
        if (mine == null) {
          DnsAnswer<InetAddress> addrs = dns.addresses(hostname);
          mine = addrs.records();
        }
        for (InetAddress ip : mine) if (inRange(ip, t.substring(4))) return true;
      }
    }
    return false;
  }

  /** Whether {@code ip} is in {@code range} ({@code address} or {@code address/bits}). */
  static boolean inRange(InetAddress ip, String range) {
    int slash = range.indexOf('/');
    String net = slash < 0 ? range : range.substring(0, slash);
    // Literals only: getByName must never turn this into a DNS lookup.
    boolean literal =
        net.matches("\\d{1,3}(\\.\\d{1,3}){3}") || net.matches("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    if (!literal) return false;
    byte[] base;
    try {
      base = InetAddress.getByName(net).getAddress();
    } catch (UnknownHostException e) {
      return false;
    }
    byte[] addr = ip.getAddress();
    if (base.length != addr.length) return false;
    int bits;
    try {
      bits = slash < 0 ? addr.length * 8 : Integer.parseInt(range.substring(slash + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    if (bits < 0 || bits > addr.length * 8) return false;
    for (int i = 0; i < addr.length && bits > 0; i++, bits -= 8) {
      int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if ((addr[i] & mask) != (base[i] & mask)) return false;
    }
    return true;
  }

  private Result dmarc(DomainRecords.Record r) {
    DnsAnswer<String> a = dns.txt(r.name());
    if (a.status() == DnsAnswer.Status.FAILED) return unknown(r, a);
    List<String> dmarc = new ArrayList<>();
    for (String t : a.records()) if (t.strip().startsWith("v=DMARC1")) dmarc.add(t);
    if (dmarc.isEmpty())
      return result(
          r,
          Status.MISSING,
          a.records(),
          "no DMARC record (v=DMARC1) at " + r.name() + "; receivers apply no policy");
    if (dmarc.size() > 1)
      return result(
          r,
          Status.WRONG,
          dmarc,
          r.name()
              + " has "
              + dmarc.size()
              + " DMARC records; receivers ignore them all: keep one");
    String p = tags(dmarc.getFirst()).get("p");
    if (p == null || !p.toLowerCase(Locale.ROOT).matches("none|quarantine|reject"))
      return result(
          r,
          Status.WRONG,
          dmarc,
          "the DMARC record has no valid p= policy (none, quarantine or reject)"
              + (p == null ? "" : "; found p=" + p));
    return result(
        r,
        Status.OK,
        dmarc,
        "a DMARC record is published with policy p=" + p.toLowerCase(Locale.ROOT));
  }

  /** The tag=value pairs of a DKIM or DMARC record; names as written, values trimmed. */
  static Map<String, String> tags(String record) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : record.split(";")) {
      int eq = part.indexOf('=');
      if (eq <= 0) continue;
      out.putIfAbsent(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
    }
    return out;
  }

  private static Result unknown(DomainRecords.Record r, DnsAnswer<String> a) {
    return new Result(
        r.kind(),
        r.name(),
        Status.UNKNOWN,
        List.of(),
        r.value(),
        "could not look up " + r.name() + ": " + a.detail() + "; try again later");
  }

  private static Result result(
      DomainRecords.Record r, Status status, List<String> found, String explanation) {
    return new Result(r.kind(), r.name(), status, found, r.value(), explanation);
  }
}
