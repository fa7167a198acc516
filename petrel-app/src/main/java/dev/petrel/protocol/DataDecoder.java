package dev.petrel.protocol;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Reads the message text after DATA's 354 (RFC 5321 §4.1.1.4, §4.5.2) and writes it out un-stuffed,
 * with every line ending made {@code <CR><LF>}.
 *
 * <p>The message ends only at {@code <CR><LF>.<CR><LF>} as sent by the client: the dot line must
 * follow a real CRLF (or be the first line) and end in a real CRLF. Every other combination — bare
 * LF or bare CR before or after the dot ({@code <LF>.<LF>}, {@code <LF>.<CR><LF>}, {@code
 * <CR>.<CR>}, {@code <CR><LF>.<LF>}, {@code <CR><LF>.<CR>}...) — is message text, so the message
 * cannot be cut short and nothing after such a sequence can run as a command (SMTP smuggling,
 * CVE-2023-51764, CVE-2023-51765, CVE-2023-51766).
 *
 * <p>A bare LF or bare CR is taken as the end of a line and written as CRLF, and a line after it is
 * un-stuffed like any other, as Postfix does: the stored message then has clean line structure, and
 * a relay that later sends it on stuffs those dots, so no downstream server can be smuggled to
 * either. The result counts the bare endings so strict mode can refuse the message. Lines longer
 * than 1000 octets (CRLF included) are reported, not cut.
 */
public final class DataDecoder {

  private static final int LINE_START = 0;
  private static final int MID = 1;
  private static final int DOT = 2;
  private static final int DOT_CR = 3;
  private static final int CR = 4;

  private DataDecoder() {}

  /**
   * What was read.
   *
   * @param complete whether the terminating {@code <CR><LF>.<CR><LF>} was seen (false: the stream
   *     ended first)
   * @param octets the octets written out (after un-stuffing and normalising)
   * @param bareLf line endings that were a bare LF
   * @param bareCr line endings that were a bare CR
   * @param lineTooLong whether some line was over {@link SmtpInput#MAX_TEXT_LINE} octets
   */
  public record Result(
      boolean complete, long octets, long bareLf, long bareCr, boolean lineTooLong) {

    public boolean bareLineEndings() {
      return bareLf > 0 || bareCr > 0;
    }
  }

  /**
   * Decodes until the terminator or the end of the stream.
   *
   * @throws IOException from the input (including {@link java.net.SocketTimeoutException}) or the
   *     output
   */
  public static Result decode(SmtpInput in, OutputStream out) throws IOException {
    Output o = new Output(out);
    int state = LINE_START;
    boolean afterCrlf = true; // the data starts right after DATA's CRLF
    long lineOctets = 0;
    long bareLf = 0;
    long bareCr = 0;
    boolean tooLong = false;
    while (true) {
      if (in.position() == in.limit() && in.fill() < 0) {
        o.flush();
        return new Result(false, o.count, bareLf, bareCr, tooLong);
      }
      byte[] buf = in.buffer();
      int i = in.position();
      int end = in.limit();
      while (i < end) {
        byte b = buf[i];
        switch (state) {
          case MID -> {
            int j = i;
            while (j < end && buf[j] != '\r' && buf[j] != '\n') j++;
            if (j > i) {
              o.write(buf, i, j - i);
              lineOctets += j - i;
              i = j;
            } else if (b == '\r') {
              state = CR;
              i++;
            } else {
              bareLf++;
              tooLong |= lineOctets + 2 > SmtpInput.MAX_TEXT_LINE;
              lineOctets = 0;
              o.crlf();
              state = LINE_START;
              afterCrlf = false;
              i++;
            }
          }
          case LINE_START -> {
            if (b == '.') {
              state = DOT;
              lineOctets = 1;
              i++;
            } else if (b == '\r') {
              state = CR;
              i++;
            } else if (b == '\n') {
              bareLf++;
              o.crlf();
              afterCrlf = false;
              i++;
            } else {
              state = MID;
            }
          }
          case DOT -> {
            if (b == '\r') {
              state = DOT_CR;
              i++;
            } else if (b == '\n') {
              bareLf++;
              o.write('.');
              o.crlf();
              lineOctets = 0;
              state = LINE_START;
              afterCrlf = false;
              i++;
            } else {
              state = MID; // a leading dot before other text is stuffing: drop it
            }
          }
          case DOT_CR -> {
            if (b == '\n' && afterCrlf) {
              in.advance(i + 1);
              o.flush();
              return new Result(true, o.count, bareLf, bareCr, tooLong);
            }
            o.write('.');
            o.crlf();
            lineOctets = 0;
            state = LINE_START;
            if (b == '\n') {
              afterCrlf = true;
              i++;
            } else {
              bareCr++;
              afterCrlf = false;
            }
          }
          default -> { // CR
            tooLong |= lineOctets + 2 > SmtpInput.MAX_TEXT_LINE;
            lineOctets = 0;
            o.crlf();
            state = LINE_START;
            if (b == '\n') {
              afterCrlf = true;
              i++;
            } else {
              bareCr++;
              afterCrlf = false;
            }
          }
        }
      }
      in.advance(i);
    }
  }

  /** Batches output so the decoder does not call the sink per octet. */
  private static final class Output {
    private final OutputStream out;
    private final byte[] buf = new byte[8192];
    private int n;
    long count;

    Output(OutputStream out) {
      this.out = out;
    }

    void write(int b) throws IOException {
      if (n == buf.length) flush();
      buf[n++] = (byte) b;
      count++;
    }

    void write(byte[] b, int off, int len) throws IOException {
      count += len;
      if (len > buf.length - n) {
        flush();
        if (len > buf.length) {
          out.write(b, off, len);
          return;
        }
      }
      System.arraycopy(b, off, buf, n, len);
      n += len;
    }

    void crlf() throws IOException {
      write('\r');
      write('\n');
    }

    void flush() throws IOException {
      if (n > 0) out.write(buf, 0, n);
      n = 0;
    }
  }
}
