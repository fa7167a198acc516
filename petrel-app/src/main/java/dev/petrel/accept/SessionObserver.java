package dev.petrel.accept;

/**
 * Hears what happens in SMTP sessions, one call per event (connect, EHLO, MAIL, each RCPT, queued,
 * TLS, AUTH, rejected commands, close). Logs, metrics and the dashboard subscribe here; the session
 * itself never logs. Implementations must be thread-safe and quick: sessions call them inline.
 */
public interface SessionObserver {

  /**
   * One session event.
   *
   * @param sessionId identifies the session in every event it sends
   * @param queueId the message's queue id, null until the message has one
   * @param message a short human-readable line, e.g. {@code rcpt to=<bob@example.org> accepted}
   */
  void event(String sessionId, String queueId, String message);

  /**
   * A message was committed and its 250 written (after the {@code queued} event), for metrics.
   *
   * @param recipients how many recipients it has
   * @param nanos from the end of its data (final dot or last chunk) to the 250
   */
  default void queued(String sessionId, String queueId, int recipients, long nanos) {}

  SessionObserver NONE = (s, q, m) -> {};
}
