package dev.petrel.status.bounce;

import java.util.Locale;

/**
 * How an address stands on a line of a notice written for people: as a recipient (alone, behind a
 * bullet or a recipient label, opening a sendmail error line), in running text, or as something
 * that is not a recipient at all (a header field of the returned message quoted in the notice, a
 * sender, a contact of the reporting system). Also reads the mailbox names a local delivery writes
 * without a domain. Used by {@link TextNotice}; every method looks at one line.
 */
final class AddressPlaces {

  private AddressPlaces() {}

  /** Labels that, ending the text before an address on its line, mark it as a recipient. */
  private static final String[] RECIPIENT_LABELS = {
    "recipient",
    "recipients",
    "recipient address",
    "rcpt to",
    "rcpt",
    "address",
    "addresses",
    "unknown user",
    "user unknown",
    "invalid user",
    "no such user",
    "user",
    "mailbox",
    "delivered to",
    "deliver to",
    "deliver message to",
    "delivery to",
    "deliver your message to",
    "delivering your mail to",
    "delivering your message to",
    "deliver the message to",
    "could not be delivered to",
    "failed recipient",
    "failed recipients",
    "invalid recipient",
    "unknown recipient",
    "original-recipient",
    "final-recipient",
    "rfc822",
    "target mail address",
    "email address",
    "e-mail address",
    "mail address",
    "to the following address",
    "destination",
    "was not delivered to",
    "to",
    "address(es) failed",
    "address failed"
  };

  /**
   * Header fields of the returned message that name addresses other than the failed recipient: its
   * senders and replies, the envelope of an earlier hop, a mailing list's addresses (RFC 2369
   * List-Post, List-Unsubscribe, ...), receipt requests. A notice that quotes them (Exchange's
   * "Your message / To: / Cc: / Subject:", a copy of the header without a separator line) does not
   * report those addresses as failed.
   */
  private static final String[] QUOTED_HEADERS = {
    "to",
    "cc",
    "bcc",
    "from",
    "sender",
    "reply-to",
    "return-path",
    "delivered-to",
    "envelope-to",
    "apparently-to",
    "errors-to",
    "mail-followup-to",
    "mail-reply-to",
    "disposition-notification-to",
    "return-receipt-to",
    "message-id",
    "references",
    "in-reply-to",
    "received",
    "dkim-signature",
    "authentication-results",
    "arc-seal",
    "arc-message-signature",
    "arc-authentication-results",
    "received-spf",
    "precedence",
    "feedback-id"
  };

  /** The header line is a trace or signature field, whose folded lines need not follow a comma. */
  static boolean traceField(String line) {
    String l = line.stripLeading().toLowerCase(Locale.ROOT);
    return l.startsWith("received:")
        || l.startsWith("dkim-signature:")
        || l.startsWith("arc-")
        || l.startsWith("authentication-results:");
  }

  /** The line is a header field of the returned message quoted in the notice ("Cc: a@b, c@d"). */
  static boolean quotedHeaderLine(String line) {
    String l = line.stripLeading();
    if (!TextNotice.looksLikeHeaderLine(l)) return false;
    String name = l.substring(0, l.indexOf(':')).toLowerCase(Locale.ROOT);
    if (name.startsWith("list-") || name.startsWith("resent-")) return true;
    if (name.startsWith("x-")) {
      // the notice's own fields (X-Failed-Recipients, X-Actual-Recipient) name the failed ones
      return !name.contains("recipient");
    }
    for (String h : QUOTED_HEADERS) if (h.equals(name)) return true;
    return false;
  }

  /**
   * Words before an address that make it a contact of the reporting system, not a recipient:
   * "please contact", "send mail to", "forward this message to" (Microsoft's delisting reply: "To
   * request removal from this list please forward this message to delist@..."), "for assistance".
   */
  private static final String[] CONTACT_CUES = {
    "contact",
    "forward this",
    "forward the message",
    "forward it to",
    "please send",
    "please mail",
    "please write",
    "please email",
    "please e-mail",
    "send mail to",
    "send email to",
    "send an email to",
    "send an e-mail to",
    "write to",
    "questions",
    "assistance",
    "for help",
    "for more information",
    "complain",
    "report abuse",
    "removal",
    "delist",
    "unsubscribe",
    "reach us"
  };

  /** Ends of a line whose next line holds the contact address ("... please contact\n a@b"). */
  private static final String[] CONTACT_LINE_ENDS = {
    "contact",
    "contact:",
    "contact us at",
    "send mail to",
    "send email to",
    "write to",
    "mail to:",
    "forward this message to",
    "forward it to"
  };

  /**
   * The address is given as someone to contact: the words before it on its line, or the end of the
   * line before when it stands alone, say so.
   */
  static boolean contactCue(String lowerPrefix, String previousLine) {
    if (Cues.containsAny(lowerPrefix, CONTACT_CUES)) return true;
    if (!stripPunct(lowerPrefix).isEmpty()) return false;
    String prev = previousLine.strip().toLowerCase(Locale.ROOT);
    for (String end : CONTACT_LINE_ENDS) if (prev.endsWith(end)) return true;
    return false;
  }

  /**
   * The mailbox name a line starts with when it stands as a recipient: "{@code <name>}" alone or
   * followed by ":", "..." or "("; or a bare name followed by ":" or "...". Reply codes before it
   * are skipped. Null otherwise.
   */
  static String mailboxAt(String line) {
    String t = line;
    // "550 5.1.1 bob... User unknown": skip the codes
    while (t.length() > 4 && Character.isDigit(t.charAt(0))) {
      int sp = t.indexOf(' ');
      if (sp < 0 || !isCodeToken(t.substring(0, sp))) break;
      t = t.substring(sp + 1).stripLeading();
    }
    if (t.isEmpty()) return null;
    char open = t.charAt(0);
    int s = open == '<' || open == '"' ? 1 : 0;
    int e = s;
    boolean letter = false;
    while (e < t.length() && e - s <= 64 && isMailboxChar(t.charAt(e))) {
      letter |= Character.isLetter(t.charAt(e));
      e++;
    }
    // a local part never ends in a dot: "bob... User unknown" names "bob"
    while (e > s && t.charAt(e - 1) == '.') e--;
    if (e == s || e - s > 64 || !letter) return null;
    String rest = t.substring(e);
    if (s == 1) {
      char close = open == '<' ? '>' : '"';
      if (rest.isEmpty() || rest.charAt(0) != close) return null;
      rest = rest.substring(1).strip();
      if (!(rest.isEmpty()
          || rest.startsWith(":")
          || rest.startsWith("...")
          || rest.startsWith("("))) return null;
    } else if (!(rest.startsWith(":") || rest.startsWith("..."))) {
      return null;
    }
    return t.substring(s, e).toLowerCase(Locale.ROOT);
  }

  /**
   * Whether an address behind {@code prefix} (the lower-cased line before it) opens its line:
   * nothing but white space and opening marks ({@code <}, {@code "}, a bullet) stand before it.
   */
  static boolean opensLine(String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (!(Character.isWhitespace(c) || c == '<' || c == '"' || c == '\'' || c == '*' || c == '-'))
        return false;
    }
    return true;
  }

  /** "550", "550-" or an enhanced code such as "5.1.1". */
  private static boolean isCodeToken(String w) {
    int n = w.length();
    if ((n == 3 || (n == 4 && w.charAt(3) == '-'))
        && Character.isDigit(w.charAt(0))
        && Character.isDigit(w.charAt(1))
        && Character.isDigit(w.charAt(2))) return true;
    int dots = 0;
    for (int i = 0; i < n; i++) {
      char c = w.charAt(i);
      if (c == '.') dots++;
      else if (!Character.isDigit(c)) return false;
    }
    return dots == 2 && n >= 5;
  }

  private static boolean isMailboxChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-'
        || c == '+'
        || c == '=';
  }

  /**
   * 2: the address stands alone or behind a recipient label; 1: it stands in running text or a
   * transcript; 0: it is a sender or a header of the original (From:, Reply-To:, MAIL FROM).
   */
  static int kindOf(String prefix, String lowerLine) {
    String p = prefix.strip();
    String ltrim = lowerLine.stripLeading();
    if (ltrim.startsWith("from:")
        || ltrim.startsWith("reply-to:")
        || ltrim.startsWith("sender:")
        || ltrim.startsWith("return-path:")
        || ltrim.startsWith("message-id:")
        || ltrim.startsWith("received:")
        || ltrim.startsWith("references:")
        || ltrim.startsWith("in-reply-to:")
        || ltrim.startsWith("errors-to:")
        || ltrim.startsWith("x-")
        || ltrim.startsWith("cc:")
        || ltrim.startsWith("to:")
        || ltrim.startsWith("original sender")
        || ltrim.startsWith("envelope-from")) return 0;
    String tail = p.length() > 24 ? p.substring(p.length() - 24) : p;
    if (tail.contains("from") || tail.contains("sender") || tail.contains("envelope")) return 0;
    if (p.endsWith("mailto:")) return 0;
    String bare = stripPunct(p);
    if (bare.isEmpty()) return 2;
    // sendmail's error lines: "550 5.1.1 <user@example>... User unknown"
    if (isCodes(bare)) return 2;
    for (String label : RECIPIENT_LABELS) {
      if (bare.endsWith(label)) {
        int before = bare.length() - label.length() - 1;
        if (before < 0 || !Character.isLetterOrDigit(bare.charAt(before))) return 2;
      }
    }
    return 1;
  }

  private static boolean isCodes(String s) {
    if (s.length() < 3) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isDigit(c) || c == '.' || c == ' ' || c == '#')) return false;
    }
    return Character.isDigit(s.charAt(0)) && (s.length() == 3 || s.charAt(3) == ' ');
  }

  private static String stripPunct(String p) {
    int s = 0;
    int e = p.length();
    while (s < e && isMark(p.charAt(s))) s++;
    while (e > s && isMark(p.charAt(e - 1))) e--;
    return p.substring(s, e);
  }

  private static boolean isMark(char c) {
    return Character.isWhitespace(c) || "<>\"'()[]{}*-:#.,;|=~_+".indexOf(c) >= 0 || c == '\u3000';
  }
}
