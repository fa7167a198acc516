package dev.petrel.api;

import dev.petrel.queue.StorageException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/messages/batch}: {@code {"messages": [...]}}, 1 to {@value #MAX_MESSAGES}
 * messages of the same form as {@code POST /api/v1/messages}. Each is checked and queued on its
 * own, in order, by the same code as a single send (fields, size, content, sender, quota,
 * suppression), and committed on its own: one item's refusal never affects another, and every item
 * answered as accepted is durable before the answer. The answer is 200 with one result per item, in
 * order: {@code status} 202 and the single send's answer in {@code message}, or the status and RFC
 * 9457 problem the single send would have answered, in {@code problem}, its pointers under {@code
 * /messages/N}. What is wrong with the request as a whole (not JSON, no {@code messages} array, too
 * many items) is one problem for the whole request, and nothing is queued. An {@code
 * Idempotency-Key} covers the whole request, as for a single send.
 */
final class SendBatch implements Handler {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("api");

  /** At most this many messages a request. */
  static final int MAX_MESSAGES = 500;

  private final SendMessage single;

  SendBatch(SendMessage single) {
    this.single = single;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    Caller caller = Caller.of(ctx);
    single.idempotent(ctx, caller, 200, () -> send(ctx, caller));
  }

  private Map<String, Object> send(Context ctx, Caller caller) {
    JsonBody body = JsonBody.read(ctx);
    for (var name : body.root.propertyNames())
      if (!name.equals("messages"))
        body.error("/" + name, "is not a field of a batch; put the messages in 'messages'");
    JsonNode items = body.root.get("messages");
    if (items == null || !items.isArray())
      body.error("/messages", "is required: an array of message objects");
    else if (items.isEmpty()) body.error("/messages", "holds no message");
    else if (items.size() > MAX_MESSAGES)
      body.error(
          "/messages",
          "holds "
              + items.size()
              + " messages; a batch takes at most "
              + MAX_MESSAGES
              + ", send the rest in another request");
    body.finish();

    List<Map<String, Object>> results = new ArrayList<>(items.size());
    List<Integer> acceptedRecipients = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String at = "/messages/" + i;
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("index", i);
      try {
        JsonNode item = items.get(i);
        if (!item.isObject())
          throw Problem.invalid(
              List.of(
                  new Problem.FieldError(
                      "", "must be a message object, not " + JsonBody.kind(item))));
        SendMessage.Accepted a = single.accept(caller, ctx.ip(), JsonBody.of(item));
        acceptedRecipients.add(a.recipients());
        result.put("status", 202);
        result.put("message", a.answer());
      } catch (Problem p) {
        refused(ctx, result, p.under(at));
      } catch (StorageException e) {
        refused(
            ctx,
            result,
            new Problem(
                    503,
                    "storage",
                    "The store cannot answer now",
                    "the queue store failed: "
                        + e.getMessage()
                        + "; this message was not queued, send it again shortly")
                .header("Retry-After", "5"));
      } catch (Exception e) {
        LOG.error("batch item {} of account {} failed", i, caller.account(), e);
        refused(
            ctx,
            result,
            new Problem(
                500,
                "internal",
                "Internal error",
                "the server failed to queue this message; it is logged, and it was not queued"));
      }
      results.add(result);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("accepted", acceptedRecipients.size());
    answer.put("refused", results.size() - acceptedRecipients.size());
    answer.put("results", results);
    ctx.attribute(Telemetry.ACCEPTED_EACH, acceptedRecipients);
    ApiServer.json(ctx, 200, answer);
    return answer;
  }

  private static void refused(Context ctx, Map<String, Object> result, Problem p) {
    result.put("status", p.status());
    result.put("problem", p.body(ctx.path()));
    String retry = p.headers().get("Retry-After");
    if (retry != null) result.put("retry_after", Long.parseLong(retry));
  }
}
