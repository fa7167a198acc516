package dev.petrel.api;

import dev.petrel.queue.StorageException;
import dev.petrel.queue.StoredMessage;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;

/**
 * {@code GET /api/v1/messages/{id}/raw}: the stored message itself (header section and body, as
 * Petrel received it, its own Received field first) as {@code message/rfc822} (RFC 2046 §5.2.1), to
 * be saved as a {@code .eml} file. The caller's own messages only: another account's id answers
 * 404, the same as an unknown one.
 */
final class GetRawMessage implements Handler {

  private final Api api;

  GetRawMessage(Api api) {
    this.api = api;
  }

  @Override
  public void handle(Context ctx) throws StorageException, IOException {
    StoredMessage m = GetMessage.find(api, Caller.of(ctx), ctx.pathParam("id"));
    InputStream body;
    try {
      body = api.store().openBody(m.id());
    } catch (NoSuchFileException e) {
      // deleted between the lookup and here
      throw Problem.notFound("no message with id '" + m.id().value() + "'");
    }
    ctx.status(200);
    ctx.contentType("message/rfc822");
    ctx.header("Content-Disposition", "attachment; filename=\"" + m.id().value() + ".eml\"");
    ctx.result(body);
  }
}
