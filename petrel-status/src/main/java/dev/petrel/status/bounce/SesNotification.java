package dev.petrel.status.bounce;

import dev.petrel.status.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Amazon SES event notifications mailed through SNS: a JSON body (possibly wrapped in the SNS
 * envelope, whose "Message" is the event as a string) with notificationType Bounce, Complaint or
 * Delivery. Field names follow Amazon's documentation of the notification contents.
 */
final class SesNotification {

  private SesNotification() {}

  static BounceReport read(BounceParser.Context c, BounceParser parser) {
    if (!c.notice().text().contains("notificationType")) return null;
    String text = c.notice().text().strip();
    int brace = text.indexOf('{');
    if (brace < 0 || brace > 200 || !text.contains("notificationType")) return null;
    // mail transports fold long lines: a line break followed by one space continues the line
    String json = text.substring(brace).replace("\n ", "");
    int end = json.lastIndexOf('}');
    if (end < 0) return null;
    Object root = Json.parse(json.substring(0, end + 1));
    if (root == null) return null;
    if (Json.str(root, "Message") != null) root = Json.parse(Json.str(root, "Message"));
    String type = Json.str(root, "notificationType");
    if (type == null) type = Json.str(root, "eventType");
    if (type == null) return null;
    List<BouncedRecipient> out = new ArrayList<>();
    String feedbackType = null;
    BounceReport.Kind kind;
    switch (type) {
      case "Bounce" -> {
        kind = BounceReport.Kind.NON_STANDARD;
        // SES did not send to an address on a suppression list (its own or the account's): the
        // bounce repeats an earlier decision, whatever status and words it copies from the
        // bounces that put the address there, and proves nothing about the address today
        String subType = Json.str(root, "bounce", "bounceSubType");
        boolean suppressed =
            "Suppressed".equalsIgnoreCase(subType)
                || "OnAccountSuppressionList".equalsIgnoreCase(subType);
        for (Object r : Json.list(root, "bounce", "bouncedRecipients")) {
          String addr = lower(Json.str(r, "emailAddress"));
          String diag = Json.str(r, "diagnosticCode");
          String dtype = null;
          if (diag != null) {
            int semi = diag.indexOf(';');
            if (semi > 0 && semi < 20) {
              dtype = diag.substring(0, semi).trim();
              diag = diag.substring(semi + 1).trim();
            }
          }
          BouncedRecipient b =
              parser.recipient(
                  addr,
                  Json.str(r, "action"),
                  Json.str(r, "status"),
                  dtype,
                  diag,
                  null,
                  Json.str(root, "bounce", "remoteMtaIp"));
          if (suppressed) {
            b = b.withClassification(parser.engine().forReason(Reason.SUPPRESSED, null));
          }
          out.add(b);
        }
      }
      case "Complaint" -> {
        kind = BounceReport.Kind.FEEDBACK;
        feedbackType = Json.str(root, "complaint", "complaintFeedbackType");
        if (feedbackType == null) feedbackType = "abuse";
        for (Object r : Json.list(root, "complaint", "complainedRecipients")) {
          out.add(
              new BouncedRecipient(
                  lower(Json.str(r, "emailAddress")),
                  null,
                  null,
                  null,
                  null,
                  null,
                  parser.engine().forReason(Reason.FEEDBACK, null)));
        }
      }
      case "Delivery" -> {
        kind = BounceReport.Kind.NON_STANDARD;
        String smtp = Json.str(root, "delivery", "smtpResponse");
        for (Object r : Json.list(root, "delivery", "recipients")) {
          if (r instanceof String a) {
            out.add(
                parser.recipient(
                    a.toLowerCase(java.util.Locale.ROOT),
                    "delivered",
                    null,
                    "smtp",
                    smtp,
                    null,
                    Json.str(root, "delivery", "reportingMTA")));
          }
        }
      }
      default -> {
        return null;
      }
    }
    if (out.isEmpty()) return null;
    String messageId = Json.str(root, "mail", "messageId");
    String source = lower(Json.str(root, "mail", "source"));
    Object common = Json.get(root, "mail", "commonHeaders");
    String subject = Json.str(common, "subject");
    String from = null;
    if (Json.get(common, "from") instanceof List<?> l
        && !l.isEmpty()
        && l.getFirst() instanceof String s) from = Addresses.first(s);
    String reporting = Json.str(root, "bounce", "reportingMTA");
    if (reporting != null) reporting = DsnFields.typed(reporting);
    return new BounceReport(
        kind, "amazonses", out, messageId, source, from, subject, reporting, feedbackType);
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(java.util.Locale.ROOT);
  }

  static boolean isMap(Object o) {
    return o instanceof Map<?, ?>;
  }
}
