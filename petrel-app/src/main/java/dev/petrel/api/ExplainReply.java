package dev.petrel.api;

import dev.petrel.report.StatusJson;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code GET /api/v1/explain?reply=...}: the status engine over HTTP, with the same fields as
 * {@code petrel explain --json}. A multi-line reply is sent with real line breaks (URL-encoded).
 */
final class ExplainReply implements Handler {

  static final int MAX_REPLY = 64 * 1024;

  private final Api api;

  ExplainReply(Api api) {
    this.api = api;
  }

  @Override
  public void handle(Context ctx) {
    String reply = ctx.queryParam("reply");
    if (reply == null || reply.isBlank())
      throw Problem.badRequest("give the reply to explain in the 'reply' query parameter");
    if (reply.length() > MAX_REPLY)
      throw Problem.badRequest("the reply is longer than " + MAX_REPLY + " characters");
    ApiServer.json(ctx, 200, StatusJson.fields(api.engine().classify(reply)));
  }
}
