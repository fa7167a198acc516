package dev.petrel.deliver;

import java.util.Locale;

/**
 * Whether to encrypt the connection to a destination with STARTTLS (RFC 3207), as the operator
 * configures it; MTA-STS and DANE may ask for more (see {@link TlsRequirement}).
 */
public enum TlsPolicy {
  /** Never use STARTTLS. */
  NONE,
  /**
   * Use STARTTLS when the server offers it; fall back to plain text when it does not, when it
   * refuses the command, or when the handshake fails (RFC 7435: some encryption beats none). The
   * server's certificate is not verified.
   */
  OPPORTUNISTIC,
  /**
   * Deliver only over TLS: a server without STARTTLS or with a failing handshake is skipped, and
   * when none is left the recipients are deferred with 4.7.x (reason failedstarttls).
   */
  REQUIRED,
  /**
   * Deliver only over TLS with a certificate that leads to a trusted CA (the JDK's, plus {@code
   * --tls-ca-file}) and is valid for the MX host name (RFC 6125); otherwise as {@link #REQUIRED}.
   */
  VERIFY;

  public static TlsPolicy of(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }
}
