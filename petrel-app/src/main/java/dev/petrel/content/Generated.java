package dev.petrel.content;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;

/**
 * The fields Petrel writes into a message it did not find there: {@code Date} (RFC 5322 §3.3
 * date-time, in UTC) and {@code Message-ID} (RFC 5322 §3.6.4 msg-id: a unique left part, {@code @},
 * this server's name, inside angle brackets).
 *
 * @param hostname this server's name, the right part of the Message-IDs it makes
 * @param clock the time for Date
 */
public record Generated(String hostname, InstantSource clock) {

  /** RFC 5322 §3.3, e.g. {@code Mon, 7 Dec 2026 00:12:03 +0000}. */
  public static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

  /** A new Message-ID, with its angle brackets. */
  public String messageId() {
    return "<" + UUID.randomUUID() + "@" + hostname + ">";
  }

  /** The value of a Date field for now. */
  public String date() {
    return DATE.format(clock.instant().atOffset(ZoneOffset.UTC));
  }

  byte[] dateField() {
    return field("Date", date());
  }

  static byte[] field(String name, String value) {
    return (name + ": " + value + "\r\n").getBytes(StandardCharsets.UTF_8);
  }
}
