package dev.petrel.accept;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A {@link Connection} over a TCP socket, plain or TLS. STARTTLS layers a server-mode TLS socket
 * over the same TCP connection; the buffered streams of the plain phase are dropped with whatever
 * they still held, so nothing the client sent before the handshake can be read as if it came after
 * (RFC 3207 §6, CVE-2011-0411).
 *
 * <p>Output is buffered: the session flushes at the end of each reply group.
 */
final class SocketConnection implements Connection {

  private final Socket tcp;
  private final TlsMaterial tls;
  private volatile Socket current;
  private InputStream in;
  private OutputStream out;
  private volatile boolean secure;
  private String tlsDescription;

  private SocketConnection(Socket tcp, TlsMaterial tls) throws IOException {
    this.tcp = tcp;
    this.tls = tls;
    use(tcp);
  }

  /** A plain connection; STARTTLS is available when {@code tls} is not null. */
  static SocketConnection plain(Socket tcp, TlsMaterial tls) throws IOException {
    return new SocketConnection(tcp, tls);
  }

  /**
   * An implicit-TLS connection (like port 465): the handshake happens here, bounded by {@code
   * handshakeTimeout}.
   *
   * @throws IOException when the handshake fails or times out
   */
  static SocketConnection implicitTls(Socket tcp, TlsMaterial tls, Duration handshakeTimeout)
      throws IOException {
    SocketConnection c = new SocketConnection(tcp, tls);
    c.setReadTimeout(handshakeTimeout);
    c.handshake();
    return c;
  }

  private void use(Socket s) throws IOException {
    current = s;
    in = s.getInputStream();
    out = s.getOutputStream();
  }

  @Override
  public InputStream input() {
    return in;
  }

  @Override
  public OutputStream output() {
    return out;
  }

  @Override
  public InetAddress remoteAddress() {
    return tcp.getInetAddress();
  }

  @Override
  public boolean tlsAvailable() {
    return tls != null;
  }

  @Override
  public boolean secure() {
    return secure;
  }

  @Override
  public String tlsDescription() {
    return tlsDescription;
  }

  @Override
  public void startTls() throws IOException {
    if (tls == null) throw new IOException("no TLS certificate configured");
    if (secure) throw new IOException("the connection is already encrypted");
    handshake();
  }

  private void handshake() throws IOException {
    SSLSocket ssl = tls.serverSocket(tcp);
    current = ssl; // a forced close from another thread now closes the TLS layer too
    ssl.startHandshake();
    use(ssl);
    SSLSession s = ssl.getSession();
    tlsDescription = s.getProtocol() + " " + s.getCipherSuite();
    secure = true;
  }

  @Override
  public void setReadTimeout(Duration timeout) throws IOException {
    long ms = timeout.toMillis();
    current.setSoTimeout(ms <= 0 ? 1 : (int) Math.min(ms, Integer.MAX_VALUE));
  }

  /** Closes the connection; safe from any thread, and more than once. */
  void close() {
    try {
      current.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    try {
      tcp.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
