package dev.petrel.deliver;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads SMTP replies from a server (RFC 5321 §4.2): lines of a three-digit code, {@code -} on every
 * line but the last, and text. Lines end in CRLF (a bare LF is tolerated); text is decoded as UTF-8
 * (RFC 6531 servers may use it). Lines and replies are bounded so a hostile server cannot make the
 * client buffer without limit.
 */
final class ReplyReader {

  /** RFC 5321 allows 512 octets per reply line; real servers sometimes send more. */
  static final int MAX_LINE = 8192;

  static final int MAX_LINES = 200;

  /** A reply as received: its code and its lines without line endings. */
  record Raw(int code, List<String> lines) {
    String joined() {
      return String.join("\r\n", lines);
    }
  }

  /** The server sent something that is not an SMTP reply. */
  static final class MalformedReplyException extends IOException {
    MalformedReplyException(String message) {
      super(message);
    }
  }

  private final InputStream in;
  private final byte[] line = new byte[MAX_LINE];

  ReplyReader(InputStream in) {
    this.in = in;
  }

  /**
   * Reads one whole reply.
   *
   * @throws EOFException when the server closed the connection before a whole reply
   * @throws java.net.SocketTimeoutException when the read timeout passed
   * @throws MalformedReplyException when the bytes are not a reply
   */
  Raw read() throws IOException {
    List<String> lines = new ArrayList<>(2);
    int code = -1;
    while (true) {
      String text = readLine();
      if (text.length() < 3
          || !isDigit(text.charAt(0))
          || !isDigit(text.charAt(1))
          || !isDigit(text.charAt(2)))
        throw new MalformedReplyException("not an SMTP reply: " + printable(text));
      char sep = text.length() > 3 ? text.charAt(3) : ' ';
      if (sep != ' ' && sep != '-')
        throw new MalformedReplyException("bad reply separator: " + printable(text));
      int c = Integer.parseInt(text.substring(0, 3));
      if (c < 200 || c > 599) throw new MalformedReplyException("reply code out of range: " + c);
      if (code < 0) code = c;
      lines.add(text);
      if (sep == ' ') return new Raw(code, lines);
      if (lines.size() >= MAX_LINES)
        throw new MalformedReplyException("reply longer than " + MAX_LINES + " lines");
    }
  }

  private String readLine() throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) throw new EOFException("connection closed by the server");
      if (b == '\n') break;
      if (n == MAX_LINE)
        throw new MalformedReplyException("reply line over " + MAX_LINE + " octets");
      line[n++] = (byte) b;
    }
    if (n > 0 && line[n - 1] == '\r') n--;
    return new String(line, 0, n, StandardCharsets.UTF_8);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String printable(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      b.append(c < 32 || c == 127 ? '?' : c);
    }
    return '"' + b.toString() + '"';
  }
}
