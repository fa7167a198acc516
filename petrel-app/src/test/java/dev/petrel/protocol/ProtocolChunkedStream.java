package dev.petrel.protocol;

import java.io.InputStream;

/** An input stream that hands out at most {@code step} octets per read, to split input anywhere. */
final class ProtocolChunkedStream extends InputStream {

  private final byte[] data;
  private final int step;
  private int pos;
  int reads;

  ProtocolChunkedStream(byte[] data, int step) {
    this.data = data;
    this.step = step;
  }

  @Override
  public int read() {
    return pos < data.length ? data[pos++] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (pos >= data.length) return -1;
    reads++;
    int n = Math.min(Math.min(len, step), data.length - pos);
    System.arraycopy(data, pos, b, off, n);
    pos += n;
    return n;
  }
}
