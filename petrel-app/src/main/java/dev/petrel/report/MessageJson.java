package dev.petrel.report;

import dev.petrel.queue.AttemptRecord;
import dev.petrel.queue.RecipientDelivery;
import dev.petrel.queue.StoredMessage;
import dev.petrel.queue.StoredMessage.StoredRecipient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shape of a queued message and its delivery history, shared by {@code petrel queue
 * --json} and the HTTP API so both always say the same thing. The field names are a contract
 * (issues 3 and 4): {@code id}, {@code from}, {@code size}, {@code created}, {@code recipients}
 * with {@code address}, {@code state}, {@code attempts} and {@code next_attempt}.
 */
public final class MessageJson {

  private MessageJson() {}

  /**
   * The fields {@code queue list --json} and the API's list print for each message: also {@code
   * subject} and {@code message_id} (the Message-ID header; null when the message has none), {@code
   * tags} and {@code metadata}.
   */
  public static Map<String, Object> summary(StoredMessage m) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", m.id().value());
    o.put("from", m.sender() == null ? "" : m.sender().toString());
    o.put("size", m.size());
    o.put("created", instant(m.created()));
    o.put("held", m.held());
    o.put("subject", header(m, "Subject"));
    o.put("message_id", header(m, "Message-ID"));
    o.put("tags", m.tags());
    o.put("metadata", metadata(m));
    List<Map<String, Object>> rcpts = new ArrayList<>();
    for (StoredRecipient r : m.recipients()) {
      Map<String, Object> ro = new LinkedHashMap<>();
      ro.put("address", r.address().toString());
      ro.put("state", r.state().id());
      rcpts.add(ro);
    }
    o.put("recipients", rcpts);
    return o;
  }

  /**
   * The fields {@code queue show --json} and the API print: the summary, everything else known, and
   * each recipient with its delivery history: {@code attempts} (objects with at, mx, ip, tls,
   * tls_verified, tls_policy, tls_problem, phase, code, enhanced, text, bounce, final, reason,
   * action), {@code next_attempt} (null once final) and {@code possible_duplicate}.
   */
  public static Map<String, Object> detail(StoredMessage m, List<RecipientDelivery> deliveries) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", m.id().value());
    o.put("from", m.sender() == null ? "" : m.sender().toString());
    o.put("size", m.size());
    o.put("created", instant(m.created()));
    o.put("held", m.held());
    o.put("account", m.account());
    o.put("auth_user", m.authUser());
    o.put("client_address", m.clientAddress());
    o.put("helo", m.heloName());
    o.put("body", m.body());
    o.put("smtputf8", m.smtputf8());
    o.put("dsn_ret", m.dsnRet());
    o.put("dsn_envid", m.dsnEnvid());
    o.put("headers", m.headers() == null ? Map.of() : new LinkedHashMap<>(m.headers()));
    o.put("subject", header(m, "Subject"));
    o.put("message_id", header(m, "Message-ID"));
    o.put("tags", m.tags());
    o.put("metadata", metadata(m));
    List<Map<String, Object>> rcpts = new ArrayList<>();
    for (StoredRecipient r : m.recipients()) {
      Map<String, Object> ro = new LinkedHashMap<>();
      ro.put("address", r.address().toString());
      ro.put("state", r.state().id());
      ro.put("notify", r.dsnNotify());
      ro.put("orcpt", r.dsnOrcpt());
      ro.put("updated", instant(r.updated()));
      RecipientDelivery d = rcpts.size() < deliveries.size() ? deliveries.get(rcpts.size()) : null;
      ro.put("next_attempt", d == null || r.state().isFinal() ? null : instant(d.nextAttempt()));
      ro.put("possible_duplicate", d != null && d.possibleDuplicate());
      List<Map<String, Object>> attempts = new ArrayList<>();
      if (d != null) for (AttemptRecord a : d.attempts()) attempts.add(attempt(a));
      ro.put("attempts", attempts);
      rcpts.add(ro);
    }
    o.put("recipients", rcpts);
    return o;
  }

  /** A header of the message's summary, or null. */
  public static String header(StoredMessage m, String name) {
    return m.headers() == null ? null : m.headers().get(name);
  }

  /**
   * The caller's metadata with the JSON types it was given in (a number stays a number); an empty
   * object when there is none.
   */
  public static Map<String, Object> metadata(StoredMessage m) {
    if (m.metadata() == null) return Map.of();
    @SuppressWarnings("unchecked")
    Map<String, Object> parsed = StatusJson.MAPPER.readValue(m.metadata(), LinkedHashMap.class);
    return parsed;
  }

  /**
   * Adds each recipient's {@code waiting} field to a {@link #detail} answer: why delivery holds it
   * back now (its destination slowed down, or at its connection limit) and until when; null when
   * nothing does. Only recipients still to be delivered can wait.
   */
  @SuppressWarnings("unchecked")
  public static void addWaits(
      Map<String, Object> detail,
      StoredMessage m,
      List<dev.petrel.model.DeliveryWaits.Waiting> waits) {
    List<Map<String, Object>> rcpts = (List<Map<String, Object>>) detail.get("recipients");
    for (int i = 0; i < rcpts.size(); i++) {
      Map<String, Object> waiting = null;
      if (!m.recipients().get(i).state().isFinal())
        for (var w : waits) if (w.position() == i) waiting = w.json();
      rcpts.get(i).put("waiting", waiting);
    }
  }

  /** One attempt's fields, as in {@link #detail}. */
  public static Map<String, Object> attempt(AttemptRecord a) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("at", instant(a.at()));
    o.put("mx", a.mx());
    o.put("ip", a.ip());
    o.put("tls", a.tls());
    o.put("tls_verified", a.tlsVerified());
    o.put("tls_policy", a.tlsPolicy());
    o.put("tls_problem", a.tlsProblem());
    o.put("phase", a.phase());
    o.put("code", a.code());
    o.put("enhanced", a.enhanced());
    o.put("text", a.text());
    o.put("bounce", a.bounce());
    // final: this reply ended delivery to the recipient (5xx; a 2xx delivered it); 4xx did not
    o.put("final", a.code() == null ? null : a.code() / 100 != 4 && a.code() / 100 != 3);
    o.put("reason", a.reason());
    o.put("action", a.action());
    return o;
  }

  /** An instant as ISO-8601 text in milliseconds, null stays null. */
  public static String instant(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
