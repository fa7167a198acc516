package dev.petrel.report;

import dev.petrel.webhooks.Webhook;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLSocketFactory;

/**
 * A test event for one webhook, sent at once and only once: the envelope ({@code type} {@code
 * test}, {@code id}, {@code timestamp}, {@code data}), the headers and the signature are those of
 * real events, and the target is checked against the same policy ({@link WebhookTargets}) and
 * reached the same way ({@link PinnedHttpPost}) as by {@link WebhookDispatcher}. It is not an event
 * of the account: it is not stored, not retried and not in the delivery log; the caller gets the
 * outcome instead.
 */
public final class WebhookTestEvent {

  /** The event type. */
  public static final String TYPE = "test";

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * How the try went.
   *
   * @param eventId the {@code webhook-id} the request carried
   * @param status the target's HTTP status, or null when there was no answer
   * @param error null after a 2xx; else {@code http NNN} or a short error class, as in the delivery
   *     log (never anything the target sent)
   * @param durationMillis how long the try took
   */
  public record Outcome(String eventId, Integer status, String error, long durationMillis) {
    public boolean delivered() {
      return error == null;
    }
  }

  private final WebhookTargets targets;
  private final PinnedHttpPost http;
  private final WebhookDispatcher.Settings settings;

  /** Sends with the timeouts of {@code settings}, trusting the JVM's certificate authorities. */
  public WebhookTestEvent(WebhookTargets targets, WebhookDispatcher.Settings settings) {
    this.targets = Objects.requireNonNull(targets, "targets");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.http =
        new PinnedHttpPost(
            (SSLSocketFactory) SSLSocketFactory.getDefault(),
            settings.connectTimeout(),
            settings.requestTimeout());
  }

  /** The JSON body of a test event for {@code w}. */
  static Map<String, Object> payload(Webhook w, String id, Instant at) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("type", TYPE);
    o.put("id", id);
    o.put("timestamp", MessageJson.instant(at));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("account", w.account());
    data.put("webhook_id", w.id());
    data.put("note", "a test event asked for through the API; no message is involved");
    o.put("data", data);
    return o;
  }

  /** Signs and posts a test event to {@code w}'s URL now; waits for the answer (or a timeout). */
  public Outcome send(Webhook w, Instant now) {
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    String id = "evt_test_" + HexFormat.of().formatHex(random);
    String body = StatusJson.MAPPER.writeValueAsString(payload(w, id, now));
    long started = System.nanoTime();
    Integer status = null;
    String error;
    try {
      URI url = URI.create(w.url());
      status =
          http.postToFirst(
              url,
              targets.addresses(url),
              WebhookDispatcher.headers(w.secret(), id, now.getEpochSecond(), body),
              body.getBytes(StandardCharsets.UTF_8),
              s -> {},
              s -> {});
      error = status / 100 == 2 ? null : "http " + status;
    } catch (WebhookTargets.RefusedException e) {
      error = "refused: internal address (" + e.kind() + ")";
    } catch (IOException e) {
      error = WebhookDispatcher.errorClass(e, settings.requestTimeout());
    } catch (IllegalArgumentException e) {
      error = "refused: not a usable URL";
    }
    return new Outcome(id, status, error, (System.nanoTime() - started) / 1_000_000);
  }
}
