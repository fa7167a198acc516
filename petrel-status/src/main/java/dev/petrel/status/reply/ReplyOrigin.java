package dev.petrel.status.reply;

import dev.petrel.status.Phase;
import java.util.Locale;

/**
 * Reads the phase and remote host that log and DSN forms of a reply mention, e.g. Postfix's {@code
 * host mx.example.com[192.0.2.1] said: ... (in reply to RCPT TO command)} or Exim's {@code SMTP
 * error from remote mail server after RCPT TO:<a@b>: ...}.
 *
 * @param phase the phase named, or {@link Phase#UNKNOWN}
 * @param host the host named, or null
 */
public record ReplyOrigin(Phase phase, String host) {

  static final ReplyOrigin NONE = new ReplyOrigin(Phase.UNKNOWN, null);

  /** Never throws; returns {@code NONE}-like values when nothing is named. */
  public static ReplyOrigin of(String input) {
    if (input == null || input.isEmpty()) return NONE;
    String s = input.length() > 4096 ? input.substring(0, 4096) : input;
    // Most replies name neither; look before paying for a lower-cased copy.
    if (!mentionsOrigin(s)) {
      // The client libraries' reports below begin with their own words, never with a reply code.
      if (Character.isDigit(s.charAt(0))) return NONE;
      Phase p = pythonPhase(s);
      if (p == Phase.UNKNOWN) p = clientPhase(s);
      return p == Phase.UNKNOWN ? NONE : new ReplyOrigin(p, null);
    }
    String low = s.toLowerCase(Locale.ROOT);
    Phase p = phase(low);
    if (p == Phase.UNKNOWN) p = pythonPhase(s);
    if (p == Phase.UNKNOWN) p = clientPhase(s);
    return new ReplyOrigin(p, host(s, low));
  }

  /**
   * The phase that a client library's own report of a refused command names: msmtp's "envelope from
   * address X not accepted by the server" (MAIL FROM) and "recipient address X not accepted by the
   * server" (RCPT TO), before its "server message: <reply>"; Nodemailer's "Mail command failed:"
   * and "Data command failed:"; PHPMailer's "MAIL FROM command failed", "RCPT TO command failed",
   * "DATA command failed" and "DATA END command failed"; Go programs' "MAIL command failed". The
   * words before "command failed" must begin a word ("sendmail command failed" names a program, not
   * the MAIL command), and libcurl's bare "Command failed: 502" names none.
   */
  static Phase clientPhase(String s) {
    // Both phrases end in words the clients write in lower case: a plain search finds them without
    // a lower-cased copy of every reply.
    int n = s.indexOf("accepted by the server");
    n = n >= 4 && s.regionMatches(true, n - 4, "not ", 0, 4) ? n - 4 : -1;
    if (n > 0) {
      String before = s.substring(Math.max(0, n - 400), n).toLowerCase(Locale.ROOT);
      int from = before.lastIndexOf("envelope from address");
      int rcpt = before.lastIndexOf("recipient address");
      if (from >= 0 && from > rcpt) return Phase.MAIL;
      if (rcpt >= 0) return Phase.RCPT;
    }
    int i = s.indexOf("ommand failed");
    if (i < 2 || (s.charAt(i - 1) | 0x20) != 'c') return Phase.UNKNOWN;
    i--;
    for (int k = 0; k < CLIENT_COMMANDS.length; k++) {
      String c = CLIENT_COMMANDS[k];
      int start = i - c.length();
      if (start >= 0
          && s.regionMatches(true, start, c, 0, c.length())
          && (start == 0 || !Character.isLetterOrDigit(s.charAt(start - 1)))) {
        return CLIENT_PHASES[k];
      }
    }
    return Phase.UNKNOWN;
  }

  // Longer names first: "data end " before "data ", "mail from " before "mail ".
  private static final String[] CLIENT_COMMANDS = {
    "data end ", "mail from ", "rcpt to ", "mail ", "rcpt ", "data "
  };

  private static final Phase[] CLIENT_PHASES = {
    Phase.END_OF_DATA, Phase.MAIL, Phase.RCPT, Phase.MAIL, Phase.RCPT, Phase.DATA
  };

  /**
   * The phase that the name of a Python smtplib exception gives (its reference,
   * https://docs.python.org/3/library/smtplib.html): SMTPRecipientsRefused answers RCPT TO,
   * SMTPSenderRefused MAIL FROM, SMTPDataError the message data, SMTPHeloError HELO or EHLO,
   * SMTPAuthenticationError the login, SMTPConnectError the greeting.
   */
  static Phase pythonPhase(String s) {
    for (int i = s.indexOf("SMTP"); i >= 0; i = s.indexOf("SMTP", i + 4)) {
      for (int k = 0; k < PYTHON_ERRORS.length; k++) {
        if (s.startsWith(PYTHON_ERRORS[k], i + 4)) return PYTHON_PHASES[k];
      }
    }
    return Phase.UNKNOWN;
  }

  private static final String[] PYTHON_ERRORS = {
    "RecipientsRefused",
    "SenderRefused",
    "DataError",
    "HeloError",
    "AuthenticationError",
    "ConnectError"
  };

  private static final Phase[] PYTHON_PHASES = {
    Phase.RCPT, Phase.MAIL, Phase.DATA, Phase.EHLO, Phase.AUTH, Phase.CONNECT
  };

  /**
   * Whether "after ", "in reply to " or "host " occurs, in any case. All three end with a space, so
   * only the spaces are visited (found with the JDK's vectorised search), and a lead-in is compared
   * only where the character before the space is its last letter, in either case.
   */
  static boolean mentionsOrigin(String s) {
    for (int j = s.indexOf(' ', 1); j >= 0; j = s.indexOf(' ', j + 1)) {
      char before = (char) (s.charAt(j - 1) | 0x20);
      if ((before == 'r' && leadEndsAt(s, j, "after "))
          || (before == 'o' && leadEndsAt(s, j, "in reply to "))
          || (before == 't' && leadEndsAt(s, j, "host "))) return true;
    }
    return false;
  }

  /** Whether {@code lead} (lower-case ASCII, ending with a space) ends at {@code space}. */
  private static boolean leadEndsAt(String s, int space, String lead) {
    int i = space + 1 - lead.length();
    return i >= 0
        && (char) (s.charAt(i) | 0x20) == lead.charAt(0)
        && s.regionMatches(true, i, lead, 0, lead.length());
  }

  /** {@code needle} must be lower-case ASCII. */
  static int indexOfIgnoreCase(String s, String needle) {
    char first = needle.charAt(0);
    int max = s.length() - needle.length();
    for (int i = 0; i <= max; i++) {
      char c = s.charAt(i);
      if ((c | 0x20) != first) continue;
      if (s.regionMatches(true, i, needle, 0, needle.length())) return i;
    }
    return -1;
  }

  private static Phase phase(String low) {
    // Postfix's smtp client logs a reply to its connection, before any command, as "host X
    // refused to talk to me: <reply>" (smtp_proto.c); every other reply names its command.
    if (low.contains("refused to talk to me")) return Phase.CONNECT;
    int i = low.indexOf("in reply to ");
    int skip = 12;
    if (i < 0) {
      i = low.indexOf("after ");
      skip = 6;
    }
    while (i >= 0) {
      String rest = low.substring(i + skip, Math.min(low.length(), i + skip + 24));
      if (rest.startsWith("rcpt")) return Phase.RCPT;
      if (rest.startsWith("mail")) return Phase.MAIL;
      if (rest.startsWith("end of data") || rest.startsWith("end of message")) {
        return Phase.END_OF_DATA;
      }
      if (rest.startsWith("data") || rest.startsWith("bdat")) return Phase.DATA;
      if (rest.startsWith("ehlo") || rest.startsWith("helo") || rest.startsWith("lhlo")) {
        return Phase.EHLO;
      }
      if (rest.startsWith("starttls")) return Phase.STARTTLS;
      if (rest.startsWith("initial connection") || rest.startsWith("connect")) {
        return Phase.CONNECT;
      }
      int next = low.indexOf("after ", i + skip);
      i = next;
      skip = 6;
    }
    return Phase.UNKNOWN;
  }

  private static String host(String s, String low) {
    int i = low.indexOf("host ");
    while (i >= 0) {
      if (i == 0 || !Character.isLetterOrDigit(low.charAt(i - 1))) {
        int start = i + 5;
        int end = start;
        while (end < s.length()) {
          char c = s.charAt(end);
          if (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_') end++;
          else break;
        }
        if (end > start && s.substring(start, end).indexOf('.') > 0) {
          return s.substring(start, end).toLowerCase(Locale.ROOT);
        }
      }
      i = low.indexOf("host ", i + 5);
    }
    return null;
  }
}
