package dev.petrel.model;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * The few pieces of HTTP/1.1 that Petrel's own outbound requests read (webhook posts, MTA-STS
 * policy fetches), on a socket opened to an address checked beforehand against the {@link
 * OutboundPolicy}: lines with a length limit under one deadline, and the status line (RFC 9112 §4,
 * https://www.rfc-editor.org/rfc/rfc9112#section-4).
 */
public final class HttpWire {

  private HttpWire() {}

  /** The answer's status line or a header line was not HTTP/1.x. */
  public static final class MalformedAnswerException extends IOException {
    public MalformedAnswerException() {
      super("not an HTTP/1.x answer");
    }
  }

  /**
   * Reads one line ending in LF (a CR before it is dropped), waiting at most until {@code deadline}
   * ({@link System#nanoTime()}).
   *
   * @throws MalformedAnswerException when the line is longer than {@code maxLine}
   * @throws EOFException when the other side closed first
   * @throws SocketTimeoutException when the deadline passed
   */
  public static String line(Socket socket, InputStream in, long deadline, int maxLine)
      throws IOException {
    StringBuilder b = new StringBuilder();
    while (true) {
      socket.setSoTimeout(remaining(deadline));
      int c = in.read();
      if (c < 0) throw new EOFException("the other side closed the connection");
      if (c == '\n') break;
      if (b.length() >= maxLine) throw new MalformedAnswerException();
      b.append((char) c);
    }
    int end = b.length();
    if (end > 0 && b.charAt(end - 1) == '\r') end--;
    return b.substring(0, end);
  }

  /**
   * The code of a status line: {@code HTTP/1.x SP 3DIGIT [SP reason]} (RFC 9112 §4).
   *
   * @throws MalformedAnswerException when the line is not one
   */
  public static int statusCode(String line) throws MalformedAnswerException {
    if (line.length() < 12
        || !line.startsWith("HTTP/1.")
        || line.charAt(8) != ' '
        || !Character.isDigit(line.charAt(9))
        || !Character.isDigit(line.charAt(10))
        || !Character.isDigit(line.charAt(11))
        || (line.length() > 12 && line.charAt(12) != ' ')) throw new MalformedAnswerException();
    int code = Integer.parseInt(line.substring(9, 12));
    if (code < 100) throw new MalformedAnswerException();
    return code;
  }

  /** Milliseconds left until {@code deadline}, at least 1, for socket time limits. */
  public static int remaining(long deadline) throws SocketTimeoutException {
    long left = deadline - System.nanoTime();
    if (left <= 0) throw new SocketTimeoutException("no answer in time");
    return millis(left);
  }

  /** Nanoseconds as whole milliseconds, at least 1. */
  public static int millis(long nanos) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, nanos / 1_000_000));
  }
}
