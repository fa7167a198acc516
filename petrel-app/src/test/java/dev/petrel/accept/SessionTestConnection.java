package dev.petrel.accept;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link Connection} over byte arrays for session tests. The client's bytes come as chunks, one
 * chunk (at most) per read, so tests control how commands are split across reads. When the chunks
 * run out the input ends, or throws {@link SocketTimeoutException} when so set. {@code startTls()}
 * only flips {@link #secure()} (or fails, when so set); the chunks that follow count as the
 * decrypted stream.
 */
final class SessionTestConnection implements Connection {

  private final Deque<byte[]> chunks = new ArrayDeque<>();
  private final InetAddress remote;
  private boolean tlsAvailable;
  private boolean secure;
  private boolean timeoutAtEnd;
  private boolean failHandshake;
  private int offset;
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private final List<byte[]> writes = new ArrayList<>();
  private final List<Duration> readTimeouts = new ArrayList<>();
  private int handshakes;
  private Consumer<String> onWrite = s -> {};
  private Runnable onRead = () -> {};

  SessionTestConnection(InetAddress remote) {
    this.remote = remote;
  }

  SessionTestConnection chunk(byte[] bytes) {
    chunks.add(bytes);
    return this;
  }

  SessionTestConnection tlsAvailable(boolean available) {
    this.tlsAvailable = available;
    return this;
  }

  SessionTestConnection secure(boolean isSecure) {
    this.secure = isSecure;
    return this;
  }

  SessionTestConnection timeoutAtEnd() {
    this.timeoutAtEnd = true;
    return this;
  }

  SessionTestConnection failHandshake() {
    this.failHandshake = true;
    return this;
  }

  /** Called with the text of every write the session makes (after its own buffering). */
  SessionTestConnection onWrite(Consumer<String> listener) {
    this.onWrite = listener;
    return this;
  }

  /** Runs before every read of the client's bytes. */
  SessionTestConnection onRead(Runnable hook) {
    this.onRead = hook;
    return this;
  }

  byte[] written() {
    return written.toByteArray();
  }

  /** The separate writes that reached the connection: each is one flush of the session. */
  List<byte[]> writes() {
    return writes;
  }

  List<Duration> readTimeouts() {
    return readTimeouts;
  }

  int handshakes() {
    return handshakes;
  }

  private final InputStream input =
      new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          int n = read(one, 0, 1);
          return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (len == 0) return 0;
          onRead.run();
          while (!chunks.isEmpty() && offset == chunks.peekFirst().length) {
            chunks.removeFirst();
            offset = 0;
          }
          if (chunks.isEmpty()) {
            if (timeoutAtEnd) throw new SocketTimeoutException("Read timed out");
            return -1;
          }
          byte[] c = chunks.peekFirst();
          int n = Math.min(len, c.length - offset);
          System.arraycopy(c, offset, b, off, n);
          offset += n;
          return n;
        }
      };

  private final OutputStream output =
      new OutputStream() {
        @Override
        public void write(int b) {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          written.write(b, off, len);
          byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
          writes.add(copy);
          onWrite.accept(new String(copy, java.nio.charset.StandardCharsets.UTF_8));
        }
      };

  @Override
  public InputStream input() {
    return input;
  }

  @Override
  public OutputStream output() {
    return output;
  }

  @Override
  public InetAddress remoteAddress() {
    return remote;
  }

  @Override
  public boolean tlsAvailable() {
    return tlsAvailable;
  }

  @Override
  public boolean secure() {
    return secure;
  }

  @Override
  public String tlsDescription() {
    return secure ? "TLSv1.3 TLS_AES_128_GCM_SHA256" : null;
  }

  @Override
  public void startTls() throws IOException {
    handshakes++;
    if (failHandshake) throw new IOException("handshake failed (test)");
    secure = true;
  }

  @Override
  public void setReadTimeout(Duration timeout) {
    readTimeouts.add(timeout);
  }
}
