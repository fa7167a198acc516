package dev.petrel.api;

import dev.petrel.queue.StorageException;
import dev.petrel.report.WebhookDispatcher;
import dev.petrel.report.WebhookTestEvent;
import dev.petrel.webhooks.Webhook;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/webhooks/{id}/test}: sends a signed event of type {@code test} to the
 * webhook's URL now, through the same outbound policy as real events, and answers 200 with how the
 * target answered: its status code, or the class of error when it did not (refused address, DNS,
 * connect, timeout, TLS). The answer is 200 whatever the target did; {@code delivered} says whether
 * it took the event. Another account's webhook answers 404. One test at a time per webhook: a
 * second while the first waits for its target answers 429, so the endpoint cannot be used to flood
 * a target with requests.
 */
final class TestWebhook implements Handler {

  private static final Logger LOG = LoggerFactory.getLogger("webhooks");

  private final Api api;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private WebhookTestEvent sender;

  TestWebhook(Api api) {
    this.api = api;
  }

  private synchronized WebhookTestEvent sender() {
    if (sender == null)
      sender = new WebhookTestEvent(api.webhookTargets(), WebhookDispatcher.Settings.DEFAULTS);
    return sender;
  }

  @Override
  public void handle(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    if (api.webhooks() == null)
      throw new Problem(503, "not-configured", "Not available", "webhooks are not set up");
    String id = ctx.pathParam("id");
    Webhook w =
        api.webhooks()
            .findWebhook(caller.account(), id)
            .orElseThrow(() -> Problem.notFound("no webhook with id '" + id + "' in this account"));
    if (!inFlight.add(w.id()))
      throw new Problem(
              429,
              "test-in-flight",
              "A test is in flight",
              "a test event to this webhook is waiting for its target's answer; try again when it"
                  + " has one")
          .header("Retry-After", "1");
    WebhookTestEvent.Outcome o;
    try {
      o = sender().send(w, api.clock().instant());
    } finally {
      inFlight.remove(w.id());
    }
    LOG.info(
        "webhooks: {} test event {} for account {}: {}",
        w.id(),
        o.eventId(),
        caller.account(),
        o.delivered() ? "HTTP " + o.status() : o.error());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("event_id", o.eventId());
    body.put("event_type", WebhookTestEvent.TYPE);
    body.put("delivered", o.delivered());
    body.put("status", o.status());
    body.put("error", o.error());
    body.put("duration_ms", o.durationMillis());
    ApiServer.json(ctx, 200, body);
  }
}
