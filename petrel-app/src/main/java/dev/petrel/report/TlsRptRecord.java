package dev.petrel.report;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A domain's TLS reporting record: the TXT record at {@code _smtp._tls.DOMAIN} (RFC 8460 §3),
 * {@code v=TLSRPTv1; rua=URI[,URI...]}, whose URIs are {@code mailto:} addresses or {@code https:}
 * endpoints. https://www.rfc-editor.org/rfc/rfc8460#section-3
 */
public record TlsRptRecord(List<URI> rua) {

  public TlsRptRecord {
    rua = List.copyOf(rua);
  }

  /** The name the record is published under. */
  public static String name(String policyDomain) {
    return "_smtp._tls." + policyDomain.toLowerCase(Locale.ROOT);
  }

  /**
   * The record among a name's TXT strings: exactly one must begin with {@code v=TLSRPTv1} and be
   * valid, else the domain is taken to publish none (RFC 8460 §3); null then.
   */
  public static TlsRptRecord of(List<String> txt) {
    List<String> ours =
        txt.stream()
            .filter(t -> t.strip().toLowerCase(Locale.ROOT).startsWith("v=tlsrptv1"))
            .toList();
    if (ours.size() != 1) return null;
    return parse(ours.getFirst());
  }

  /** One record's text; null when it is not valid (no rua, no usable URI). */
  public static TlsRptRecord parse(String text) {
    String[] fields = text.split(";");
    if (!fields[0].strip().equalsIgnoreCase("v=TLSRPTv1")) return null;
    List<URI> uris = new ArrayList<>();
    boolean ruaSeen = false;
    for (int i = 1; i < fields.length; i++) {
      String f = fields[i].strip();
      if (f.isEmpty()) continue;
      int eq = f.indexOf('=');
      if (eq < 0) return null;
      String name = f.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      if (!name.equals("rua")) continue; // extensions are ignored (RFC 8460 §3)
      if (ruaSeen) return null;
      ruaSeen = true;
      for (String u : f.substring(eq + 1).split(",")) {
        String s = u.strip();
        try {
          URI uri = new URI(s);
          String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
          if (scheme.equals("mailto") && mailbox(uri) != null) uris.add(uri);
          else if (scheme.equals("https") && uri.getHost() != null) uris.add(uri);
        } catch (URISyntaxException e) {
          // an unusable URI is passed over; the others still count
        }
      }
    }
    return uris.isEmpty() ? null : new TlsRptRecord(uris);
  }

  /** The address of a {@code mailto:} URI (percent-decoded, without any {@code ?} part). */
  public static String mailbox(URI mailto) {
    String part = mailto.getSchemeSpecificPart();
    if (part == null) return null;
    int q = part.indexOf('?');
    if (q >= 0) part = part.substring(0, q);
    part = part.strip();
    return part.indexOf('@') > 0 ? part : null;
  }

  /** The URIs as published, comma-separated. */
  public String text() {
    return String.join(",", rua.stream().map(URI::toString).toList());
  }
}
