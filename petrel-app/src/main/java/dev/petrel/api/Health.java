package dev.petrel.api;

import io.javalin.http.Context;
import java.util.Map;

/**
 * {@code /healthz} (the process answers) and {@code /readyz} (it can take mail: the store answers),
 * for load balancers and orchestrators; neither needs a key nor shows account data.
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
