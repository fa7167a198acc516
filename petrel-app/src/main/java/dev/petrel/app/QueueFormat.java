package dev.petrel.app;

import dev.petrel.model.DeliveryWaits;
import dev.petrel.queue.AttemptRecord;
import dev.petrel.queue.RecipientDelivery;
import dev.petrel.queue.StoredMessage;
import dev.petrel.queue.StoredMessage.StoredRecipient;
import dev.petrel.report.MessageJson;
import dev.petrel.report.StatusJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How the {@code queue} commands print messages: one JSON shape that scripts rely on, and plain
 * text for people. The JSON field names are a contract: {@code id}, {@code from}, {@code size},
 * {@code created}, {@code recipients} with {@code address} and {@code state}.
 */
final class QueueFormat {

  private QueueFormat() {}

  static Map<String, Object> summary(StoredMessage m) {
    return MessageJson.summary(m);
  }

  static Map<String, Object> detail(StoredMessage m) {
    return MessageJson.detail(m, List.of());
  }

  static Map<String, Object> detail(StoredMessage m, List<RecipientDelivery> deliveries) {
    return MessageJson.detail(m, deliveries);
  }

  /** As {@link #detail(StoredMessage, List)}, with each recipient's {@code waiting} field. */
  static Map<String, Object> detail(
      StoredMessage m, List<RecipientDelivery> deliveries, List<DeliveryWaits.Waiting> waits) {
    Map<String, Object> d = MessageJson.detail(m, deliveries);
    MessageJson.addWaits(d, m, waits);
    return d;
  }

  /** Why a recipient waits, as a line for people. */
  static String waitingText(DeliveryWaits.Waiting w) {
    StringBuilder sb = new StringBuilder("waiting: ");
    sb.append(
        w.reason().equals(DeliveryWaits.DESTINATION_SLOWED)
            ? "destination " + w.destination() + " slowed down"
            : "all connections to " + w.destination() + " in use");
    if (w.until() != null) sb.append(" until ").append(instant(w.until()));
    if (w.cause() != null) sb.append(" (after \"").append(w.cause()).append("\")");
    return clean(sb.toString());
  }

  /** One attempt as a line for people. */
  static String attemptText(AttemptRecord a) {
    StringBuilder sb = new StringBuilder(instant(a.at()));
    if (a.mx() != null) sb.append("  ").append(a.mx());
    if (a.ip() != null) sb.append(" [").append(a.ip()).append(']');
    if (a.phase() != null) sb.append("  ").append(a.phase());
    if (a.code() != null) sb.append("  ").append(a.code());
    if (a.enhanced() != null) sb.append(' ').append(a.enhanced());
    if (a.text() != null) sb.append(' ').append(a.text());
    if (a.reason() != null) sb.append("  (").append(a.reason());
    if (a.action() != null) sb.append(a.reason() != null ? ", " : "  (").append(a.action());
    if (a.reason() != null || a.action() != null) sb.append(')');
    String tls = tlsText(a);
    if (tls != null) sb.append("  ").append(tls);
    return clean(sb.toString());
  }

  /**
   * An attempt's TLS facts in one bracket: {@code [TLS TLSv1.3 TLS_AES_128_GCM_SHA256, verified:
   * mta-sts, policy: mta-sts enforce id=1]}, with the problem when one was found; null when the
   * attempt has none (no server chosen, or recorded before these facts were kept).
   */
  static String tlsText(AttemptRecord a) {
    if (a.tls() == null && a.tlsPolicy() == null) return null;
    StringBuilder sb = new StringBuilder("[");
    sb.append(a.tls() == null ? "no TLS" : "TLS " + a.tls());
    if (a.tlsVerified() != null) sb.append(", verified: ").append(a.tlsVerified());
    if (a.tlsPolicy() != null) sb.append(", policy: ").append(a.tlsPolicy());
    if (a.tlsProblem() != null) sb.append(", problem: ").append(a.tlsProblem());
    return sb.append(']').toString();
  }

  static String json(Map<String, Object> fields) {
    return StatusJson.MAPPER.writeValueAsString(fields);
  }

  private static String instant(Instant t) {
    return MessageJson.instant(t);
  }

  private static String sender(StoredMessage m) {
    return m.sender() == null ? "<>" : m.sender().toString();
  }

  /** One message for {@code queue list}: a line for the message, one per recipient. */
  static String text(StoredMessage m) {
    StringBuilder sb = new StringBuilder();
    sb.append(m.id().value())
        .append("  ")
        .append(m.size())
        .append(" bytes  ")
        .append(instant(m.created()))
        .append("  from ")
        .append(sender(m));
    if (m.held()) sb.append("  [held]");
    sb.append('\n');
    for (StoredRecipient r : m.recipients())
      sb.append("    ").append(r.address()).append("  ").append(r.state().id()).append('\n');
    return sb.toString();
  }

  /** Everything about one message for {@code queue show}. */
  static String detailText(StoredMessage m) {
    return detailText(m, List.of());
  }

  /** As {@link #detailText(StoredMessage)}, with each recipient's attempts and next attempt. */
  static String detailText(StoredMessage m, List<RecipientDelivery> deliveries) {
    return detailText(m, deliveries, List.of());
  }

  /**
   * As {@link #detailText(StoredMessage, List)}, with why recipients wait for their destination.
   */
  static String detailText(
      StoredMessage m, List<RecipientDelivery> deliveries, List<DeliveryWaits.Waiting> waits) {
    StringBuilder sb = new StringBuilder();
    row(sb, "id", m.id().value());
    row(sb, "from", sender(m));
    row(sb, "size", m.size() + " bytes");
    row(sb, "created", instant(m.created()));
    row(sb, "held", m.held() ? "yes" : "no");
    row(sb, "account", m.account());
    if (m.authUser() != null) row(sb, "auth user", m.authUser());
    row(
        sb,
        "client",
        (m.clientAddress() == null ? "-" : m.clientAddress())
            + (m.heloName() == null ? "" : " (helo " + m.heloName() + ")"));
    row(sb, "body", (m.body() == null ? "7BIT" : m.body()) + (m.smtputf8() ? ", SMTPUTF8" : ""));
    if (m.dsnRet() != null || m.dsnEnvid() != null)
      row(
          sb,
          "dsn",
          (m.dsnRet() == null ? "" : "RET=" + m.dsnRet())
              + (m.dsnEnvid() == null ? "" : " ENVID=" + m.dsnEnvid()));
    if (m.headers() != null && !m.headers().isEmpty()) {
      sb.append("headers:\n");
      m.headers()
          .forEach(
              (k, v) ->
                  sb.append("  ").append(clean(k)).append(": ").append(clean(v)).append('\n'));
    }
    sb.append("recipients:\n");
    for (int i = 0; i < m.recipients().size(); i++) {
      StoredRecipient r = m.recipients().get(i);
      sb.append("  ").append(r.address()).append("  ").append(r.state().id());
      if (r.dsnNotify() != null) sb.append("  NOTIFY=").append(r.dsnNotify());
      if (r.dsnOrcpt() != null) sb.append("  ORCPT=").append(r.dsnOrcpt());
      sb.append('\n');
      if (!r.state().isFinal())
        for (DeliveryWaits.Waiting w : waits)
          if (w.position() == i) sb.append("      ").append(waitingText(w)).append('\n');
      RecipientDelivery d = i < deliveries.size() ? deliveries.get(i) : null;
      if (d == null) continue;
      for (AttemptRecord a : d.attempts()) sb.append("      ").append(attemptText(a)).append('\n');
      if (!r.state().isFinal() && d.nextAttempt() != null && !d.attempts().isEmpty())
        sb.append("      next attempt ").append(instant(d.nextAttempt())).append('\n');
      if (d.possibleDuplicate())
        sb.append("      possible duplicate: a reply was lost after the message was sent\n");
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, String name, String value) {
    sb.append(name).append(':').append(" ".repeat(Math.max(1, 11 - name.length())));
    sb.append(clean(value)).append('\n');
  }

  /** Text from a client may hold control characters; a terminal must not interpret them. */
  static String clean(String s) {
    if (s == null) return "";
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            c -> sb.appendCodePoint(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ? '?' : c));
    return sb.toString();
  }
}
