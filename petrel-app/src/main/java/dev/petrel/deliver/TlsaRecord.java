package dev.petrel.deliver;

import java.util.HexFormat;
import java.util.Locale;

/**
 * One TLSA record (RFC 6698 §2.1): certificate usage, selector, matching type and the certificate
 * association data, as DANE for SMTP uses it.
 *
 * <p>Only two usages can authenticate an SMTP server (RFC 7672 §3.1): DANE-TA(2), a trust anchor
 * that must appear in the chain the server presents, and DANE-EE(3), the server's own certificate
 * or public key. PKIX-TA(0) and PKIX-EE(1) depend on a list of public certificate authorities that
 * MTAs do not share, so RFC 7672 §3.1.3 makes them unusable; so are unknown selectors and matching
 * types, and digests of the wrong length (RFC 7671 §4).
 *
 * @param usage 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE
 * @param selector 0 the whole certificate, 1 its SubjectPublicKeyInfo
 * @param matchingType 0 the data itself, 1 its SHA-256 digest, 2 its SHA-512 digest
 * @param data the certificate association data
 */
public record TlsaRecord(int usage, int selector, int matchingType, byte[] data) {

  public static final int PKIX_TA = 0;
  public static final int PKIX_EE = 1;
  public static final int DANE_TA = 2;
  public static final int DANE_EE = 3;

  public TlsaRecord {
    if (usage < 0 || usage > 255 || selector < 0 || selector > 255)
      throw new IllegalArgumentException("TLSA fields are octets");
    if (matchingType < 0 || matchingType > 255)
      throw new IllegalArgumentException("TLSA fields are octets");
    data = data == null ? new byte[0] : data.clone();
  }

  /** Parses the presentation form {@code 3 1 1 <hex>} (the hex may contain spaces). */
  public static TlsaRecord parse(String text) {
    String[] f = text.strip().split("\\s+", 4);
    if (f.length < 4) throw new IllegalArgumentException("TLSA needs four fields: " + text);
    try {
      return new TlsaRecord(
          Integer.parseInt(f[0]),
          Integer.parseInt(f[1]),
          Integer.parseInt(f[2]),
          HexFormat.of().parseHex(f[3].replaceAll("\\s+", "").toLowerCase(Locale.ROOT)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad TLSA record: " + text);
    }
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /** True when this record can authenticate an SMTP server (see the class comment). */
  public boolean usable() {
    if (usage != DANE_TA && usage != DANE_EE) return false;
    if (selector != 0 && selector != 1) return false;
    return switch (matchingType) {
      case 0 -> data.length > 0;
      case 1 -> data.length == 32;
      case 2 -> data.length == 64;
      default -> false;
    };
  }

  /** Why {@link #usable()} is false, in words; null when it is usable. */
  public String unusableBecause() {
    if (usage == PKIX_TA || usage == PKIX_EE)
      return "usage " + usage + " (PKIX) is not used for SMTP (RFC 7672 §3.1.3)";
    if (usage != DANE_TA && usage != DANE_EE) return "unknown usage " + usage;
    if (selector != 0 && selector != 1) return "unknown selector " + selector;
    return switch (matchingType) {
      case 0 -> data.length > 0 ? null : "empty association data";
      case 1 -> data.length == 32 ? null : "a SHA-256 digest must be 32 octets, not " + data.length;
      case 2 -> data.length == 64 ? null : "a SHA-512 digest must be 64 octets, not " + data.length;
      default -> "unknown matching type " + matchingType;
    };
  }

  /** {@code DANE-EE(3) SPKI(1) SHA-256(1)}, for messages. */
  public String describe() {
    String u =
        switch (usage) {
          case PKIX_TA -> "PKIX-TA(0)";
          case PKIX_EE -> "PKIX-EE(1)";
          case DANE_TA -> "DANE-TA(2)";
          case DANE_EE -> "DANE-EE(3)";
          default -> "usage(" + usage + ")";
        };
    String s =
        switch (selector) {
          case 0 -> "Cert(0)";
          case 1 -> "SPKI(1)";
          default -> "selector(" + selector + ")";
        };
    String m =
        switch (matchingType) {
          case 0 -> "Full(0)";
          case 1 -> "SHA-256(1)";
          case 2 -> "SHA-512(2)";
          default -> "matching(" + matchingType + ")";
        };
    return u + " " + s + " " + m;
  }

  /** The presentation form, {@code 3 1 1 <lower-case hex>} (RFC 6698 §2.2). */
  public String presentation() {
    return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsaRecord t
        && t.usage == usage
        && t.selector == selector
        && t.matchingType == matchingType
        && java.util.Arrays.equals(t.data, data);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(usage, selector, matchingType, java.util.Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return presentation();
  }
}
