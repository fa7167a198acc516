package dev.petrel.deliver;

import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import dev.petrel.status.StatusEngine;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Instant;

/**
 * The replies Petrel writes itself when no server reply decides: DNS results, connection trouble,
 * refusals before sending. Each carries the enhanced code the relevant RFC or common practice gives
 * (Postfix uses the same codes), and a basic code only where a standard names one (556 for null MX,
 * RFC 7505; 552 for SIZE, RFC 1870; 553/550 for SMTPUTF8, RFC 6531; 554 for 8BITMIME, RFC 6152).
 * Their text says what happened in plain words.
 */
final class LocalReplies {

  private final StatusEngine engine;

  LocalReplies(StatusEngine engine) {
    this.engine = engine;
  }

  private Answer local(Instant at, Phase phase, String text, Reason forced) {
    return new Answer(at, phase, engine.parse(text), false, forced);
  }

  // --- routing ---

  Answer nullMx(Instant at, String domain) {
    return local(
        at,
        Phase.CONNECT,
        "556 5.1.10 " + domain + " publishes a null MX (RFC 7505): it accepts no mail",
        Reason.NOTACCEPT);
  }

  Answer noSuchDomain(Instant at, String domain, String detail) {
    return local(at, Phase.CONNECT, "5.1.2 " + domain + ": " + detail, Reason.HOSTUNKNOWN);
  }

  Answer unroutable(Instant at, String domain, String detail) {
    return local(at, Phase.CONNECT, "5.4.4 " + detail, Reason.HOSTUNKNOWN);
  }

  Answer lookupFailed(Instant at, String domain, String detail) {
    return local(
        at,
        Phase.CONNECT,
        "4.4.3 DNS lookup for " + domain + " failed, will try again: " + detail,
        Reason.NETWORKERROR);
  }

  /**
   * Petrel's own policy refused every server of the domain (internal addresses): permanent, since
   * trying again changes nothing until the operator does, but soft and never suppressed, because
   * the address may be fine. X.7.1 is "delivery not authorized, message refused" (RFC 3463 §3.8,
   * https://www.rfc-editor.org/rfc/rfc3463#section-3.8); the reason norelaying says the sending
   * side's administrator decides (here: Petrel's operator).
   */
  Answer internalAddress(Instant at, String domain, String detail) {
    return local(
        at,
        Phase.CONNECT,
        "550 5.7.1 not delivered to " + domain + ": " + detail,
        Reason.NORELAYING);
  }

  // --- connection ---

  Answer connectFailed(Instant at, String where, IOException e) {
    String what = e instanceof SocketTimeoutException ? "timed out" : message(e);
    return local(at, Phase.CONNECT, "4.4.1 connect to " + where + ": " + what, Reason.NETWORKERROR);
  }

  /** A read or write failed while waiting in {@code phase}. */
  Answer ioFailure(Instant at, Phase phase, String where, IOException e) {
    return ioFailure(at, phase, where, e, waiting(phase));
  }

  /** As above, saying what the client was doing ({@code "while sending the message"}). */
  Answer ioFailure(Instant at, Phase phase, String where, IOException e, String doing) {
    if (e instanceof ReplyReader.MalformedReplyException)
      return local(
          at,
          phase,
          "4.5.0 " + where + " sent a malformed reply " + doing + ": " + e.getMessage(),
          Reason.NETWORKERROR);
    String how =
        e instanceof SocketTimeoutException
            ? "conversation with " + where + " timed out"
            : e instanceof EOFException
                ? where + " closed the connection"
                : "lost connection with " + where + " (" + message(e) + ")";
    return local(at, phase, "4.4.2 " + how + " " + doing, Reason.NETWORKERROR);
  }

  /** The whole message went out but its reply did not come back. */
  Answer replyLost(Instant at, String where, IOException e) {
    String how =
        e instanceof SocketTimeoutException
            ? "timed out"
            : e instanceof EOFException ? "the connection was closed" : message(e);
    return local(
        at,
        Phase.END_OF_DATA,
        "4.4.2 no reply from "
            + where
            + " after the end of the message data ("
            + how
            + "); the message may have been delivered",
        Reason.NETWORKERROR);
  }

  Answer tlsNotOffered(Instant at, String domain, String where) {
    return local(
        at,
        Phase.EHLO,
        "4.7.4 TLS is required for " + domain + ", but " + where + " does not offer STARTTLS",
        Reason.FAILEDSTARTTLS);
  }

  /**
   * A published policy (MTA-STS in enforce mode, DANE) requires TLS and the server does not offer
   * STARTTLS: nothing is sent in plain text. X.7.4 "security features not supported" (RFC 3463
   * §3.8); the receiving domain must act.
   */
  Answer tlsNotOfferedUnderPolicy(Instant at, String domain, String where, String policy) {
    return local(
        at,
        Phase.EHLO,
        "4.7.4 "
            + where
            + " does not offer STARTTLS, which "
            + domain
            + "'s policy ("
            + policy
            + ") requires; not sent, nothing went in plain text. "
            + domain
            + "'s mail administrator must enable STARTTLS on its MX hosts or change the policy",
        Reason.FAILEDSTARTTLS);
  }

  /**
   * The server's certificate fails the check a policy asks for (RFC 8461 §4.2, RFC 7672): the
   * session is closed before any mail command. X.7.5 "cryptographic failure" (RFC 3463 §3.8); the
   * reason securityerror tells the receiving domain's administrator to fix the certificate.
   */
  Answer certificateRefused(
      Instant at, String domain, String where, String policy, CertificateCheck.Problem problem) {
    return local(
        at,
        Phase.STARTTLS,
        "4.7.5 the TLS certificate of "
            + where
            + " fails "
            + domain
            + "'s policy ("
            + policy
            + "): "
            + problem.text()
            + "; not sent. "
            + domain
            + "'s mail administrator must fix the certificate (or the policy); check its names,"
            + " dates and chain",
        Reason.SECURITYERROR);
  }

  /** The handshake failed while a policy requires TLS; no plain text fallback. */
  Answer tlsFailedUnderPolicy(Instant at, String where, String policy, IOException e) {
    return local(
        at,
        Phase.STARTTLS,
        "4.7.5 TLS handshake with "
            + where
            + " failed under the policy "
            + policy
            + ": "
            + message(e)
            + "; not sent, nothing went in plain text",
        Reason.FAILEDSTARTTLS);
  }

  /**
   * An MX host the domain's MTA-STS policy (enforce) does not list: not connected to (RFC 8461
   * §4.1). X.7.5 is close enough in spirit ("cryptographic failure": the host cannot be
   * authenticated); the receiving domain must list the host or change its MX records.
   */
  Answer notInPolicy(Instant at, String domain, String detail) {
    return local(
        at,
        Phase.CONNECT,
        "4.7.5 not connected: "
            + detail
            + "; "
            + domain
            + "'s mail administrator must list it in the policy or change the MX records",
        Reason.SECURITYERROR);
  }

  Answer tlsFailed(Instant at, String where, IOException e) {
    return local(
        at,
        Phase.STARTTLS,
        "4.7.5 TLS handshake with " + where + " failed: " + message(e),
        Reason.FAILEDSTARTTLS);
  }

  /** The server refused STARTTLS (its own reply) while the destination requires TLS. */
  Answer tlsRefused(Answer serverReply) {
    return new Answer(
        serverReply.at(), Phase.STARTTLS, serverReply.reply(), true, Reason.FAILEDSTARTTLS);
  }

  // --- refusals before sending ---

  Answer tooBig(Instant at, String where, long size, long limit) {
    return local(
        at,
        Phase.MAIL,
        "552 5.3.4 message of "
            + size
            + " octets exceeds the size limit of "
            + limit
            + " octets that "
            + where
            + " announced (SIZE); not sent",
        null);
  }

  Answer utf8Address(Instant at, String where) {
    return local(
        at,
        Phase.MAIL,
        "553 5.6.7 a non-ASCII address needs SMTPUTF8, which "
            + where
            + " does not support (RFC 6531); not sent",
        null);
  }

  Answer utf8Header(Instant at, String where) {
    return local(
        at,
        Phase.MAIL,
        "550 5.6.9 the message has UTF-8 header fields and "
            + where
            + " does not support SMTPUTF8 (RFC 6531); not sent",
        null);
  }

  Answer eightBit(Instant at, String where) {
    return local(
        at,
        Phase.MAIL,
        "554 5.6.3 the message has 8-bit data and "
            + where
            + " does not support 8BITMIME (RFC 6152); conversion is not supported; not sent",
        null);
  }

  Answer bodyUnreadable(Instant at, Phase phase, IOException e) {
    return local(
        at, phase, "4.3.0 cannot read the message body: " + message(e), Reason.SYSTEMERROR);
  }

  private static String waiting(Phase phase) {
    return switch (phase) {
      case CONNECT -> "while receiving the initial greeting";
      case EHLO -> "after EHLO";
      case STARTTLS -> "after STARTTLS";
      case MAIL -> "after MAIL FROM";
      case RCPT -> "after RCPT TO";
      case DATA -> "after DATA";
      case END_OF_DATA -> "after the end of the message data";
      default -> "";
    };
  }

  static String message(IOException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
