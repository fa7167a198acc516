package dev.petrel.api;

import dev.petrel.model.EmailAddress;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.Suppression;
import dev.petrel.report.SuppressionFile;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code POST /api/v1/suppressions} with {@code {"address": "...", "reason": "..."}}: puts an
 * address on the caller's list (reason {@code manual} unless given). 201 when it was new, 200 when
 * it was already there (the entry is replaced).
 */
final class AddSuppression implements Handler {

  private final Api api;

  AddSuppression(Api api) {
    this.api = api;
  }

  @Override
  public void handle(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    JsonBody body = JsonBody.read(ctx);
    String address = body.string("address");
    String reason = body.string("reason");
    if (address == null) body.error("/address", "is required");
    else {
      try {
        EmailAddress.parse(address);
      } catch (IllegalArgumentException e) {
        body.error("/address", "is not an email address: " + e.getMessage());
      }
    }
    if (reason != null && !SuppressionFile.isReason(reason))
      body.error("/reason", "must be a short lower-case word such as manual or complaint");
    body.finish();
    Suppression s =
        new Suppression(
            caller.account(),
            address,
            reason == null ? "manual" : reason,
            "added through the API",
            api.clock().instant());
    boolean added = api.store().addSuppression(s);
    ApiServer.json(ctx, added ? 201 : 200, SuppressionJson.of(s));
  }
}
