package dev.petrel.deliver;

import java.time.Duration;

/**
 * Which published TLS policies delivery looks for, and what it trusts when one asks for a verified
 * server.
 *
 * @param mtaSts whether to look up MTA-STS policies (RFC 8461; {@code --mta-sts on|off})
 * @param trust the CAs certificates must lead to (the JDK's, plus {@code --tls-ca-file})
 * @param mtaStsPort the port policies are fetched from (443; tests give their own)
 * @param mtaStsTimeout the limit of one whole policy fetch
 */
public record TlsChecks(boolean mtaSts, TlsTrust trust, int mtaStsPort, Duration mtaStsTimeout) {

  public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofSeconds(30);

  public TlsChecks {
    if (trust == null) throw new IllegalArgumentException("trust is required");
    if (mtaStsPort < 1 || mtaStsPort > 65535)
      throw new IllegalArgumentException("MTA-STS port must be 1 to 65535");
    if (mtaStsTimeout == null || mtaStsTimeout.isNegative() || mtaStsTimeout.isZero())
      throw new IllegalArgumentException("MTA-STS fetch timeout must be positive");
  }

  /** MTA-STS on, the JDK's CAs, port 443, 30 seconds. */
  public static TlsChecks defaults() {
    return new TlsChecks(true, TlsTrust.jdkDefault(), 443, DEFAULT_FETCH_TIMEOUT);
  }

  public TlsChecks withMtaSts(boolean on) {
    return new TlsChecks(on, trust, mtaStsPort, mtaStsTimeout);
  }

  public TlsChecks withTrust(TlsTrust t) {
    return new TlsChecks(mtaSts, t, mtaStsPort, mtaStsTimeout);
  }

  public TlsChecks withMtaStsPort(int port) {
    return new TlsChecks(mtaSts, trust, port, mtaStsTimeout);
  }

  public TlsChecks withMtaStsTimeout(Duration t) {
    return new TlsChecks(mtaSts, trust, mtaStsPort, t);
  }
}
