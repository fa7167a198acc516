package dev.petrel.model;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * A message's queue id: 16 characters of Crockford base32, the first 9 the creation time in
 * milliseconds (so ids sort by age), the rest random. Printed in {@code 250 2.0.0 Ok: queued as
 * ...}.
 */
public record QueueId(String value) {

  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  public QueueId {
    if (value == null || !value.matches("[0-9A-HJKMNP-TV-Z]{16}"))
      throw new IllegalArgumentException("not a queue id: '" + value + "'");
  }

  public static QueueId generate(Instant now) {
    char[] c = new char[16];
    long t = now.toEpochMilli();
    for (int i = 8; i >= 0; i--) {
      c[i] = ALPHABET[(int) (t & 31)];
      t >>>= 5;
    }
    long r = RANDOM.nextLong();
    for (int i = 9; i < 16; i++) {
      c[i] = ALPHABET[(int) (r & 31)];
      r >>>= 5;
    }
    return new QueueId(new String(c));
  }

  /** Parses user input (case-insensitive). */
  public static QueueId parse(String text) {
    return new QueueId(text.trim().toUpperCase(java.util.Locale.ROOT));
  }

  @Override
  public String toString() {
    return value;
  }
}
