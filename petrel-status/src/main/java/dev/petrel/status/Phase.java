package dev.petrel.status;

import java.util.Locale;

/** The SMTP phase a reply was given in; part of the optional context of a classification. */
public enum Phase {
  UNKNOWN,
  CONNECT,
  EHLO,
  STARTTLS,
  AUTH,
  MAIL,
  RCPT,
  DATA,
  END_OF_DATA;

  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Parses a phase name, also the command names Exim and Postfix print ("RCPT TO", "end of data").
   */
  public static Phase of(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    if (t.startsWith("MAIL")) return MAIL;
    if (t.startsWith("RCPT")) return RCPT;
    if (t.startsWith("EHLO") || t.startsWith("HELO") || t.startsWith("LHLO")) return EHLO;
    if (t.contains("END_OF") || t.contains("DOT") || t.equals("BDAT_LAST")) return END_OF_DATA;
    if (t.startsWith("DATA") || t.startsWith("BDAT")) return DATA;
    if (t.startsWith("CONN") || t.contains("GREETING") || t.equals("BANNER")) return CONNECT;
    if (t.startsWith("STARTTLS")) return STARTTLS;
    if (t.startsWith("AUTH")) return AUTH;
    for (Phase p : values()) {
      if (p.name().equals(t)) return p;
    }
    return UNKNOWN;
  }
}
