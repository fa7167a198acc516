package dev.petrel.status.bounce;

import dev.petrel.status.Reason;
import dev.petrel.status.ReplyStatus;
import dev.petrel.status.StatusEngine;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Feedback reports: RFC 5965 ARF (multipart/report; report-type=feedback-report), Microsoft's older
 * JMRP complaint format (the complained-about message attached with an X-HmXmrOriginalRecipient
 * header) and Apple Mail's one-click unsubscribe mail (X-Apple-Unsubscribe).
 */
final class Feedback {

  private Feedback() {}

  static BounceReport read(BounceParser.Context c, StatusEngine engine) {
    MailPart report = null;
    boolean arf = false;
    for (MailPart p : c.parts()) {
      if (p.insideEnclosedMessage()) continue;
      if (p.mimeType.equals("message/feedback-report")) {
        report = p;
        arf = true;
        break;
      }
      if (p.mimeType.equals("multipart/report")
          && "feedback-report".equals(p.contentTypeParam("report-type"))) arf = true;
    }
    String type = null;
    String reporting = null;
    Set<String> rcpts = new LinkedHashSet<>();
    if (arf) {
      if (report != null && report.text != null) {
        for (MailPart.Header h : OriginalMessage.parseHeaders(report.text)) {
          String n = h.name().toLowerCase(Locale.ROOT);
          switch (n) {
            case "feedback-type" -> type = h.value().trim().toLowerCase(Locale.ROOT);
            case "original-rcpt-to", "removal-recipient" -> rcpts.addAll(Addresses.all(h.value()));
            case "reporting-mta" -> reporting = DsnFields.typed(h.value());
            default -> {}
          }
        }
      }
      if (type == null) type = "abuse";
    } else if (c.original().header("X-HmXmrOriginalRecipient") != null) {
      type = "abuse";
      rcpts.addAll(Addresses.all(c.original().header("X-HmXmrOriginalRecipient")));
    } else if ("true".equalsIgnoreCase(trim(c.header("X-Apple-Unsubscribe")))) {
      type = "opt-out";
      String f = c.fromAddress();
      if (f != null) rcpts.add(f);
    } else {
      return null;
    }
    if (rcpts.isEmpty()) rcpts.addAll(c.original().recipients());
    List<String> list = new ArrayList<>(rcpts);
    if (list.isEmpty()) list.add(null);
    ReplyStatus rs = engine.forReason(Reason.FEEDBACK, null);
    List<BouncedRecipient> out = new ArrayList<>();
    for (String a : list) {
      out.add(new BouncedRecipient(a, null, null, null, null, null, rs));
    }
    return c.report(BounceReport.Kind.FEEDBACK, "arf", out, reporting, type);
  }

  private static String trim(String s) {
    return s == null ? null : s.trim();
  }
}
