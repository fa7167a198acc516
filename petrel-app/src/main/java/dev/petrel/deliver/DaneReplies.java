package dev.petrel.deliver;

import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import dev.petrel.status.StatusEngine;
import java.time.Instant;

/**
 * The replies Petrel writes when DANE ({@link Dane}) stops a delivery to one server. Every refusal
 * is temporary (4.7.x): the receiving side can fix its records or its server, and the mail goes on
 * the next try. Each text says what failed, that nothing was sent in plain text, and who can fix
 * it.
 */
final class DaneReplies {

  private final StatusEngine engine;

  DaneReplies(StatusEngine engine) {
    this.engine = engine;
  }

  private Answer local(Instant at, Phase phase, String text, Reason reason) {
    return new Answer(at, phase, engine.parse(text), false, reason);
  }

  /** The TLSA (or MX, or address) lookup failed: whether DANE applies cannot be known. */
  Answer lookupFailed(Instant at, String host, String detail) {
    return local(
        at,
        Phase.CONNECT,
        "4.7.5 DANE: cannot tell whether "
            + host
            + " requires authenticated TLS: "
            + detail
            + "; not sent to this server, tried again later (RFC 7672 §2.1). If it persists,"
            + " the receiving domain's DNSSEC signatures are broken or the validating resolver"
            + " cannot reach its servers: check the records with drill -D or delv",
        Reason.SECURITYERROR);
  }

  /** TLSA records make TLS mandatory and the server does not offer STARTTLS. */
  Answer notOffered(Instant at, String where, String policy) {
    return local(
        at,
        Phase.EHLO,
        "4.7.4 DANE: the TLSA records of this host make TLS mandatory ("
            + policy
            + "), but "
            + where
            + " does not offer STARTTLS; not sent, nothing went in plain text (RFC 7672 §2.2)."
            + " The receiving domain's administrator must turn STARTTLS back on or withdraw the"
            + " TLSA records",
        Reason.FAILEDSTARTTLS);
  }

  /** The certificate presented does not match the TLSA records. */
  Answer mismatch(Instant at, String where, String owner, String detail) {
    return local(
        at,
        Phase.STARTTLS,
        "4.7.5 DANE: the certificate of "
            + where
            + " does not match the TLSA records at "
            + owner
            + ": "
            + detail
            + "; not sent (RFC 7672 §3). The receiving domain's administrator must publish a TLSA"
            + " record for the certificate in use (publish the new record before changing keys);"
            + " check with openssl s_client -starttls smtp -dane_tlsa_domain",
        Reason.FAILEDSTARTTLS);
  }

  /** The handshake failed while TLSA records made TLS mandatory. */
  Answer handshakeFailed(Answer tlsFailure, String policy) {
    return local(
        tlsFailure.at(),
        Phase.STARTTLS,
        tlsFailure.reply().text()
            + "; TLS is mandatory under the host's TLSA records ("
            + policy
            + "), so the message is not sent in plain text",
        Reason.FAILEDSTARTTLS);
  }
}
