package dev.petrel.report;

import dev.petrel.model.QueueId;
import dev.petrel.queue.AttemptRecord;
import dev.petrel.queue.MessageStore;
import dev.petrel.queue.RecipientDelivery;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StoredEvent;
import dev.petrel.queue.StoredMessage;
import dev.petrel.status.ReplyStatus;
import dev.petrel.status.StatusEngine;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;

/**
 * The JSON body of a webhook request: {@code type}, {@code id}, {@code timestamp} (when the event
 * happened) and {@code data}. For a message event, data names the message, account, recipient and
 * state, with the message's subject, Message-ID, tags and metadata (every event about a message
 * that still exists carries these four), and carries the attempt that caused the change with the
 * engine's explanation of its reply; other events carry the details recorded with them. Built from
 * the store at send time, so the attempt is the one recorded with the event even when the request
 * is retried hours later.
 */
public final class WebhookPayload {

  private final MessageStore store;
  private final StatusEngine engine;

  public WebhookPayload(MessageStore store, StatusEngine engine) {
    this.store = store;
    this.engine = engine;
  }

  /** The {@code webhook-id} of an event: stable across retries. */
  public static String id(StoredEvent e) {
    return "evt_" + e.id();
  }

  public Map<String, Object> build(StoredEvent e) throws StorageException {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("type", e.type());
    o.put("id", id(e));
    o.put("timestamp", MessageJson.instant(e.at()));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("account", e.account());
    if (e.messageId() != null) message(e, data);
    if (e.data() != null) details(e, data);
    o.put("data", data);
    return o;
  }

  private void message(StoredEvent e, Map<String, Object> data) throws StorageException {
    data.put("message_id", e.messageId());
    if (e.type().startsWith("message.")) data.put("state", e.type().substring("message.".length()));
    Optional<StoredMessage> m;
    try {
      m = store.find(new QueueId(e.messageId()));
    } catch (IllegalArgumentException bad) {
      m = Optional.empty();
    }
    // The message may have been deleted since; the event still says what happened.
    if (m.isEmpty()) return;
    StoredMessage msg = m.get();
    // Whatever the event, the caller can tell which of its messages it is about.
    data.put("subject", MessageJson.header(msg, "Subject"));
    data.put("header_message_id", MessageJson.header(msg, "Message-ID"));
    data.put("tags", msg.tags());
    data.put("metadata", MessageJson.metadata(msg));
    if (e.position() == null || e.position() >= msg.recipients().size()) return;
    data.put("recipient", msg.recipients().get(e.position()).address().toString());
    data.put("from", msg.sender() == null ? "" : msg.sender().toString());
    if (e.type().equals("message.cancelled")) return;
    AttemptRecord attempt = null;
    for (RecipientDelivery d : store.deliveries(msg.id())) {
      if (d.position() != e.position()) continue;
      for (AttemptRecord a : d.attempts()) if (!a.at().isAfter(e.at())) attempt = a;
    }
    if (attempt != null) data.put("attempt", attempt(attempt));
  }

  private Map<String, Object> attempt(AttemptRecord a) {
    Map<String, Object> o = MessageJson.attempt(a);
    String reply = replyText(a);
    if (reply != null && a.code() != null) {
      ReplyStatus s = engine.classify(reply);
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("meaning", s.meaning());
      x.put("solution", s.solution());
      x.put("who", s.who().id());
      o.put("explanation", x);
    }
    return o;
  }

  /** The reply as the server sent it, rebuilt from the stored parts. */
  private static String replyText(AttemptRecord a) {
    if (a.code() == null && a.text() == null) return null;
    StringBuilder sb = new StringBuilder();
    if (a.code() != null) sb.append(a.code()).append(' ');
    if (a.enhanced() != null && (a.text() == null || !a.text().startsWith(a.enhanced())))
      sb.append(a.enhanced()).append(' ');
    if (a.text() != null) sb.append(a.text());
    return sb.toString().trim();
  }

  private static void details(StoredEvent e, Map<String, Object> data) {
    try {
      var node = StatusJson.MAPPER.readTree(e.data());
      if (node != null && node.isObject())
        for (var field : node.properties())
          data.putIfAbsent(
              field.getKey(), StatusJson.MAPPER.treeToValue(field.getValue(), Object.class));
    } catch (JacksonException bad) {
      data.put("details", e.data());
    }
  }
}
