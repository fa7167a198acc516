package dev.petrel.api;

import dev.petrel.model.QueueId;
import dev.petrel.queue.Selection;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StoredMessage;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * Queue operations on one of the caller's messages (the same as {@code petrel queue}): {@code POST
 * /api/v1/messages/{id}/retry} (waiting recipients are due now), {@code .../hold}, {@code
 * .../release}, {@code .../cancel} (recipients not yet final become cancelled). Each answers with
 * what it changed; another account's id is 404.
 */
final class QueueEndpoints {

  private final Api api;

  QueueEndpoints(Api api) {
    this.api = api;
  }

  private QueueId mine(Context ctx) throws StorageException {
    StoredMessage m = GetMessage.find(api, Caller.of(ctx), ctx.pathParam("id"));
    return m.id();
  }

  void retry(Context ctx) throws StorageException {
    QueueId id = mine(ctx);
    int n = api.store().retryNow(Selection.of(List.of(id)), api.clock().instant());
    api.queued().run();
    ApiServer.json(ctx, 200, Map.of("id", id.value(), "recipients_due_now", n));
  }

  void hold(Context ctx) throws StorageException {
    QueueId id = mine(ctx);
    api.store().hold(id);
    ApiServer.json(ctx, 200, Map.of("id", id.value(), "held", true));
  }

  void release(Context ctx) throws StorageException {
    QueueId id = mine(ctx);
    api.store().release(id);
    api.queued().run();
    ApiServer.json(ctx, 200, Map.of("id", id.value(), "held", false));
  }

  void cancel(Context ctx) throws StorageException {
    QueueId id = mine(ctx);
    int n = api.store().cancel(Selection.of(List.of(id)), api.clock().instant());
    ApiServer.json(ctx, 200, Map.of("id", id.value(), "recipients_cancelled", n));
  }
}
