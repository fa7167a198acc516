package dev.petrel.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One SMTP reply as a server sends it: a basic code, an RFC 3463 enhanced code and one or more text
 * lines. Formatting puts the enhanced code after the basic code on every line (RFC 2034 §3).
 *
 * <p>The enhanced code is null only where RFC 2034 and RFC 3463 leave it out: the greeting and the
 * EHLO/HELO reply (their first word is the server's domain by RFC 5321's grammar) and the 3xx
 * intermediate replies (RFC 3463 defines no class 3).
 *
 * @param code the three-digit basic code, 200 to 599
 * @param enhanced {@code class.subject.detail} whose class equals the basic code's first digit, or
 *     null
 * @param lines the text lines, at least one; no CR or LF inside
 */
public record Reply(int code, String enhanced, List<String> lines) {

  public Reply {
    if (code < 200 || code > 599)
      throw new IllegalArgumentException("reply code must be 200 to 599, not " + code);
    lines = List.copyOf(lines);
    if (lines.isEmpty()) throw new IllegalArgumentException("a reply needs at least one line");
    for (String line : lines)
      if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0)
        throw new IllegalArgumentException("reply text must not contain CR or LF: " + line);
    if (enhanced != null) {
      if (!enhanced.matches("[245]\\.\\d{1,3}\\.\\d{1,3}"))
        throw new IllegalArgumentException("not an enhanced status code: " + enhanced);
      if (enhanced.charAt(0) - '0' != code / 100)
        throw new IllegalArgumentException(
            "enhanced code " + enhanced + " does not match reply code " + code);
    } else if (code / 100 != 3 && code != 220 && code != 250) {
      // Only the greeting (220), the EHLO/HELO reply (250) and 3xx may go without one.
      throw new IllegalArgumentException("reply " + code + " needs an enhanced status code");
    }
  }

  /** A one-line reply. */
  public static Reply of(int code, String enhanced, String text) {
    return new Reply(code, enhanced, List.of(text));
  }

  /** The first digit: 2 success, 3 intermediate, 4 transient failure, 5 permanent failure. */
  public int klass() {
    return code / 100;
  }

  public boolean positive() {
    return code < 400;
  }

  /** The text lines joined by a space, for logs. */
  public String text() {
    return String.join(" ", lines);
  }

  /** The reply as it goes on the wire, each line ending in CRLF, text in UTF-8. */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * lines.size());
    for (int i = 0; i < lines.size(); i++) {
      StringBuilder b = new StringBuilder(lines.get(i).length() + 16);
      b.append(code).append(i == lines.size() - 1 ? ' ' : '-');
      if (enhanced != null) {
        b.append(enhanced);
        if (!lines.get(i).isEmpty()) b.append(' ');
      }
      b.append(lines.get(i)).append("\r\n");
      out.writeBytes(b.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** The first line as on the wire without CRLF, for logs ({@code 250 2.0.0 Ok}). */
  @Override
  public String toString() {
    return code + (enhanced == null ? "" : " " + enhanced) + " " + text();
  }
}
