package dev.petrel.deliver;

/**
 * What delivery tells the outside while it works (logs, metrics, the dashboard subscribe here).
 * Methods are called on the delivering thread and must return quickly; they must not throw.
 */
public interface DeliveryObserver {

  /** A connection is ready for transactions (new, or reused from the pool). */
  default void connected(
      String destination, String mxHost, String mxIp, String tls, boolean reused) {}

  /** A server could not be used; delivery moves on to the next one if there is one. */
  default void serverFailed(String destination, Attempt attempt) {}

  /** A delivery call ended. */
  default void transferred(TransferResult result) {}

  /** A destination's limits were lowered after a {@code slow-down} reply. */
  default void slowedDown(DestinationLimiter.State state) {}

  /**
   * A TLS session with a receiving server was set up, or failed, under a policy or under none (the
   * input of SMTP TLS reports, RFC 8460).
   *
   * <p>Delivery calls it once per new connection whose TLS it tried or a policy cared about: a
   * session set up (checked or not), a failed handshake, a missing STARTTLS under a policy, a
   * certificate that failed the policy's check, or a policy that could not be fetched (MTA-STS
   * {@code sts-policy-fetch-error}), or a DANE TLSA lookup that failed ({@code dnssec-invalid},
   * with no receiving address: the host is not connected to). A connection reused from the pool is
   * not a new session and is not reported again; an opportunistic connection to a server without
   * STARTTLS under no policy is not a TLS session and is not reported.
   */
  default void tlsSession(TlsSessionResult result) {}

  DeliveryObserver NONE = new DeliveryObserver() {};
}
