package dev.petrel.api;

import dev.petrel.content.HeaderFrom;
import dev.petrel.content.SubmissionFilter;
import dev.petrel.queue.StorageException;
import java.util.List;

/**
 * The API's answers for what a message holds, once the header rules of submitted mail ({@link
 * SubmissionFilter}, the same the SMTP listener applies) have seen it: the size limit the listener
 * announces with SIZE (413), NUL octets, lines over 998 octets and a second From field (422), and a
 * header From outside the account's sender domains (403, as for the envelope sender).
 */
final class ContentProblems {

  private ContentProblems() {}

  /** 413 when the message is over the one configured size limit (max-message-size). */
  static void checkSize(long octets, long limit) {
    if (octets > limit)
      throw new Problem(
          413,
          "message-too-large",
          "Message too large",
          "the message is "
              + octets
              + " octets; this server takes at most "
              + limit
              + " (max-message-size, the limit SMTP announces with SIZE)");
  }

  /**
   * 422 for what no message may hold.
   *
   * @param pointer the field the message came from ({@code /raw}, or the whole request when
   *     composed)
   */
  static void checkContent(SubmissionFilter c, String pointer) {
    String detail = null;
    if (c.nul()) detail = "holds a NUL octet, which Internet mail cannot carry (RFC 5322 §2.3)";
    else if (c.longLine())
      detail =
          "has a line longer than "
              + SubmissionFilter.MAX_LINE
              + " octets (RFC 5322 §2.1.1): fold long header fields, and send long body lines"
              + " quoted-printable or base64";
    else if (c.fromCount() > 1)
      detail = "has " + c.fromCount() + " From header fields; RFC 5322 §3.6 allows one";
    if (detail != null) throw Problem.invalid(List.of(new Problem.FieldError(pointer, detail)));
  }

  /** 403 when a From address is outside the account's sender domains (when so restricted). */
  static void checkHeaderFrom(Api api, String account, SubmissionFilter c) throws StorageException {
    if (api.domains() == null || api.domains().allowsAnySender() || c.fromCount() == 0) return;
    if (c.fromTooLong())
      throw Problem.invalid(
          List.of(new Problem.FieldError("/raw", "the From header is too long to check")));
    java.util.Set<String> domains;
    try {
      domains = HeaderFrom.domains(c.fromFields());
    } catch (HeaderFrom.UnreadableException e) {
      throw Problem.invalid(List.of(new Problem.FieldError("/raw", e.getMessage())));
    }
    for (String d : domains) checkSender(api, account, d, "the message's From header names ");
  }

  /** 403 when the account may not send from {@code domain}. */
  static void checkSender(Api api, String account, String domain, String what)
      throws StorageException {
    if (api.domains() != null && !api.domains().mayUseSender(account, domain))
      throw new Problem(
          403,
          "sender-domain",
          "Sender domain not allowed",
          what
              + domain
              + ", and this account may send only from its own sender domains; add it with POST"
              + " /api/v1/domains");
  }
}
