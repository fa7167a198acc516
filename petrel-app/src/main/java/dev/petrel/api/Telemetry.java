package dev.petrel.api;

/**
 * What the HTTP server tells the metrics subscriber, and where it gets the text it serves at {@code
 * /metrics}. Handlers never count anything themselves: {@link SendMessage} marks an accepted
 * request and the server reports it once the answer is written.
 */
public interface Telemetry {

  /** The request attribute {@link SendMessage} sets to the number of recipients it queued. */
  String ACCEPTED = "petrel.accepted";

  /**
   * The request attribute {@link SendBatch} sets to the recipients of each message it queued (a
   * list of counts); each is reported as one accepted message.
   */
  String ACCEPTED_EACH = "petrel.accepted-each";

  /**
   * A message was queued by {@code POST /api/v1/messages}.
   *
   * @param recipients how many recipients it has
   * @param nanos from the request's arrival to its 202 answer
   */
  default void accepted(int recipients, long nanos) {}

  /** Every metric in the Prometheus text format 0.0.4, or null when metrics are off. */
  default String scrape() {
    return null;
  }

  Telemetry NONE = new Telemetry() {};
}
