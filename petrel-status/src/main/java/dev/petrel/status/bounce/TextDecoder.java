package dev.petrel.status.bounce;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the bytes of a header field or a body into text, tolerating what bounce generators get
 * wrong: 8-bit text without a charset, unknown charset names, ISO-2022-JP text labelled us-ascii.
 *
 * <p>It is on the hot path of every mail, so it throws nothing on the normal path: charset names
 * are looked up once (the names that fail too: {@link Charset#forName} scans every charset provider
 * and throws for them), UTF-8 is checked by a validating scan, and other strict decodes report
 * errors through {@link CoderResult} instead of exceptions.
 */
final class TextDecoder {

  static final Charset ISO_2022_JP = Charset.forName("ISO-2022-JP");
  static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

  /** Charset names seen in mails, with their charset or empty when none fits. */
  private static final ConcurrentHashMap<String, Optional<Charset>> NAMES =
      new ConcurrentHashMap<>();

  /** Names come from untrusted mail: stop remembering new ones past this many. */
  private static final int MAX_NAMES = 512;

  private TextDecoder() {}

  static String decode(byte[] bytes, String declared) {
    return decode(bytes, 0, bytes.length, declared);
  }

  /**
   * Decodes {@code len} bytes at {@code off}: as ISO-2022-JP when they carry its escape sequences
   * (unless declared as a UTF), as ASCII when they are, else as the declared charset when it is
   * known and the bytes fit it, else as UTF-8 when they are valid UTF-8, else as the declared
   * charset with replacement characters, else as windows-1252.
   */
  static String decode(byte[] b, int off, int len, String declared) {
    int end = off + len;
    int kinds = Bytes.kinds(b, off, end);
    boolean high = (kinds & Bytes.HIGH_BIT) != 0;
    if ((kinds & Bytes.ESCAPE) != 0 && containsIso2022Escape(b, off, end)) {
      if (declared == null || !declared.toLowerCase(Locale.ROOT).startsWith("utf")) {
        return new String(b, off, len, ISO_2022_JP);
      }
    }
    if (!high) return new String(b, off, len, StandardCharsets.ISO_8859_1);
    Charset cs = declared == null ? null : charset(declared);
    if (cs != null && cs != StandardCharsets.US_ASCII) {
      String s = strict(b, off, len, cs);
      if (s != null) return s;
    }
    if (validUtf8(b, off, end)) return new String(b, off, len, StandardCharsets.UTF_8);
    if (cs != null && cs != StandardCharsets.US_ASCII) return new String(b, off, len, cs);
    return new String(b, off, len, WINDOWS_1252);
  }

  /** True when the bytes are all ASCII and free of ISO-2022 escapes: one byte is one char. */
  static boolean plainAscii(byte[] b, int off, int end) {
    return Bytes.kinds(b, off, end) == 0;
  }

  private static boolean containsIso2022Escape(byte[] b, int off, int end) {
    for (int i = off; i + 2 < end; i++) {
      if (b[i] == 0x1b && b[i + 1] == '$' && (b[i + 2] == 'B' || b[i + 2] == '@')) return true;
    }
    return false;
  }

  /** The bytes in the charset, or null when they do not fit it. */
  private static String strict(byte[] b, int off, int len, Charset cs) {
    if (cs == StandardCharsets.UTF_8) {
      return validUtf8(b, off, off + len) ? new String(b, off, len, StandardCharsets.UTF_8) : null;
    }
    // every byte is a character of ISO-8859-1: its strict decoder never fails
    if (cs == StandardCharsets.ISO_8859_1) return new String(b, off, len, cs);
    CharsetDecoder d =
        cs.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(b, off, len);
    CharBuffer out = CharBuffer.allocate((int) (len * (double) d.averageCharsPerByte()) + 1);
    while (true) {
      CoderResult r = d.decode(in, out, true);
      if (r.isUnderflow()) r = d.flush(out);
      if (r.isUnderflow()) break;
      if (r.isOverflow()) {
        CharBuffer bigger = CharBuffer.allocate(2 * out.capacity() + 1);
        out.flip();
        bigger.put(out);
        out = bigger;
        continue;
      }
      return null;
    }
    out.flip();
    return out.toString();
  }

  /**
   * Whether the bytes are well-formed UTF-8 (Unicode table 3-7): what the JDK's strict decoder
   * accepts, without the exception it throws otherwise.
   */
  static boolean validUtf8(byte[] b, int off, int end) {
    int i = off;
    while (i < end) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int need;
      int lo = 0x80;
      int hi = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        if (c == 0xe0) lo = 0xa0;
        else if (c == 0xed) hi = 0x9f;
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        if (c == 0xf0) lo = 0x90;
        else if (c == 0xf4) hi = 0x8f;
      } else {
        return false;
      }
      if (i + need >= end) return false;
      int c1 = b[i + 1] & 0xff;
      if (c1 < lo || c1 > hi) return false;
      for (int k = 2; k <= need; k++) {
        int ck = b[i + k] & 0xff;
        if (ck < 0x80 || ck > 0xbf) return false;
      }
      i += need + 1;
    }
    return true;
  }

  /**
   * The charset a mail names, tolerating common misspellings ("utf8", "x-sjis", "latin1"), or null
   * when none fits. Look-ups are remembered, failures included.
   */
  static Charset charset(String name) {
    if (name == null) return null;
    Optional<Charset> known = NAMES.get(name);
    if (known != null) return known.orElse(null);
    Charset cs = lookUp(name);
    if (NAMES.size() < MAX_NAMES) NAMES.putIfAbsent(name, Optional.ofNullable(cs));
    return cs;
  }

  private static Charset lookUp(String name) {
    String n = name.trim().replace("\"", "");
    if (n.isEmpty()) return null;
    try {
      return Charset.forName(n);
    } catch (RuntimeException e) {
      String l = n.toLowerCase(Locale.ROOT);
      if (l.contains("utf") || l.contains("uft")) return StandardCharsets.UTF_8;
      if (l.contains("2022")) return ISO_2022_JP;
      if (l.contains("sjis") || l.contains("shift")) return charset("Shift_JIS");
      if (l.contains("8859") || l.contains("latin")) return StandardCharsets.ISO_8859_1;
      return null;
    }
  }
}
