package dev.petrel.deliver.sim;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reply chosen by a directive: a basic code from 200 to 599 and, optionally, an enhanced code
 * (RFC 3463), written {@code 550} or {@code 550-5.1.1}.
 */
public record SimReply(int code, String enhanced) {

  private static final Pattern FORM =
      Pattern.compile("([2-5][0-9][0-9])(?:-([245]\\.[0-9]{1,3}\\.[0-9]{1,3}))?");

  public SimReply {
    if (code < 200 || code > 599) throw new IllegalArgumentException("code must be 200 to 599");
  }

  /** Parses {@code CODE} or {@code CODE-ENHANCED}; null when the text is not of that form. */
  public static SimReply parse(String text) {
    if (text == null) return null;
    Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) return null;
    return new SimReply(Integer.parseInt(m.group(1)), m.group(2));
  }

  /** The reply line: the code, the enhanced code when given, and {@code text}. */
  String line(String text) {
    return code + " " + (enhanced == null ? "" : enhanced + " ") + text;
  }

  /** 421 closes the channel (RFC 5321 §3.8), and so does 521 (RFC 7504). */
  boolean closes() {
    return code == 421 || code == 521;
  }

  @Override
  public String toString() {
    return code + (enhanced == null ? "" : "-" + enhanced);
  }
}
