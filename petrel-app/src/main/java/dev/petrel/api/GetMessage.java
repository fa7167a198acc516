package dev.petrel.api;

import dev.petrel.model.QueueId;
import dev.petrel.queue.RecipientDelivery;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StoredMessage;
import dev.petrel.report.MessageJson;
import dev.petrel.status.ReplyStatus;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/messages/{id}}: the message with each recipient's state, next retry and every
 * attempt (the same fields as {@code petrel queue show --json}), each attempt with the engine's
 * explanation of its reply (meaning, solution, who must act).
 */
final class GetMessage implements Handler {

  private final Api api;

  GetMessage(Api api) {
    this.api = api;
  }

  @Override
  public void handle(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    StoredMessage m = find(api, caller, ctx.pathParam("id"));
    List<RecipientDelivery> deliveries = api.store().deliveries(m.id());
    Map<String, Object> body = MessageJson.detail(m, deliveries);
    MessageJson.addWaits(body, m, api.waits().of(m.id()));
    body.put("source", m.source());
    explainAttempts(body);
    ApiServer.json(ctx, 200, body);
  }

  /** The caller's message, or 404 (also for another account's id: ids never leak). */
  static StoredMessage find(Api api, Caller caller, String id) throws StorageException {
    QueueId qid;
    try {
      qid = new QueueId(id);
    } catch (IllegalArgumentException e) {
      throw Problem.notFound("no message with id '" + id + "'");
    }
    return api.store()
        .find(qid)
        .filter(m -> m.account().equals(caller.account()))
        .orElseThrow(() -> Problem.notFound("no message with id '" + id + "'"));
  }

  @SuppressWarnings("unchecked")
  private void explainAttempts(Map<String, Object> body) {
    for (Object r : (List<Object>) body.get("recipients")) {
      for (Object a : (List<Object>) ((Map<String, Object>) r).get("attempts")) {
        Map<String, Object> attempt = (Map<String, Object>) a;
        String reply = replyText(attempt);
        if (reply == null) continue;
        ReplyStatus s = api.engine().classify(reply);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("meaning", s.meaning());
        e.put("solution", s.solution());
        e.put("who", s.who().id());
        e.put("matched", s.matched().toString());
        attempt.put("explanation", e);
      }
    }
  }

  private static String replyText(Map<String, Object> attempt) {
    Object code = attempt.get("code");
    Object enhanced = attempt.get("enhanced");
    Object text = attempt.get("text");
    if (code == null && text == null) return null;
    StringBuilder sb = new StringBuilder();
    if (code != null) sb.append(code).append(' ');
    if (enhanced != null && (text == null || !text.toString().startsWith(enhanced.toString())))
      sb.append(enhanced).append(' ');
    if (text != null) sb.append(text);
    return sb.toString().trim();
  }
}
