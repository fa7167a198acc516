package dev.petrel.status.bounce;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Scans of a mail's bytes eight at a time: the MIME reader looks at every byte of a mail for line
 * ends, boundaries and 8-bit text, and a byte-by-byte loop was most of its time.
 *
 * <p>A byte equal to {@code c} is found in a word {@code w} as a zero byte of {@code w ^ c*ONES}:
 * {@code (x - ONES) & ~x & HIGHS} sets the high bit of each zero byte of {@code x} (a borrow can
 * also mark a byte after a zero byte, never one before it, so the lowest mark is exact).
 */
final class Bytes {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private Bytes() {}

  private static long word(byte[] b, int i) {
    return (long) LONGS.get(b, i);
  }

  /** The high bit of each byte of {@code x} that is zero (and maybe of bytes after one). */
  private static long zeros(long x) {
    return (x - ONES) & ~x & HIGHS;
  }

  /** The index of the first byte {@code c} in {@code b[from, to)}, or -1. */
  static int indexOf(byte[] b, int from, int to, int c) {
    long pattern = ONES * (c & 0xff);
    int i = from;
    for (; i <= to - 8; i += 8) {
      long z = zeros(word(b, i) ^ pattern);
      if (z != 0) return i + (Long.numberOfTrailingZeros(z) >>> 3);
    }
    for (; i < to; i++) {
      if (b[i] == (byte) c) return i;
    }
    return -1;
  }

  /** The index of the first byte {@code c1} or {@code c2} in {@code b[from, to)}, or -1. */
  static int indexOfEither(byte[] b, int from, int to, int c1, int c2) {
    long p1 = ONES * (c1 & 0xff);
    long p2 = ONES * (c2 & 0xff);
    int i = from;
    for (; i <= to - 8; i += 8) {
      long w = word(b, i);
      // each mark is exact or above an exact one of the same pattern: the lowest is exact
      long z = zeros(w ^ p1) | zeros(w ^ p2);
      if (z != 0) return i + (Long.numberOfTrailingZeros(z) >>> 3);
    }
    for (; i < to; i++) {
      if (b[i] == (byte) c1 || b[i] == (byte) c2) return i;
    }
    return -1;
  }

  private static final long LOWS = ~HIGHS;

  /** The high bit of exactly the bytes of {@code x} that are zero. */
  private static long exactZeros(long x) {
    return ~(((x & LOWS) + LOWS) | x | LOWS);
  }

  /**
   * The first index {@code i} in {@code b[from, to)} with {@code b[i] == c1} and {@code b[i + 1] ==
   * c2}, both bytes within the range; -1 when there is none.
   */
  static int indexOfPair(byte[] b, int from, int to, int c1, int c2) {
    long p1 = ONES * (c1 & 0xff);
    long p2 = ONES * (c2 & 0xff);
    int i = from;
    for (; i <= to - 9; i += 8) {
      long z = exactZeros(word(b, i) ^ p1) & exactZeros(word(b, i + 1) ^ p2);
      if (z != 0) return i + (Long.numberOfTrailingZeros(z) >>> 3);
    }
    for (; i < to - 1; i++) {
      if (b[i] == (byte) c1 && b[i + 1] == (byte) c2) return i;
    }
    return -1;
  }

  /** Whether a byte of {@code b[from, to)} has its high bit set (8-bit text). */
  static boolean hasHighBit(byte[] b, int from, int to) {
    int i = from;
    long any = 0;
    for (; i <= to - 8; i += 8) any |= word(b, i);
    if ((any & HIGHS) != 0) return true;
    for (; i < to; i++) {
      if (b[i] < 0) return true;
    }
    return false;
  }

  /** {@link #kinds} flag: a byte has its high bit set. */
  static final int HIGH_BIT = 1;

  /** {@link #kinds} flag: an ESC byte (0x1b). */
  static final int ESCAPE = 2;

  private static final long ESCAPES = ONES * 0x1b;

  /**
   * {@link #HIGH_BIT} and {@link #ESCAPE}, for what {@code b[from, to)} holds, in one pass: what
   * {@link #hasHighBit} and {@link #hasEscape} tell.
   */
  static int kinds(byte[] b, int from, int to) {
    int i = from;
    long any = 0;
    long esc = 0;
    for (; i <= to - 8; i += 8) {
      long w = word(b, i);
      any |= w;
      esc |= zeros(w ^ ESCAPES);
    }
    int k = ((any & HIGHS) != 0 ? HIGH_BIT : 0) | (esc != 0 ? ESCAPE : 0);
    for (; i < to; i++) {
      if (b[i] < 0) k |= HIGH_BIT;
      else if (b[i] == 0x1b) k |= ESCAPE;
    }
    return k;
  }

  /** Whether {@code b[from, to)} holds an ESC byte (0x1b), as ISO-2022 text does. */
  static boolean hasEscape(byte[] b, int from, int to) {
    return indexOf(b, from, to, 0x1b) >= 0;
  }
}
