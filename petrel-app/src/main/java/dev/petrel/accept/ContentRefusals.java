package dev.petrel.accept;

import dev.petrel.content.HeaderFrom;
import dev.petrel.content.SubmissionFilter;
import dev.petrel.protocol.Reply;
import dev.petrel.queue.MessageQuery;
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
 *   <li>From a submitter (a trusted client or a login), an {@code X-Petrel-Tag} field that holds no
 *       tag (1 to 64 letters, digits, {@code . : - _}), or more such fields than a message may have
 *       tags (10, as through the API): 554 5.6.0, so that a tag is never lost unseen.
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
    if (s.mayRelay()) {
      Reply tags = tags(c);
      if (tags != null) return tags;
    }
    return headerFrom(s, c);
  }

  /** At most this many tags a message, the same as through the API. */
  static final int MAX_TAGS = 10;

  private static Reply tags(SubmissionFilter c) {
    if (c.tagCount() > MAX_TAGS)
      return Reply.of(
          554,
          "5.6.0",
          "Message refused: it has "
              + c.tagCount()
              + " X-Petrel-Tag fields; a message may have "
              + MAX_TAGS
              + " tags");
    for (String tag : c.tags())
      if (!MessageQuery.TAG.matcher(tag).matches())
        return Reply.of(
            554,
            "5.6.0",
            "Message refused: X-Petrel-Tag '"
                + printable(tag)
                + "' is not a tag; a tag is 1 to 64 letters, digits, '.', ':', '-' or '_', one"
                + " per field");
    return null;
  }

  /** A client's text made safe for a reply line: printable ASCII only, at most 64 characters. */
  private static String printable(String text) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < text.length() && sb.length() < 64; i++) {
      char ch = text.charAt(i);
      sb.append(ch >= 32 && ch < 127 ? ch : '?');
    }
    return sb.toString();
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
