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

  /** How much of the notice is searched: the signs stand near its start. */
  private static final int TEXT_SEARCHED = 4000;

  static String guess(BounceParser.Context c) {
    String headers =
        (c.header("From") + "\n" + c.header("X-Mailer") + "\n" + c.header("Received"))
            .toLowerCase(Locale.ROOT);
    String text = c.text().lowerNoticeStart(TEXT_SEARCHED);
    for (String[] s : SIGNS) {
      // no sign holds a line break, so the headers and the text are searched one by one
      if (headers.contains(s[0])) return s[1];
      if (text.contains(s[0])) return s[1];
    }
    return "text";
  }
}
