package dev.petrel.api;

import dev.petrel.queue.StorageException;
import dev.petrel.report.MessageJson;
import dev.petrel.report.WebhookSigner;
import dev.petrel.webhooks.Webhook;
import dev.petrel.webhooks.WebhookDelivery;
import dev.petrel.webhooks.WebhookStore;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/webhooks}: an account's webhooks: register one (its signing secret is in the 201
 * answer and never again), list, show, remove, and read its delivery log. Another account's webhook
 * answers 404.
 */
final class WebhookEndpoints {

  /** Most webhooks one account may register. */
  static final int MAX_PER_ACCOUNT = 20;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Api api;

  WebhookEndpoints(Api api) {
    this.api = api;
  }

  private WebhookStore hooks() {
    if (api.webhooks() == null)
      throw new Problem(503, "not-configured", "Not available", "webhooks are not set up");
    return api.webhooks();
  }

  void create(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    JsonBody body = JsonBody.read(ctx);
    String url = body.string("url");
    if (url == null) body.error("/url", "is required, e.g. https://example.com/petrel-events");
    else {
      try {
        Webhook.checkUrl(url);
        // early and precise; every try checks again, since the name's answer may change
        String refused = api.webhookTargets().refusal(url);
        if (refused != null) body.error("/url", refused);
      } catch (IllegalArgumentException e) {
        body.error("/url", e.getMessage());
      }
    }
    List<String> events = new ArrayList<>();
    JsonNode ev = body.root.get("events");
    if (ev != null && !ev.isNull()) {
      if (!ev.isArray())
        body.error("/events", "must be an array of event types, not " + JsonBody.kind(ev));
      else
        for (int i = 0; i < ev.size(); i++) {
          JsonNode t = ev.get(i);
          if (!t.isString() || !Webhook.TYPES.contains(t.asString()))
            body.error(
                "/events/" + i, "is not an event type; known: " + String.join(", ", Webhook.TYPES));
          else if (!events.contains(t.asString())) events.add(t.asString());
        }
    }
    JsonNode fo = body.root.get("final_only");
    boolean finalOnly = false;
    if (fo != null && !fo.isNull()) {
      if (!fo.isBoolean())
        body.error("/final_only", "must be true or false, not " + JsonBody.kind(fo));
      else finalOnly = fo.asBoolean();
    }
    body.finish();
    if (hooks().webhooks(caller.account()).size() >= MAX_PER_ACCOUNT)
      throw new Problem(
          409,
          "too-many-webhooks",
          "Too many webhooks",
          "an account may have " + MAX_PER_ACCOUNT + " webhooks; remove one first");
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    Webhook w =
        new Webhook(
            "wh_" + HexFormat.of().formatHex(random),
            caller.account(),
            url,
            WebhookSigner.newSecret(),
            events,
            finalOnly,
            api.clock().instant());
    hooks().createWebhook(w);
    Map<String, Object> answer = json(w);
    answer.put("secret", w.secret());
    ctx.header("Location", "/api/v1/webhooks/" + w.id());
    ApiServer.json(ctx, 201, answer);
  }

  void list(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    List<Map<String, Object>> data = new ArrayList<>();
    for (Webhook w : hooks().webhooks(caller.account())) data.add(json(w));
    ApiServer.json(ctx, 200, Map.of("data", data));
  }

  void show(Context ctx) throws StorageException {
    ApiServer.json(ctx, 200, json(find(ctx)));
  }

  void remove(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    String id = ctx.pathParam("id");
    if (!hooks().deleteWebhook(caller.account(), id)) throw notFound(id);
    ctx.status(204);
  }

  void deliveries(Context ctx) throws StorageException {
    Webhook w = find(ctx);
    int limit = 100;
    String l = ctx.queryParam("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 1000)
        throw Problem.badRequest("limit must be a whole number from 1 to 1000, not '" + l + "'");
    }
    List<Map<String, Object>> data = new ArrayList<>();
    for (WebhookDelivery d : hooks().deliveries(w.id(), limit)) data.add(json(d));
    ApiServer.json(ctx, 200, Map.of("data", data));
  }

  private Webhook find(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    String id = ctx.pathParam("id");
    return hooks().findWebhook(caller.account(), id).orElseThrow(() -> notFound(id));
  }

  private static Problem notFound(String id) {
    return Problem.notFound("no webhook with id '" + id + "' in this account");
  }

  static Map<String, Object> json(Webhook w) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", w.id());
    o.put("url", w.url());
    o.put("events", w.events().isEmpty() ? null : w.events());
    o.put("final_only", w.finalOnly());
    o.put("created", MessageJson.instant(w.created()));
    return o;
  }

  static Map<String, Object> json(WebhookDelivery d) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", d.id());
    o.put("event_id", "evt_" + d.eventId());
    o.put("event_type", d.eventType());
    o.put("attempt", d.attempt());
    o.put("at", MessageJson.instant(d.at()));
    o.put("status", d.status());
    o.put("error", d.error());
    o.put("duration_ms", d.durationMillis());
    o.put("next_attempt", MessageJson.instant(d.nextAttempt()));
    o.put("state", d.state().id());
    return o;
  }
}
