package dev.petrel.model;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Why queued recipients are held back by delivery itself (not by their retry schedule): their
 * destination was slowed down by a reply such as {@code 421 4.7.0 too many connections}, or all the
 * connections it may have are in use. Delivery keeps this in memory and answers it; the API, the
 * dashboard and {@code petrel queue show} read it through this interface only.
 */
public interface DeliveryWaits {

  /** A destination slowed down after a reply asking for it (rate limit, too many connections). */
  String DESTINATION_SLOWED = "destination-slowed";

  /** All the connections the destination may have at once are in use. */
  String CONNECTION_LIMIT = "connection-limit";

  /**
   * One recipient's wait.
   *
   * @param position the recipient's place in the envelope
   * @param reason {@link #DESTINATION_SLOWED} or {@link #CONNECTION_LIMIT}
   * @param destination the destination whose limits hold it back (a domain; {@code
   *     simulator.petrel.test/rate-421} for a simulator address, kept per local part)
   * @param until when the destination's full limits are back, or null when that depends on a
   *     connection being freed
   * @param cause the reply that slowed the destination down, or null
   */
  record Waiting(int position, String reason, String destination, Instant until, String cause) {

    /**
     * The JSON shape of the API and {@code queue show --json}: reason, destination, until, cause.
     */
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("reason", reason);
      m.put("destination", destination);
      if (until != null)
        m.put("until", until.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
      if (cause != null) m.put("cause", cause);
      return m;
    }
  }

  /** The waits of a message's recipients now (none for a recipient that is not held back). */
  List<Waiting> of(QueueId id);

  /** Nobody waits (delivery not running in this process). */
  DeliveryWaits NONE = id -> List.of();
}
