package dev.petrel.api;

import dev.petrel.queue.StorageException;
import dev.petrel.queue.Suppression;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/v1/suppressions}: the caller's suppression list, oldest first, each entry with
 * the reply that caused it; {@code q} keeps the addresses that contain it, {@code limit} (default
 * 1000) bounds the answer.
 */
final class ListSuppressions implements Handler {

  private final Api api;

  ListSuppressions(Api api) {
    this.api = api;
  }

  @Override
  public void handle(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    int limit = 1000;
    String l = ctx.queryParam("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 100_000)
        throw Problem.badRequest("limit must be a whole number from 1 to 100000, not '" + l + "'");
    }
    String q = ctx.queryParam("q");
    String needle = q == null ? null : q.trim().toLowerCase(Locale.ROOT);
    List<Suppression> all = api.store().suppressions(caller.account(), limit);
    List<Map<String, Object>> data =
        all.stream()
            .filter(s -> needle == null || s.address().contains(needle))
            .map(SuppressionJson::of)
            .toList();
    ApiServer.json(ctx, 200, Map.of("data", data));
  }
}
