package dev.petrel.deliver.sim;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The simulator's reading side: command lines, DATA up to the lone dot, BDAT chunks. Its own buffer
 * keeps whatever follows the end of one unit for the next, so pipelined commands are never lost,
 * and it is dropped with the stream at STARTTLS.
 */
final class SimInput {

  /** Receives message bytes. */
  interface Sink {
    void write(byte[] b, int off, int n);
  }

  private final InputStream raw;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int lim;

  SimInput(InputStream raw) {
    this.raw = raw;
  }

  /** Bytes ready without blocking (buffered or arrived). */
  int available() throws IOException {
    return lim - pos + raw.available();
  }

  private boolean fill() throws IOException {
    if (pos < lim) return true;
    int n = raw.read(buf, 0, buf.length);
    if (n < 0) return false;
    pos = 0;
    lim = n;
    return true;
  }

  /** A line without its ending, cut at {@code max} octets; null at end of input. */
  String readLine(int max) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    while (true) {
      if (!fill()) return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
      int start = pos;
      while (pos < lim && buf[pos] != '\n') pos++;
      int room = Math.max(0, max - b.size());
      b.write(buf, start, Math.min(room, pos - start));
      if (pos < lim) {
        pos++; // the LF
        break;
      }
    }
    byte[] bytes = b.toByteArray();
    int n = bytes.length;
    if (n > 0 && bytes[n - 1] == '\r') n--;
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }

  /**
   * Message data up to the line holding only a dot, with dot-stuffing removed (RFC 5321 §4.5.2).
   */
  void readData(Sink sink) throws IOException {
    final int normal = 0, dot = 1, dotCr = 2;
    int state = normal;
    boolean lineStart = true;
    byte[] out = new byte[buf.length + 1];
    while (true) {
      if (!fill()) throw new EOFException("connection closed during DATA");
      int n = 0;
      boolean end = false;
      while (pos < lim) {
        byte c = buf[pos++];
        if (state == normal) {
          if (lineStart && c == '.') {
            state = dot;
            continue;
          }
          out[n++] = c;
          lineStart = c == '\n';
        } else if (state == dot) {
          if (c == '\r') {
            state = dotCr;
          } else if (c == '\n') {
            end = true;
            break;
          } else {
            out[n++] = c;
            lineStart = false;
            state = normal;
          }
        } else {
          if (c == '\n') {
            end = true;
            break;
          }
          out[n++] = '\r';
          out[n++] = c;
          lineStart = false;
          state = normal;
          if (n >= out.length - 1) {
            sink.write(out, 0, n);
            n = 0;
          }
        }
        if (n >= out.length - 1) {
          sink.write(out, 0, n);
          n = 0;
        }
      }
      if (n > 0) sink.write(out, 0, n);
      if (end) return;
    }
  }

  /** Exactly {@code count} octets. */
  void readExactly(long count, Sink sink) throws IOException {
    long left = count;
    while (left > 0) {
      if (!fill()) throw new EOFException("connection closed during BDAT");
      int n = (int) Math.min(left, lim - pos);
      sink.write(buf, pos, n);
      pos += n;
      left -= n;
    }
  }

  /** Reads and drops everything until the end of input (or the read timeout). */
  void drain() throws IOException {
    pos = lim;
    byte[] sink = new byte[4096];
    while (raw.read(sink) >= 0) {
      // discard
    }
  }
}
