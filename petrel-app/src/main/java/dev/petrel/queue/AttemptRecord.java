package dev.petrel.queue;

import java.time.Instant;

/**
 * One delivery attempt of one recipient as the store keeps it: when, where, over what, and the
 * exact reply with the status engine's reading of it. Text fields are null when unknown (no reply,
 * no TLS, no connection).
 *
 * @param at when the attempt ended
 * @param mx the MX host name tried
 * @param ip the address connected to
 * @param tls protocol and cipher (e.g. {@code TLSv1.3 TLS_AES_256_GCM_SHA384}), null without TLS
 * @param phase the SMTP phase of the reply ({@code connect}, {@code rcpt}, {@code end-of-data}...)
 * @param code the basic reply code, null when there was no reply
 * @param enhanced the enhanced status code, e.g. {@code 5.1.1}
 * @param text the reply text as received
 * @param bounce the classification: {@code none}, {@code soft}, {@code hard}
 * @param reason the classification's reason, e.g. {@code userunknown}
 * @param action the classification's action, e.g. {@code retry}, {@code suppress}
 * @param tlsVerified what the server's certificate was verified against ({@code mta-sts}, {@code
 *     dane}, {@code pkix}, or {@code none}); null without TLS or when not recorded
 * @param tlsPolicy the TLS policy in force and its source ({@code mta-sts enforce id=20240101},
 *     {@code configured required}, {@code opportunistic}); null when no server was chosen
 * @param tlsProblem what failed under that policy ({@code certificate-host-mismatch: ...}), null
 *     when nothing did
 */
public record AttemptRecord(
    Instant at,
    String mx,
    String ip,
    String tls,
    String phase,
    Integer code,
    String enhanced,
    String text,
    String bounce,
    String reason,
    String action,
    String tlsVerified,
    String tlsPolicy,
    String tlsProblem) {

  public AttemptRecord {
    if (at == null) throw new IllegalArgumentException("an attempt needs a time");
    if (code != null && (code < 200 || code > 599))
      throw new IllegalArgumentException("not a reply code: " + code);
  }

  /** An attempt without TLS facts (no server chosen, or a report received later). */
  public AttemptRecord(
      Instant at,
      String mx,
      String ip,
      String tls,
      String phase,
      Integer code,
      String enhanced,
      String text,
      String bounce,
      String reason,
      String action) {
    this(at, mx, ip, tls, phase, code, enhanced, text, bounce, reason, action, null, null, null);
  }
}
