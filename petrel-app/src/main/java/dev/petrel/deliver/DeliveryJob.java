package dev.petrel.deliver;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.Recipient;
import java.util.List;
import java.util.Locale;

/**
 * One message to deliver to the recipients of one domain: what a scheduler hands to {@link
 * Deliverer#deliver}.
 *
 * @param id the queue id, for logs and results (may be null)
 * @param sender the reverse path, or null for the null sender {@code <>}
 * @param recipients at least one, all of the same domain
 * @param size the body's size in octets as stored (for SIZE, RFC 1870)
 * @param body opens the body
 * @param smtputf8 the message needs SMTPUTF8 (RFC 6531): UTF-8 in its header or addresses; set
 *     automatically when an address needs it
 * @param eightBit the body is 8BITMIME (RFC 6152)
 * @param dsnRet RFC 3461 RET ({@code FULL} or {@code HDRS}), passed on when the server offers DSN
 * @param dsnEnvid RFC 3461 ENVID, passed on likewise
 */
public record DeliveryJob(
    String id,
    EmailAddress sender,
    List<Recipient> recipients,
    long size,
    BodySource body,
    boolean smtputf8,
    boolean eightBit,
    String dsnRet,
    String dsnEnvid) {

  public DeliveryJob {
    recipients = List.copyOf(recipients);
    if (recipients.isEmpty()) throw new IllegalArgumentException("a job needs a recipient");
    String domain = recipients.getFirst().address().domain();
    for (Recipient r : recipients) {
      if (!r.address().domain().equals(domain))
        throw new IllegalArgumentException(
            "all recipients of a job must share a domain: " + domain + " and " + r.address());
    }
    if (size < 0) throw new IllegalArgumentException("size must not be negative");
    if (body == null) throw new IllegalArgumentException("body is required");
    if (!smtputf8) {
      boolean utf8 = sender != null && sender.needsUtf8();
      for (Recipient r : recipients) utf8 |= r.address().needsUtf8();
      smtputf8 = utf8;
    }
  }

  /** A job for some recipients of an accepted message, with the envelope's parameters. */
  public static DeliveryJob of(
      String id, Envelope envelope, List<Recipient> recipients, long size, BodySource body) {
    String bodyType = envelope.body().toUpperCase(Locale.ROOT);
    return new DeliveryJob(
        id,
        envelope.sender(),
        recipients,
        size,
        body,
        envelope.smtputf8(),
        !bodyType.equals("7BIT"),
        envelope.dsnRet(),
        envelope.dsnEnvid());
  }

  public String domain() {
    return recipients.getFirst().address().domain();
  }

  /** Whether an address (not only the header) needs SMTPUTF8. */
  public boolean addressesNeedUtf8() {
    if (sender != null && sender.needsUtf8()) return true;
    for (Recipient r : recipients) if (r.address().needsUtf8()) return true;
    return false;
  }
}
