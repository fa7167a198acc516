package dev.petrel.deliver;

/** How one delivery attempt ended for one recipient, as a fact; what to do next is the caller's. */
public enum Outcome {
  /** The server accepted the message for the recipient (2xx after the final dot). */
  DELIVERED,
  /** A transient failure: a 4xx reply, a connection or DNS problem, a timeout before the dot. */
  DEFERRED,
  /** A permanent failure: a 5xx reply, or a local refusal that cannot succeed as things are. */
  FAILED,
  /**
   * The whole message was sent, but the reply after the final dot never came (the connection
   * dropped or timed out). The server may have taken the message: a retry may duplicate it.
   */
  REPLY_LOST
}
