package dev.petrel.deliver;

import java.io.IOException;
import java.io.InputStream;

/**
 * Turns a stored message into what goes on the wire, as a stream: every line ends in CRLF (a bare
 * CR or LF becomes CRLF, RFC 5321 §2.3.8), the last line is ended if it was not, and for DATA a
 * line starting with a dot gets a second one (dot-stuffing, RFC 5321 §4.5.2). The closing {@code
 * .CRLF} is the caller's. Works block by block; the message is never whole in memory.
 */
final class BodyEncoder extends InputStream {

  private static final int BLOCK = 64 * 1024;

  /** Reading the stored message failed (not the network): the delivery must be abandoned. */
  static final class SourceException extends IOException {
    SourceException(IOException cause) {
      super(LocalReplies.message(cause), cause);
    }
  }

  private final InputStream source;
  private final boolean dotStuff;
  private final byte[] in = new byte[BLOCK];
  // Worst case every input byte becomes two (a bare LF to CRLF, a dot to two dots).
  private final byte[] out = new byte[2 * BLOCK + 2];
  private int outPos;
  private int outLen;
  private boolean lineStart = true;
  private boolean pendingCr;
  private boolean sourceDone;
  private boolean finished;
  private long encoded;

  BodyEncoder(InputStream source, boolean dotStuff) {
    this.source = source;
    this.dotStuff = dotStuff;
  }

  /** Octets produced so far. */
  long encodedBytes() {
    return encoded;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) return 0;
    while (outPos == outLen) {
      if (finished) return -1;
      fill();
    }
    int n = Math.min(len, outLen - outPos);
    System.arraycopy(out, outPos, b, off, n);
    outPos += n;
    encoded += n;
    return n;
  }

  private void fill() throws IOException {
    outPos = 0;
    outLen = 0;
    if (sourceDone) {
      // End of input: close a pending CR and an unterminated last line.
      if (pendingCr) {
        emitCrlf();
        pendingCr = false;
      } else if (!lineStart) {
        emitCrlf();
      }
      finished = true;
      return;
    }
    int n;
    try {
      n = source.read(in, 0, BLOCK);
    } catch (IOException e) {
      throw new SourceException(e);
    }
    if (n < 0) {
      sourceDone = true;
      return;
    }
    for (int i = 0; i < n; i++) {
      byte c = in[i];
      if (pendingCr) {
        pendingCr = false;
        emitCrlf();
        if (c == '\n') continue;
      }
      if (c == '\r') {
        pendingCr = true;
        continue;
      }
      if (c == '\n') {
        emitCrlf();
        continue;
      }
      if (lineStart && c == '.' && dotStuff) out[outLen++] = '.';
      out[outLen++] = c;
      lineStart = false;
    }
  }

  private void emitCrlf() {
    out[outLen++] = '\r';
    out[outLen++] = '\n';
    lineStart = true;
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
