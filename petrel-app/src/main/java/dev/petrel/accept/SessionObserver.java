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

  /**
   * Failed logins locked {@code scope} (the client's address, or the login name) across all
   * sessions for a while; see {@link AuthLockout}. The session also sends an {@link #event} saying
   * which and until when.
   */
  default void authLockStarted(String sessionId, AuthLockout.Scope scope) {}

  /**
   * An AUTH was refused with 454 4.7.0, its password unchecked, because {@code scope} is locked.
   */
  default void authRefusedLocked(String sessionId, AuthLockout.Scope scope) {}

  SessionObserver NONE = (s, q, m) -> {};
}
