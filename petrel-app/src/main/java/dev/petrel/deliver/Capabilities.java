package dev.petrel.deliver;

import java.util.List;
import java.util.Locale;

/**
 * What a server said it supports in its EHLO reply (none of it after HELO).
 *
 * @param esmtp whether EHLO succeeded (false after a HELO fallback)
 * @param sizeOffered whether SIZE was announced (RFC 1870), so MAIL may carry SIZE=
 * @param size the SIZE limit in octets; 0 when none was stated
 */
public record Capabilities(
    boolean esmtp,
    boolean pipelining,
    boolean sizeOffered,
    long size,
    boolean eightBitMime,
    boolean smtpUtf8,
    boolean startTls,
    boolean chunking,
    boolean dsn,
    boolean enhancedStatusCodes) {

  public static final Capabilities HELO =
      new Capabilities(false, false, false, 0, false, false, false, false, false, false);

  /** Reads the keywords of an EHLO reply; the first line is the server's greeting text. */
  public static Capabilities parse(List<String> lines) {
    boolean pipelining = false, eightBit = false, utf8 = false, tls = false, chunking = false;
    boolean dsn = false, enhanced = false, sizeOffered = false;
    long size = 0;
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      String body = line.length() > 4 ? line.substring(4).trim() : "";
      String[] words = body.split("[ \t]+");
      String keyword = words[0].toUpperCase(Locale.ROOT);
      switch (keyword) {
        case "PIPELINING" -> pipelining = true;
        case "8BITMIME" -> eightBit = true;
        case "SMTPUTF8" -> utf8 = true;
        case "STARTTLS" -> tls = true;
        case "CHUNKING" -> chunking = true;
        case "DSN" -> dsn = true;
        case "ENHANCEDSTATUSCODES" -> enhanced = true;
        case "SIZE" -> {
          sizeOffered = true;
          if (words.length > 1) {
            try {
              size = Math.max(0, Long.parseLong(words[1]));
            } catch (NumberFormatException e) {
              size = 0; // a malformed limit is no limit we can honour
            }
          }
        }
        default -> {}
      }
    }
    return new Capabilities(
        true, pipelining, sizeOffered, size, eightBit, utf8, tls, chunking, dsn, enhanced);
  }
}
