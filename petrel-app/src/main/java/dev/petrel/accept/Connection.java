package dev.petrel.accept;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;

/**
 * The byte pipe a session talks over. The socket layer gives a TCP (or implicit-TLS) connection;
 * tests give an in-memory one. The session never sees sockets.
 */
public interface Connection {

  /** Bytes from the client. After {@link #startTls()} this is the decrypted stream. */
  InputStream input();

  /** Bytes to the client. After {@link #startTls()} this is the encrypting stream. */
  OutputStream output();

  InetAddress remoteAddress();

  /** Whether a TLS certificate is configured, so STARTTLS can be offered. */
  boolean tlsAvailable();

  /** Whether the connection is encrypted now (implicit TLS, or after STARTTLS). */
  boolean secure();

  /**
   * The negotiated TLS protocol and cipher suite (e.g. {@code TLSv1.3 TLS_AES_128_GCM_SHA256}), or
   * null.
   */
  String tlsDescription();

  /**
   * Performs the server side of the TLS handshake on this connection. The caller must have
   * discarded any input buffered before the handshake (RFC 3207 §6, CVE-2011-0411).
   *
   * @throws IOException when the handshake fails; the connection is then unusable
   */
  void startTls() throws IOException;

  /**
   * Sets how long a read may block before it fails with {@link java.net.SocketTimeoutException}.
   */
  void setReadTimeout(Duration timeout) throws IOException;
}
