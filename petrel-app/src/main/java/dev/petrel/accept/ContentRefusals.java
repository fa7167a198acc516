package dev.petrel.accept;

import dev.petrel.content.HeaderFrom;
import dev.petrel.content.SubmissionFilter;
import dev.petrel.protocol.Reply;
import dev.petrel.queue.StorageException;
import java.util.Set;

/**
 * What the listener answers after DATA or BDAT LAST for what a message holds, once the header rules
 * ({@link SubmissionFilter}) have seen all of it; nothing is stored when there is an answer.
 *
 * <ul>
 *   <li>A NUL octet: 554 5.6.0 (RFC 5322 §2.3 has no place for it; RFC 3463 §3.7: X.6.0 is a media
 *       error). With {@code BODY=BINARYMIME} (RFC 3030 §3) the body may hold any octet, the header
 *       section still may not.
 *   <li>More than one From field: 554 5.6.0 (RFC 5322 §3.6 allows exactly one; two would let the
 *       reader and a DKIM verifier each see another sender).
 *   <li>A From address outside the account's sender domains, when the operator restricts senders:
 *       550 5.7.1 (RFC 5321 §4.3.2 lists 550 after DATA for policy refusals; RFC 3463 §3.8: X.7.1,
 *       delivery not authorized). The envelope sender was checked at MAIL already; both must be the
 *       account's, or the header would say the mail came from someone else's domain.
 * </ul>
 */
final class ContentRefusals {

  private ContentRefusals() {}

  /** The refusal for the message that went through {@code sink}, or null to queue it. */
  static Reply refusal(SessionContext s, SpoolSink sink, Transaction t) {
    SubmissionFilter c = sink.content();
    if (c == null) return null;
    boolean binary = "BINARYMIME".equals(t.mail.body());
    if (binary ? c.nulInHeader() : c.nul())
      return Reply.of(
          554, "5.6.0", "Message refused: it holds a NUL octet, which Internet mail cannot carry");
    if (c.fromCount() > 1)
      return Reply.of(
          554,
          "5.6.0",
          "Message refused: it has " + c.fromCount() + " From header fields; one is allowed");
    return headerFrom(s, c);
  }

  private static Reply headerFrom(SessionContext s, SubmissionFilter c) {
    if (s.senders == null || s.senders.allowsAnySender() || c.fromCount() == 0) return null;
    if (c.fromTooLong())
      return Reply.of(550, "5.7.1", "Message refused: the From header is too long to check");
    Set<String> domains;
    try {
      domains = HeaderFrom.domains(c.fromFields());
    } catch (HeaderFrom.UnreadableException e) {
      return Reply.of(550, "5.7.1", "Message refused: " + e.getMessage());
    }
    try {
      for (String d : domains)
        if (!s.senders.mayUseSender(s.accountName(), d))
          return Reply.of(
              550,
              "5.7.1",
              "Message refused: header From domain "
                  + d
                  + " is not a sender domain of account "
                  + s.accountName());
    } catch (StorageException e) {
      return Reply.of(451, "4.3.0", "Cannot check the sender domain now, try again later");
    }
    return null;
  }
}
