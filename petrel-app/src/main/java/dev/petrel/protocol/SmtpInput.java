package dev.petrel.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The receiving end of an SMTP connection: a buffer over the client's byte stream that hands out
 * command lines with a length bound, raw chunks for BDAT, and the bytes of DATA to {@link
 * DataDecoder}. Memory stays bounded whatever the client sends: a line longer than the limit is
 * reported as too long, the rest of it is consumed and dropped, and reading goes on with the next
 * line.
 *
 * <p>Because a server may hold back replies to pipelined commands only while more commands are
 * already waiting (RFC 2920 §3.2), the reader calls a hook just before it would block on the
 * stream; the session flushes its replies there. {@link #discardBuffered()} drops input that
 * arrived before a TLS handshake (RFC 3207 §6).
 *
 * <p>Not thread-safe: one session reads from it.
 */
public final class SmtpInput {

  /** Command lines: 512 octets including CRLF (RFC 5321 §4.5.3.1.4). */
  public static final int MAX_COMMAND_LINE = 512;

  /** Text lines in DATA: 1000 octets including CRLF (RFC 5321 §4.5.3.1.6). */
  public static final int MAX_TEXT_LINE = 1000;

  /**
   * AUTH lines: an initial response or a SASL answer may be up to 12288 octets (RFC 4954 §4), more
   * than the command limit.
   */
  public static final int MAX_AUTH_LINE = 12288;

  private static final int BUFFER_SIZE = 16 * 1024;

  private InputStream in;
  private final byte[] buffer = new byte[BUFFER_SIZE];
  private int position;
  private int limit;
  private final Runnable beforeBlockingRead;

  /**
   * @param in the client's bytes
   * @param beforeBlockingRead runs when every buffered byte has been consumed and the next read may
   *     block (the session flushes its pending replies there)
   */
  public SmtpInput(InputStream in, Runnable beforeBlockingRead) {
    this.in = Objects.requireNonNull(in);
    this.beforeBlockingRead = Objects.requireNonNull(beforeBlockingRead);
  }

  public SmtpInput(InputStream in) {
    this(in, () -> {});
  }

  /** Reads from another stream from now on (the decrypted one after STARTTLS). */
  public void switchTo(InputStream next) {
    if (position < limit)
      throw new IllegalStateException("discard the buffered input before switching streams");
    this.in = Objects.requireNonNull(next);
  }

  /** Octets received but not consumed yet. */
  public int buffered() {
    return limit - position;
  }

  /** Drops every buffered octet and returns how many there were. */
  public int discardBuffered() {
    int n = limit - position;
    position = limit = 0;
    return n;
  }

  /**
   * Reads one line ending in LF ({@code <CR><LF>} or a bare {@code <LF>}). A CR not followed by LF
   * stays in the content.
   *
   * @param maxOctets the longest acceptable line, ending included; longer lines come back with
   *     {@code tooLong} set and their content cut to {@code maxOctets} octets
   * @return the line, or null when the stream ended before any octet of it
   * @throws IOException from the stream, including {@link java.net.SocketTimeoutException}
   */
  public Line readLine(int maxOctets) throws IOException {
    if (maxOctets < 2) throw new IllegalArgumentException("a line needs room for its CRLF");
    ByteArrayOutputStream content = new ByteArrayOutputStream(Math.min(maxOctets, 256));
    long raw = 0; // octets of the line before its LF
    boolean lastWasCr = false;
    while (true) {
      if (position == limit && fill() < 0) {
        if (raw == 0) return null;
        return new Line(content.toByteArray(), raw, Line.Ending.EOF, raw > maxOctets);
      }
      int lf = -1;
      for (int i = position; i < limit; i++) {
        if (buffer[i] == '\n') {
          lf = i;
          break;
        }
      }
      int end = lf < 0 ? limit : lf;
      int keep = Math.min(end - position, Math.max(0, maxOctets - content.size()));
      content.write(buffer, position, keep);
      if (end > position) lastWasCr = buffer[end - 1] == '\r';
      raw += end - position;
      position = end;
      if (lf < 0) continue;
      position = lf + 1;
      long octets = raw + 1;
      byte[] bytes = content.toByteArray();
      if (lastWasCr && bytes.length == raw)
        bytes = java.util.Arrays.copyOf(bytes, bytes.length - 1);
      return new Line(
          bytes, octets, lastWasCr ? Line.Ending.CRLF : Line.Ending.BARE_LF, octets > maxOctets);
    }
  }

  /**
   * Copies exactly {@code count} octets to {@code out} (a BDAT chunk, RFC 3030 §2).
   *
   * @return the octets copied; fewer than {@code count} only when the stream ended
   */
  public long copy(long count, OutputStream out) throws IOException {
    long done = 0;
    while (done < count) {
      if (position == limit && fill() < 0) break;
      int n = (int) Math.min(limit - position, count - done);
      out.write(buffer, position, n);
      position += n;
      done += n;
    }
    return done;
  }

  /** The next octet, or -1 at the end of the stream. */
  public int read() throws IOException {
    if (position == limit && fill() < 0) return -1;
    return buffer[position++] & 0xff;
  }

  // For DataDecoder, which scans the buffer in place.
  byte[] buffer() {
    return buffer;
  }

  int position() {
    return position;
  }

  int limit() {
    return limit;
  }

  void advance(int to) {
    position = to;
  }

  /** Refills the empty buffer; returns the octets read or -1 at the end of the stream. */
  int fill() throws IOException {
    beforeBlockingRead.run();
    int n;
    do {
      n = in.read(buffer, 0, buffer.length);
    } while (n == 0);
    if (n < 0) {
      position = limit = 0;
      return -1;
    }
    position = 0;
    limit = n;
    return n;
  }
}
