package dev.petrel.deliver;

import java.util.Locale;

/**
 * A host and TCP port as an operator writes them: {@code mx.example.net:25}, {@code 192.0.2.7:2525}
 * or {@code [2001:db8::1]:25}. The host is a name or an IP literal; names are kept in lower case.
 */
public record HostPort(String host, int port) {

  public HostPort {
    if (host == null || host.isBlank()) throw new IllegalArgumentException("host is required");
    if (port < 1 || port > 65535)
      throw new IllegalArgumentException("port must be 1 to 65535, not " + port);
    host = host.toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code HOST:PORT}; IPv6 literals go in brackets. Without a port, {@code defaultPort} is
   * used.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static HostPort parse(String text, int defaultPort) {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("empty host:port");
    String t = text.trim();
    String host;
    String port = null;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) throw new IllegalArgumentException("unterminated [ in '" + text + "'");
      host = t.substring(1, close);
      String rest = t.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":"))
          throw new IllegalArgumentException("bad host:port '" + text + "'");
        port = rest.substring(1);
      }
    } else {
      int colon = t.lastIndexOf(':');
      if (colon >= 0 && t.indexOf(':') != colon)
        throw new IllegalArgumentException("IPv6 addresses need brackets: '" + text + "'");
      host = colon < 0 ? t : t.substring(0, colon);
      if (colon >= 0) port = t.substring(colon + 1);
    }
    if (host.isEmpty()) throw new IllegalArgumentException("empty host in '" + text + "'");
    int p = defaultPort;
    if (port != null) {
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad port in '" + text + "'");
      }
    }
    return new HostPort(host, p);
  }

  /** Parses {@code HOST:PORT} where the port is required. */
  public static HostPort parse(String text) {
    HostPort hp = parse(text, 1);
    String t = text.trim();
    boolean hasPort = t.startsWith("[") ? t.indexOf("]:") > 0 : t.indexOf(':') > 0;
    if (!hasPort) throw new IllegalArgumentException("missing :PORT in '" + text + "'");
    return hp;
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
