package dev.petrel.deliver;

import dev.petrel.status.Phase;
import dev.petrel.status.ReplyStatus;
import dev.petrel.status.SmtpReply;
import java.time.Instant;

/**
 * One recorded reply: when, from which server, over what, in which phase, what it said and what the
 * status engine makes of it.
 *
 * @param at when the reply came (or the failure happened)
 * @param mxHost the server's host name, or null when no server was reached (DNS)
 * @param mxIp the server's IP address, or null when none was connected
 * @param tls the TLS protocol and cipher ({@code TLSv1.3 TLS_AES_128_GCM_SHA256}), or null for
 *     plain text
 * @param phase the SMTP phase the reply answered; DNS results count as {@link Phase#CONNECT}
 * @param reply the reply as parsed by the engine
 * @param classification the engine's classification with this phase, host and recipient domain
 * @param remote true when the server gave the reply; false when Petrel wrote it to describe what
 *     happened (a DNS answer, a connection failure, a timeout, a refusal before sending)
 * @param tlsFacts the TLS policy in force for this server and what came of it, or null when no
 *     server was chosen (DNS results)
 */
public record Attempt(
    Instant at,
    String mxHost,
    String mxIp,
    String tls,
    Phase phase,
    SmtpReply reply,
    ReplyStatus classification,
    boolean remote,
    TlsFacts tlsFacts) {

  public Attempt {
    if (at == null || phase == null || reply == null || classification == null)
      throw new IllegalArgumentException("at, phase, reply and classification are required");
  }

  /** An attempt without TLS facts. */
  public Attempt(
      Instant at,
      String mxHost,
      String mxIp,
      String tls,
      Phase phase,
      SmtpReply reply,
      ReplyStatus classification,
      boolean remote) {
    this(at, mxHost, mxIp, tls, phase, reply, classification, remote, null);
  }
}
