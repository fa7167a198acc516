package dev.petrel.deliver;

import dev.petrel.model.HttpWire;
import dev.petrel.model.OutboundPolicy;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Fetches {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt} as RFC 8461 §3.3 asks: HTTPS with
 * a certificate valid for {@code mta-sts.DOMAIN} and leading to a trusted CA ({@link TlsTrust}), no
 * redirects, only a 200 answer of type {@code text/plain}, at most 64 KiB, within a time limit.
 *
 * <p>The host name is looked up through delivery's DNS and every address goes through the same
 * outbound policy as MX hosts ({@code --deliver-allow-networks}): a recipient domain must not be
 * able to point Petrel at a service inside its own network (request forgery). The socket goes to
 * exactly the checked address, so a name that changes its answer in between gains nothing.
 */
final class MtaStsFetch {

  /** RFC 8461 §3.3: senders may limit the policy's size; 64 KiB is far above any real policy. */
  static final int MAX_BODY = 64 * 1024;

  private static final int MAX_LINE = 8192;
  private static final int MAX_HEADERS = 100;

  /** Why a policy could not be had; {@code invalid} when it came but did not parse. */
  static final class FetchException extends Exception {
    final boolean invalid;

    FetchException(String message, boolean invalid) {
      super(message, null, false, false);
      this.invalid = invalid;
    }
  }

  private final DnsLookup dns;
  private final OutboundPolicy outbound;
  private final SSLContext tls;
  private final int port;
  private final Duration timeout;

  MtaStsFetch(DnsLookup dns, OutboundPolicy outbound, TlsTrust trust, int port, Duration timeout) {
    this.dns = dns;
    this.outbound = outbound;
    this.tls = trust.strictContext();
    this.port = port;
    this.timeout = timeout;
  }

  /** The policy text of {@code domain}. */
  String fetch(String domain) throws FetchException {
    String host = "mta-sts." + domain;
    DnsAnswer<InetAddress> a = dns.addresses(host);
    if (a.status() != DnsAnswer.Status.FOUND)
      throw new FetchException(
          host
              + " has no address ("
              + (a.status() == DnsAnswer.Status.FAILED ? a.detail() : a.status().name())
              + ")",
          false);
    for (InetAddress address : a.records()) {
      String kind = outbound.refusal(address);
      if (kind != null)
        throw new FetchException(
            host
                + " resolves to "
                + address.getHostAddress()
                + ", a "
                + kind
                + " address, which policy fetches may not reach unless the operator allows it"
                + " (--deliver-allow-networks)",
            false);
    }
    IOException last = null;
    for (InetAddress address : a.records()) {
      try {
        return get(host, address);
      } catch (java.net.ConnectException | java.net.NoRouteToHostException e) {
        last = e;
      } catch (IOException e) {
        throw new FetchException(
            "https://" + host + "/.well-known/mta-sts.txt: " + LocalReplies.message(e), false);
      }
    }
    throw new FetchException(
        "cannot connect to " + host + " port " + port + ": " + LocalReplies.message(last), false);
  }

  private String get(String host, InetAddress address) throws IOException, FetchException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress(address, port), remaining(deadline));
      try (SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, true)) {
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        p.setServerNames(List.of(new SNIHostName(host)));
        ssl.setSSLParameters(p);
        ssl.setSoTimeout(remaining(deadline));
        ssl.startHandshake();
        OutputStream out = ssl.getOutputStream();
        String authority = port == 443 ? host : host + ":" + port;
        out.write(
            ("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: "
                    + authority
                    + "\r\nAccept: text/plain\r\nUser-Agent: Petrel\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = new BufferedInputStream(ssl.getInputStream(), 4096);
        return answer(ssl, in, deadline);
      }
    }
  }

  private static String answer(Socket s, InputStream in, long deadline)
      throws IOException, FetchException {
    String status = line(s, in, deadline);
    while (status.matches("HTTP/1\\.[01] 1\\d\\d.*")) {
      while (!line(s, in, deadline).isEmpty()) {
        // an interim answer's headers
      }
      status = line(s, in, deadline);
    }
    int code = HttpWire.statusCode(status);
    if (code >= 300 && code < 400)
      throw new FetchException(
          "answered " + code + " (a redirect, which policy fetches do not follow, RFC 8461 §3.3)",
          false);
    if (code != 200) throw new FetchException("answered " + status.substring(9).strip(), false);
    long length = -1;
    boolean chunked = false;
    String type = null;
    for (int n = 0; ; n++) {
      if (n > MAX_HEADERS) throw new FetchException("too many header fields", false);
      String h = line(s, in, deadline);
      if (h.isEmpty()) break;
      int colon = h.indexOf(':');
      if (colon <= 0) throw new FetchException("malformed header field", false);
      String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).strip();
      switch (name) {
        case "content-type" -> type = value;
        case "content-length" -> {
          try {
            length = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw new FetchException("malformed Content-Length", false);
          }
        }
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        default -> {
          // nothing else matters here
        }
      }
    }
    String media = type == null ? "" : type.split(";")[0].strip().toLowerCase(Locale.ROOT);
    if (!media.equals("text/plain"))
      throw new FetchException(
          "the policy's type is " + (type == null ? "not given" : type) + ", not text/plain",
          false);
    if (length > MAX_BODY)
      throw new FetchException("the policy is larger than " + MAX_BODY + " octets", false);
    byte[] body = chunked ? chunked(s, in, deadline) : body(s, in, deadline, length);
    return new String(body, StandardCharsets.UTF_8);
  }

  private static byte[] body(Socket s, InputStream in, long deadline, long length)
      throws IOException, FetchException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (length < 0 || b.size() < length) {
      s.setSoTimeout(remaining(deadline));
      int want = length < 0 ? buf.length : (int) Math.min(buf.length, length - b.size());
      int n = in.read(buf, 0, want);
      if (n < 0) {
        if (length < 0) break;
        throw new FetchException("the policy was cut short", false);
      }
      b.write(buf, 0, n);
      if (b.size() > MAX_BODY)
        throw new FetchException("the policy is larger than " + MAX_BODY + " octets", false);
    }
    return b.toByteArray();
  }

  private static byte[] chunked(Socket s, InputStream in, long deadline)
      throws IOException, FetchException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      String size = line(s, in, deadline).split(";")[0].strip();
      int n;
      try {
        n = Integer.parseInt(size, 16);
      } catch (NumberFormatException e) {
        throw new FetchException("malformed chunk size", false);
      }
      if (n == 0) break;
      if (n < 0 || b.size() + (long) n > MAX_BODY)
        throw new FetchException("the policy is larger than " + MAX_BODY + " octets", false);
      b.write(body(s, in, deadline, n));
      line(s, in, deadline);
    }
    return b.toByteArray();
  }

  private static String line(Socket s, InputStream in, long deadline) throws IOException {
    return HttpWire.line(s, in, deadline, MAX_LINE);
  }

  private static int remaining(long deadline) throws SocketTimeoutException {
    return HttpWire.remaining(deadline);
  }
}
