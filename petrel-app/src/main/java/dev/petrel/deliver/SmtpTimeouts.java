package dev.petrel.deliver;

import java.time.Duration;

/**
 * The client's time limits, one per phase. Defaults are RFC 5321 §4.5.3.2's minimums: 5 minutes for
 * the greeting, MAIL and RCPT, 2 for the DATA command, 3 per block of message data, 10 after the
 * final dot. EHLO, STARTTLS and RSET get 5 minutes like other commands.
 *
 * <p>The RFC names no limit for the TCP connect itself; 30 seconds (Postfix's default) keeps a dead
 * MX host from holding up the next one, while a slow but live server still gets its 5 minutes for
 * the greeting. QUIT waits briefly: its reply changes nothing.
 *
 * @param connect TCP connect
 * @param greeting the 220 greeting after connect
 * @param ehlo the reply to EHLO or HELO
 * @param starttls the reply to STARTTLS and the TLS handshake
 * @param mail the reply to MAIL
 * @param rcpt the reply to each RCPT
 * @param dataInit the 354 reply to DATA
 * @param dataBlock each write of message data (and each BDAT reply)
 * @param endOfData the reply after the final dot (or BDAT LAST)
 * @param rset the reply to RSET
 * @param quit the reply to QUIT
 */
public record SmtpTimeouts(
    Duration connect,
    Duration greeting,
    Duration ehlo,
    Duration starttls,
    Duration mail,
    Duration rcpt,
    Duration dataInit,
    Duration dataBlock,
    Duration endOfData,
    Duration rset,
    Duration quit) {

  public static final SmtpTimeouts RFC5321 =
      new SmtpTimeouts(
          Duration.ofSeconds(30),
          Duration.ofMinutes(5),
          Duration.ofMinutes(5),
          Duration.ofMinutes(5),
          Duration.ofMinutes(5),
          Duration.ofMinutes(5),
          Duration.ofMinutes(2),
          Duration.ofMinutes(3),
          Duration.ofMinutes(10),
          Duration.ofMinutes(5),
          Duration.ofSeconds(10));

  public SmtpTimeouts {
    for (Duration d :
        new Duration[] {
          connect, greeting, ehlo, starttls, mail, rcpt, dataInit, dataBlock, endOfData, rset, quit
        }) {
      if (d == null || d.isNegative() || d.isZero())
        throw new IllegalArgumentException("every SMTP timeout must be positive");
      if (d.toMillis() > Integer.MAX_VALUE)
        throw new IllegalArgumentException("SMTP timeout too long: " + d);
    }
  }

  /** The same limit for every phase (tests, and operators who want one knob). */
  public static SmtpTimeouts all(Duration d) {
    return new SmtpTimeouts(d, d, d, d, d, d, d, d, d, d, d);
  }

  public SmtpTimeouts withEndOfData(Duration d) {
    return new SmtpTimeouts(
        connect, greeting, ehlo, starttls, mail, rcpt, dataInit, dataBlock, d, rset, quit);
  }

  public SmtpTimeouts withRcpt(Duration d) {
    return new SmtpTimeouts(
        connect, greeting, ehlo, starttls, mail, d, dataInit, dataBlock, endOfData, rset, quit);
  }

  public SmtpTimeouts withGreeting(Duration d) {
    return new SmtpTimeouts(
        connect, d, ehlo, starttls, mail, rcpt, dataInit, dataBlock, endOfData, rset, quit);
  }
}
