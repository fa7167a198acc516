package dev.petrel.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The xtext encoding of RFC 3461 §4 (ENVID, ORCPT, and the AUTH parameter of RFC 4954): printable
 * ASCII except {@code +} and {@code =} stands for itself; any octet may be written {@code +XX} with
 * two hex digits (upper case by the RFC; lower case is accepted too).
 */
public final class Xtext {

  private Xtext() {}

  /** Whether {@code s} is valid xtext (RFC 3461 §4: {@code +} must start a hex pair). */
  public static boolean isValid(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) return false;
        i += 2;
      } else if (c < 33 || c > 126 || c == '=') {
        return false;
      }
    }
    return true;
  }

  /**
   * Decodes xtext to text (UTF-8).
   *
   * @throws IllegalArgumentException when {@code s} is not valid xtext
   */
  public static String decode(String s) {
    if (!isValid(s)) throw new IllegalArgumentException("not valid xtext: " + s);
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Encodes text (as UTF-8) to xtext. */
  public static String encode(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c >= 33 && c <= 126 && c != '+' && c != '=') b.append((char) c);
      else b.append('+').append(String.format("%02X", c));
    }
    return b.toString();
  }

  private static boolean isHex(char c) {
    return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f';
  }
}
