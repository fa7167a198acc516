package dev.petrel.accept;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What the socket layer reports, for logs and (later) metrics: events around sessions, not in them
 * (those go to {@link SessionObserver}). Called from connection threads; must not block.
 */
public interface ListenerObserver {

  default void listening(String listener, InetSocketAddress address) {}

  /** A connection was refused before its session, with the reply it got. */
  default void refused(InetAddress client, String reply) {}

  /** The implicit-TLS handshake failed; the connection was closed. */
  default void handshakeFailed(InetAddress client, Exception cause) {}

  /** A session ended with an exception it should have handled (a bug). */
  default void sessionFailed(InetAddress client, Throwable cause) {}

  /** Accepting stopped; {@code inFlight} sessions are still running. */
  default void stopping(int inFlight) {}

  /** Sessions still running when the grace period ended, now cut off. */
  default void forcedClose(int sessions) {}

  ListenerObserver NONE = new ListenerObserver() {};
}
