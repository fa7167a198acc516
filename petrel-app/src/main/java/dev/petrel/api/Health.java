package dev.petrel.api;

import io.javalin.http.Context;
import java.util.Map;

/**
 * {@code /healthz} (the process answers) and {@code /readyz} (it can take mail: the store answers),
 * for load balancers and orchestrators; neither needs a key nor shows account data. While a shared
 * database is down, {@code /readyz} answers 503 and {@code /healthz} still 200: the process is well
 * and recovers by itself when the database returns, so it must not be restarted.
 */
final class Health {

  private final Api api;

  Health(Api api) {
    this.api = api;
  }

  void live(Context ctx) {
    ApiServer.json(ctx, 200, Map.of("status", "ok"));
  }

  void ready(Context ctx) {
    // While the store knows its database is gone, say so at once rather than wait for the pool's
    // connection timeout; the store's own loops notice its return.
    var down = api.store().unreachableSince();
    if (down.isPresent())
      throw new Problem(
              503,
              "not-ready",
              "Not ready",
              "the queue store's database cannot be reached since " + down.get())
          .header("Retry-After", "5");
    try {
      api.store().paused();
      ApiServer.json(ctx, 200, Map.of("status", "ready"));
    } catch (Exception e) {
      throw new Problem(
              503, "not-ready", "Not ready", "the queue store does not answer: " + e.getMessage())
          .header("Retry-After", "5");
    }
  }
}
