package dev.petrel.report;

import dev.petrel.deliver.dkim.DkimAlgorithm;
import dev.petrel.domains.SenderDomain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DNS records a sender domain should publish: the two DKIM keys (required: mail is signed only
 * once both are found), and the SPF and DMARC records Petrel recommends (checked and reported, not
 * required).
 */
public final class DomainRecords {

  /** What a record is for; the names are used in JSON and in check results. */
  public enum Kind {
    DKIM_RSA("dkim-rsa"),
    DKIM_ED25519("dkim-ed25519"),
    SPF("spf"),
    DMARC("dmarc");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public boolean required() {
      return this == DKIM_RSA || this == DKIM_ED25519;
    }
  }

  /**
   * One TXT record to publish.
   *
   * @param kind what it is for
   * @param name the owner name, without a trailing dot
   * @param value the whole text (split into strings of at most 255 octets when published)
   */
  public record Record(Kind kind, String name, String value) {

    /** The record as a zone-file line, its text cut into quoted strings of 255 octets at most. */
    public String zoneLine() {
      return name + ". 3600 IN TXT " + String.join(" ", strings(value));
    }

    /** The fields in a stable order, for JSON. */
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", kind.id());
      m.put("type", "TXT");
      m.put("name", name);
      m.put("value", value);
      m.put("required", kind.required());
      m.put("zone_line", zoneLine());
      return m;
    }
  }

  private DomainRecords() {}

  /**
   * The records of a domain.
   *
   * @param hostname this server's name, which SPF should allow to send
   */
  public static List<Record> of(SenderDomain d, String hostname) {
    List<Record> out = new ArrayList<>();
    out.add(
        new Record(
            Kind.DKIM_RSA,
            dkimName(d.rsaSelector(), d),
            DkimAlgorithm.RSA.txtValue(d.rsaPublic())));
    out.add(
        new Record(
            Kind.DKIM_ED25519,
            dkimName(d.ed25519Selector(), d),
            DkimAlgorithm.ED25519.txtValue(d.edPublic())));
    out.add(new Record(Kind.SPF, d.domain(), spf(hostname)));
    out.add(new Record(Kind.DMARC, "_dmarc." + d.domain(), dmarc(d.domain())));
    return out;
  }

  static String dkimName(String selector, SenderDomain d) {
    return selector + "._domainkey." + d.domain();
  }

  /** Allows this server by name; soft-fails the rest until the operator is sure of the list. */
  static String spf(String hostname) {
    return "v=spf1 a:" + hostname + " ~all";
  }

  /** Monitoring only (p=none): reports come to the domain's own dmarc-reports mailbox. */
  static String dmarc(String domain) {
    return "v=DMARC1; p=none; rua=mailto:dmarc-reports@" + domain;
  }

  /** A TXT value as quoted strings of at most 255 octets (RFC 1035 §3.3.14). */
  static List<String> strings(String value) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < value.length(); i += 255)
      out.add('"' + value.substring(i, Math.min(value.length(), i + 255)) + '"');
    if (out.isEmpty()) out.add("\"\"");
    return out;
  }
}
