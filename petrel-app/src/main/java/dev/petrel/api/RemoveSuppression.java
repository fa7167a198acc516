package dev.petrel.api;

import dev.petrel.queue.StorageException;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/** {@code DELETE /api/v1/suppressions/{address}}: 204 when removed, 404 when not on the list. */
final class RemoveSuppression implements Handler {

  private final Api api;

  RemoveSuppression(Api api) {
    this.api = api;
  }

  @Override
  public void handle(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    String address = ctx.pathParam("address");
    if (!api.store().removeSuppression(caller.account(), address))
      throw Problem.notFound("'" + address + "' is not on this account's suppression list");
    ctx.status(204);
  }
}
