package dev.petrel.status;

import java.util.Locale;

/** What the sender (or Petrel's scheduler) should do next about a reply. */
public enum Action {
  /** Nothing: the mail was accepted, or the reply needs no reaction. */
  NONE,
  /** Try again on the normal retry schedule. */
  RETRY,
  /** Try again after a stated or implied delay (greylisting, "try again in 5 minutes"). */
  RETRY_AFTER,
  /** Back off the whole destination: it is limiting our rate or doubts our reputation. */
  SLOW_DOWN,
  /**
   * Open fewer connections at once to this destination: it refused a connection because too many
   * from us were already open (a concurrency limit, not a limit on messages).
   */
  REDUCE_CONNECTIONS,
  /**
   * Close this connection and send the remaining messages over a new one: the server takes only so
   * many messages per session (Postfix's smtpd_client_message_rate_limit, Exim's
   * smtp_accept_max_per_connection).
   */
  RECONNECT,
  /**
   * Send the recipients that were refused in a new transaction (RFC 5321 §4.5.3.1.10: 452 4.5.3 too
   * many recipients); the accepted ones are delivered with this one.
   */
  SPLIT_RECIPIENTS,
  /** Stop mailing the address. */
  SUPPRESS,
  /** The sender's administrator must fix DNS, authentication, PTR or a blocklisting. */
  FIX_SENDER,
  /** The message itself must change: size, content, headers. */
  FIX_MESSAGE,
  /** Only the recipient can fix it (for example a mailbox full for a long time). */
  CONTACT_RECIPIENT;

  /** The wire name, e.g. {@code retry-after}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses a wire name such as {@code slow-down}. */
  public static Action of(String id) {
    return valueOf(id.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
