package dev.petrel.queue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes RFC 2047 encoded words ({@code =?charset?B|Q?text?=}) in a header value. Words that
 * cannot be decoded (unknown charset, bad Base64) are left as they are; blanks between two adjacent
 * encoded words are dropped (RFC 2047 §6.2).
 */
final class EncodedWords {

  private static final Pattern WORD = Pattern.compile("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?=");

  private EncodedWords() {}

  static String decode(String value) {
    if (!value.contains("=?")) return value;
    Matcher m = WORD.matcher(value);
    StringBuilder out = new StringBuilder(value.length());
    int last = 0;
    boolean afterWord = false;
    while (m.find()) {
      String between = value.substring(last, m.start());
      String decoded = decodeWord(m.group(1), m.group(2), m.group(3));
      if (decoded == null) {
        out.append(between).append(m.group());
        afterWord = false;
      } else {
        if (!(afterWord && between.isBlank())) out.append(between);
        out.append(decoded);
        afterWord = true;
      }
      last = m.end();
    }
    return out.append(value, last, value.length()).toString();
  }

  private static String decodeWord(String charsetName, String encoding, String text) {
    Charset charset;
    try {
      int star = charsetName.indexOf('*'); // RFC 2231 language suffix
      charset = Charset.forName(star < 0 ? charsetName : charsetName.substring(0, star));
    } catch (IllegalArgumentException e) {
      return null;
    }
    byte[] bytes;
    if (encoding.equalsIgnoreCase("B")) {
      try {
        bytes = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        return null;
      }
    } else {
      bytes = decodeQ(text);
      if (bytes == null) return null;
    }
    return new String(bytes, charset);
  }

  private static byte[] decodeQ(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '_') {
        out.write(' ');
      } else if (c == '=') {
        if (i + 2 >= text.length()) return null;
        int hi = Character.digit(text.charAt(i + 1), 16);
        int lo = Character.digit(text.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) return null;
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c < 128) {
        out.write(c);
      } else {
        return null;
      }
    }
    return out.toByteArray();
  }
}
