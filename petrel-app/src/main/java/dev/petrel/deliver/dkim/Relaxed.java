package dev.petrel.deliver.dkim;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The "relaxed" canonicalization of RFC 6376 §3.4.2 (header fields) and §3.4.4 (body).
 *
 * <p>Text is handled as ISO-8859-1 so that each char is exactly one octet of the message: 8-bit
 * header octets (SMTPUTF8 mail) pass through unchanged, as the RFC works on octets.
 *
 * <p>Line ends are taken the way delivery writes them on the wire ({@code BodyEncoder}): CR LF, a
 * bare CR and a bare LF each end a line, and an unterminated last line is ended. The hash is thus
 * computed over exactly what the receiver gets.
 */
public final class Relaxed {

  private Relaxed() {}

  /**
   * One header field in relaxed form: name in lower case, line breaks removed, runs of spaces and
   * tabs made one space, no space around the colon or at the end; followed by CRLF.
   *
   * @param field the whole field as it appears (name, colon, value, folded lines included), without
   *     its final line break
   */
  public static String header(String field) {
    int colon = field.indexOf(':');
    String name = colon < 0 ? field : field.substring(0, colon);
    String value = colon < 0 ? "" : field.substring(colon + 1);
    StringBuilder b = new StringBuilder(field.length() + 2);
    b.append(trimWsp(name).toLowerCase(Locale.ROOT)).append(':');
    boolean space = false;
    boolean started = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n') continue; // unfolding
      if (c == ' ' || c == '\t') {
        space = true;
        continue;
      }
      if (space && started) b.append(' ');
      space = false;
      started = true;
      b.append(c);
    }
    return b.append("\r\n").toString();
  }

  /** The field's name as it is compared (trimmed, lower case). */
  public static String name(String field) {
    int colon = field.indexOf(':');
    return trimWsp(colon < 0 ? field : field.substring(0, colon)).toLowerCase(Locale.ROOT);
  }

  private static String trimWsp(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) start++;
    while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) end--;
    return s.substring(start, end);
  }

  /** Bytes of a canonical header string (one octet per char). */
  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * Streams a body through relaxed canonicalization into {@code out}: spaces and tabs at the end of
   * a line are dropped, other runs of them become one space, empty lines at the end are dropped,
   * and a non-empty body ends with CRLF. Holds only a count of pending empty lines, so any body
   * size streams in constant memory.
   */
  public static final class Body extends OutputStream {

    private static final byte[] CRLF = {'\r', '\n'};

    private final OutputStream out;
    private long emptyLines;
    private boolean space;
    private boolean content;
    private boolean pendingCr;
    private boolean closed;

    public Body(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      byte c = (byte) b;
      if (pendingCr) {
        pendingCr = false;
        endLine();
        if (c == '\n') return;
      }
      switch (c) {
        case '\r' -> pendingCr = true;
        case '\n' -> endLine();
        case ' ', '\t' -> space = true;
        default -> {
          while (emptyLines > 0) {
            out.write(CRLF);
            emptyLines--;
          }
          if (space) out.write(' ');
          space = false;
          content = true;
          out.write(c);
        }
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      for (int i = off; i < off + len; i++) write(b[i]);
    }

    private void endLine() throws IOException {
      if (content) out.write(CRLF);
      else emptyLines++;
      content = false;
      space = false;
    }

    /** Ends the body (closing an unterminated last line); does not close {@code out}. */
    @Override
    public void close() throws IOException {
      if (closed) return;
      closed = true;
      if (pendingCr) {
        pendingCr = false;
        endLine();
      } else if (content) {
        endLine();
      }
    }
  }
}
