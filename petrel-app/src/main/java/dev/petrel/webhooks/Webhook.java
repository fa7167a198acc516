package dev.petrel.webhooks;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An endpoint an account registered to receive its events.
 *
 * @param id {@code wh_} and random characters
 * @param account whose events it receives
 * @param url where events are POSTed (http or https)
 * @param secret {@code whsec_} and the base64 of the signing key
 * @param events the event types it wants; empty means every type
 * @param finalOnly whether message events other than final states are left out
 * @param created when it was registered
 */
public record Webhook(
    String id,
    String account,
    String url,
    String secret,
    List<String> events,
    boolean finalOnly,
    Instant created) {

  /** Every event type Petrel records. */
  public static final List<String> TYPES =
      List.of(
          "message.delivered",
          "message.deferred",
          "message.bounced",
          "message.expired",
          "message.suppressed",
          "message.cancelled",
          "suppression.added",
          "quota.warning");

  /** The message events that end a recipient's story: what a final-only webhook receives. */
  public static final Set<String> FINAL =
      Set.of(
          "message.delivered",
          "message.bounced",
          "message.expired",
          "message.suppressed",
          "message.cancelled");

  public Webhook {
    if (id == null || id.isBlank()) throw new IllegalArgumentException("id needed");
    if (account == null || account.isBlank()) throw new IllegalArgumentException("account needed");
    checkUrl(url);
    if (secret == null || secret.isBlank()) throw new IllegalArgumentException("secret needed");
    events = events == null ? List.of() : List.copyOf(events);
    for (String e : events)
      if (!TYPES.contains(e))
        throw new IllegalArgumentException(
            "unknown event type '" + e + "'; known: " + String.join(", ", TYPES));
    if (created == null) throw new IllegalArgumentException("created needed");
  }

  /** Whether an event of this type goes to this webhook. */
  public boolean wants(String type) {
    if (!events.isEmpty() && !events.contains(type)) return false;
    return !finalOnly || !type.startsWith("message.") || FINAL.contains(type);
  }

  /**
   * Checks an endpoint URL: absolute, http or https, with a host, at most 2,000 characters.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static void checkUrl(String url) {
    if (url == null || url.isBlank()) throw new IllegalArgumentException("a URL is needed");
    if (url.length() > 2000) throw new IllegalArgumentException("the URL is over 2000 characters");
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https"))
      throw new IllegalArgumentException(
          "the URL must start with http:// or https://, not '" + url + "'");
    if (uri.getHost() == null || uri.getHost().isEmpty())
      throw new IllegalArgumentException("the URL has no host name: '" + url + "'");
    if (uri.getRawFragment() != null)
      throw new IllegalArgumentException("the URL must not have a #fragment");
  }
}
