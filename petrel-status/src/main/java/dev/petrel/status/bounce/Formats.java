package dev.petrel.status.bounce;

import java.util.Locale;

/**
 * Names the software that wrote a non-standard notice, for people reading the report. The name is a
 * label only: extraction does not depend on it.
 */
final class Formats {

  private Formats() {}

  /** Phrase (lower case) found in the notice, the headers or the sender, and the name it gives. */
  private static final String[][] SIGNS = {
    {"qmail-send program", "qmail"},
    {"this is the postfix program", "postfix"},
    {"this is the mail system at host", "postfix"},
    {"message was created automatically by mail delivery software", "exim"},
    {"transcript of session follows", "sendmail"},
    {"did not reach the following recipient", "exchange"},
    {"delivery has failed to these recipients", "exchange"},
    {"mailer-daemon@googlemail.com", "gmail"},
    {"google tried to deliver your message", "gmail"},
    {"dragonfly mail agent", "dma"},
    {"domino directory", "domino"},
    {"lotus", "notes"},
    {"mailer-daemon@yahoo", "yahoo"},
    {"sorry, we were unable to deliver your message", "yahoo"},
    {"opensmtpd", "opensmtpd"},
    {"this is the mailer-daemon, please do not reply", "opensmtpd"},
    {"courier mail server", "courier"},
    {"mail.ru", "mailru"},
    {"kundenserver", "1und1"},
    {"gmx", "gmx"},
    {"zoho", "zoho"},
    {"amazonses", "amazonses"},
    {"mimecast", "mimecast"},
    {"interscan", "trendmicro"},
    {"m-filter", "mfilter"},
    {"ezweb", "ezweb"},
    {"pmdf", "messagingserver"},
    {"smtp32", "imailserver"},
  };

  static String guess(BounceParser.Context c) {
    StringBuilder sb = new StringBuilder();
    sb.append(c.header("From")).append('\n');
    sb.append(c.header("X-Mailer")).append('\n');
    sb.append(c.header("Received")).append('\n');
    String text = c.text().noticeText();
    sb.append(text, 0, Math.min(text.length(), 4000));
    String all = sb.toString().toLowerCase(Locale.ROOT);
    for (String[] s : SIGNS) {
      if (all.contains(s[0])) return s[1];
    }
    return "text";
  }
}
