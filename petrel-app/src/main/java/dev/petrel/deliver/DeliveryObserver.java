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
   */
  default void tlsSession(TlsSessionResult result) {}

  DeliveryObserver NONE = new DeliveryObserver() {};
}
