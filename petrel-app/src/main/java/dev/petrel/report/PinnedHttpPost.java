package dev.petrel.report;

import dev.petrel.model.HttpWire;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 POST to an address chosen beforehand, for webhooks. The JDK's HTTP client resolves
 * host names itself, so the address it connects to could differ from the one {@link WebhookTargets}
 * checked; here the socket goes to exactly the checked address, while the URL's host name is still
 * used for the {@code Host} header, TLS's server name (SNI) and certificate check (RFC 9110 §4.3.4,
 * RFC 6125). Only the status code is read: the answer's body is never looked at, so nothing a
 * receiver says can end up in the delivery log. Redirects are not followed (a 3xx is a failed try),
 * one request per connection ({@code Connection: close}, RFC 9112 §9.6). Sources:
 * https://www.rfc-editor.org/rfc/rfc9110 (HTTP semantics: §4.3.4 certificate check, §15.2 interim
 * answers), https://www.rfc-editor.org/rfc/rfc9112 (HTTP/1.1: §4 status line, §9.6 closing),
 * https://www.rfc-editor.org/rfc/rfc6125 (names in certificates).
 */
final class PinnedHttpPost {

  /** Longest status or header line read (a receiver could otherwise feed one endless line). */
  private static final int MAX_LINE = 8192;

  /** Most 1xx interim answers skipped before the final one (RFC 9110 §15.2). */
  private static final int MAX_INTERIM = 10;

  private final SSLSocketFactory tls;
  private final Duration connectTimeout;
  private final Duration requestTimeout;

  PinnedHttpPost(SSLSocketFactory tls, Duration connectTimeout, Duration requestTimeout) {
    this.tls = tls;
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
  }

  /**
   * Posts {@code body} to {@code url} over a connection to {@code address}; returns the status.
   * {@code opened} sees the socket first so that a stop can close it.
   *
   * @throws SocketTimeoutException when connecting or the whole exchange takes too long
   * @throws MalformedAnswerException when the answer is not HTTP/1.x
   * @throws IOException for any other network or TLS failure
   */
  int post(
      URI url,
      InetAddress address,
      Map<String, String> headers,
      byte[] body,
      java.util.function.Consumer<Socket> opened)
      throws IOException {
    boolean https = url.getScheme().toLowerCase(Locale.ROOT).equals("https");
    String host = WebhookTargets.host(url);
    int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
    long deadline = System.nanoTime() + requestTimeout.toNanos();
    Socket raw = new Socket();
    opened.accept(raw);
    Socket socket = raw;
    try {
      raw.connect(new InetSocketAddress(address, port), millis(connectTimeout.toNanos()));
      if (https) {
        SSLSocket ssl = (SSLSocket) tls.createSocket(raw, host, port, true);
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isLiteral(host)) p.setServerNames(List.of(new SNIHostName(host)));
        ssl.setSSLParameters(p);
        ssl.setSoTimeout(remaining(deadline));
        ssl.startHandshake();
        socket = ssl;
      }
      socket.setSoTimeout(remaining(deadline));
      OutputStream out = socket.getOutputStream();
      out.write(head(url, host, port, https, headers, body.length));
      out.write(body);
      out.flush();
      return status(socket, new BufferedInputStream(socket.getInputStream(), 1024), deadline);
    } finally {
      socket.close();
      raw.close();
    }
  }

  /**
   * Posts to the first of {@code addresses} that takes a connection: the next one is tried only
   * when connecting failed (refused, no route), never after the request was sent. {@code opened}
   * sees each socket first and {@code closed} after, so that a stop can close the one in use.
   */
  int postToFirst(
      URI url,
      List<InetAddress> addresses,
      Map<String, String> headers,
      byte[] body,
      java.util.function.Consumer<Socket> opened,
      java.util.function.Consumer<Socket> closed)
      throws IOException {
    for (int i = 0; ; i++) {
      Socket[] mine = new Socket[1];
      try {
        return post(
            url,
            addresses.get(i),
            headers,
            body,
            s -> {
              mine[0] = s;
              opened.accept(s);
            });
      } catch (java.net.ConnectException | java.net.NoRouteToHostException e) {
        if (i + 1 >= addresses.size()) throw e;
      } finally {
        if (mine[0] != null) closed.accept(mine[0]);
      }
    }
  }

  private static byte[] head(
      URI url, String host, int port, boolean https, Map<String, String> headers, int length) {
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) path += "?" + url.getRawQuery();
    String authority = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    if (port != (https ? 443 : 80)) authority += ":" + port;
    StringBuilder b = new StringBuilder();
    b.append("POST ").append(path).append(" HTTP/1.1\r\n");
    b.append("Host: ").append(authority).append("\r\n");
    headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
    b.append("Content-Length: ").append(length).append("\r\n");
    b.append("Connection: close\r\n\r\n");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Reads status lines until a final (non-1xx) one; skips the headers of interim answers. */
  private static int status(Socket socket, InputStream in, long deadline) throws IOException {
    for (int interim = 0; interim <= MAX_INTERIM; interim++) {
      int code = HttpWire.statusCode(line(socket, in, deadline));
      if (code >= 200 || code == 101) return code;
      while (!line(socket, in, deadline).isEmpty()) {
        // headers of an interim answer: nothing in them matters here
      }
    }
    throw new HttpWire.MalformedAnswerException();
  }

  private static String line(Socket socket, InputStream in, long deadline) throws IOException {
    return HttpWire.line(socket, in, deadline, MAX_LINE);
  }

  private static int remaining(long deadline) throws SocketTimeoutException {
    return HttpWire.remaining(deadline);
  }

  private static int millis(long nanos) {
    return HttpWire.millis(nanos);
  }

  private static boolean isLiteral(String host) {
    return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
  }
}
