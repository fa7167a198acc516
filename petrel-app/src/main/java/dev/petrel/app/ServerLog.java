package dev.petrel.app;

import dev.petrel.accept.ListenerObserver;
import dev.petrel.accept.SessionObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns listener and session events into log lines: one line per event, {@code session=ID} on each
 * and {@code queue=ID} as soon as the message has one, so that grepping for either finds the whole
 * story.
 */
final class ServerLog implements SessionObserver, ListenerObserver {

  private static final Logger SMTP = LoggerFactory.getLogger("smtp");
  private static final Logger LISTENER = LoggerFactory.getLogger("listener");

  @Override
  public void event(String sessionId, String queueId, String message) {
    if (!SMTP.isInfoEnabled()) return;
    if (queueId == null) SMTP.info("session={} {}", sessionId, message);
    else SMTP.info("session={} queue={} {}", sessionId, queueId, message);
  }

  @Override
  public void listening(String listener, InetSocketAddress address) {
    LISTENER.info(
        "{} listening on {}:{}",
        listener,
        address.getAddress().getHostAddress(),
        address.getPort());
  }

  @Override
  public void refused(InetAddress client, String reply) {
    LISTENER.info("refused client={} reply=\"{}\"", client.getHostAddress(), reply);
  }

  @Override
  public void handshakeFailed(InetAddress client, Exception cause) {
    LISTENER.info("tls handshake failed client={}: {}", client.getHostAddress(), cause.toString());
  }

  @Override
  public void sessionFailed(InetAddress client, Throwable cause) {
    LISTENER.error("session failed client={}", client.getHostAddress(), cause);
  }

  @Override
  public void stopping(int inFlight) {
    LISTENER.info("stopped accepting; waiting for {} session(s) to finish", inFlight);
  }

  @Override
  public void forcedClose(int sessions) {
    LISTENER.warn("closing {} session(s) still open after the shutdown timeout", sessions);
  }
}
