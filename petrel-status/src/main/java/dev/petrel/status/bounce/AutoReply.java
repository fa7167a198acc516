package dev.petrel.status.bounce;

import dev.petrel.status.Reason;
import dev.petrel.status.ReplyContext;
import dev.petrel.status.ReplyStatus;
import dev.petrel.status.StatusEngine;
import java.util.List;
import java.util.Locale;

/**
 * Auto-replies (RFC 3834: "Auto-Submitted: auto-replied") and the vacation notices of mail systems
 * that mark them their own way (X-Autoreply, X-Autorespond, Apple's X-Apple-Action: VACATION,
 * Exchange's "Automatic reply:" subject with X-Auto-Response-Suppress). A notice that says the
 * address is gone ("no longer in use") is reported as such instead of as a vacation.
 */
final class AutoReply {

  private AutoReply() {}

  /** Subject beginnings of vacation replies, in the languages mail clients use for them. */
  private static final String[] SUBJECTS = {
    "auto:",
    "automatic reply",
    "auto reply",
    "autoreply",
    "auto-reply",
    "auto response",
    "autoresponse",
    "auto-response",
    "autorespons",
    "out of office",
    "out of the office",
    "away until",
    "away from",
    "vacation",
    "abwesenheit",
    "automatische antwort",
    "réponse automatique",
    "respuesta automática",
    "risposta automatica",
    "resposta automática",
    "自動応答",
    "自動返信",
    "不在"
  };

  /** Reasons an auto-reply text may carry instead of a vacation (the address is gone). */
  private static final List<Reason> GONE =
      List.of(Reason.SUSPEND, Reason.USERUNKNOWN, Reason.HASMOVED);

  static boolean is(BounceParser.Context c) {
    if (c.header("X-Failed-Recipients") != null || Cues.fromDaemon(c)) return false;
    if (c.header("X-Autoreply") != null
        || c.header("X-Autorespond") != null
        || c.header("X-Autoresponder") != null
        || c.header("X-Vacation") != null) return true;
    String apple = lower(c.header("X-Apple-Action"));
    if (apple != null && apple.contains("vacation")) return true;
    String prec = lower(c.header("Precedence"));
    if (prec != null && prec.contains("auto_reply")) return true;
    String subject = c.subject().toLowerCase(Locale.ROOT).strip();
    for (String s : SUBJECTS) {
      if (subject.startsWith(s)) return true;
    }
    // RFC 3834's field alone marks any message generated in response to another, bounce and delay
    // notices too (Postfix writes it on them): those read as delivery notices are not auto-replies
    String as = lower(c.header("Auto-Submitted"));
    return as != null && as.startsWith("auto-replied") && !Cues.deliveryNotice(c);
  }

  static BounceReport read(BounceParser.Context c, StatusEngine engine) {
    String from = c.fromAddress();
    String text = BounceParser.oneLine(c.notice().text());
    if (text.length() > 4000) text = text.substring(0, 4000);
    ReplyStatus rs = engine.classify(text, ReplyContext.NONE);
    if (!GONE.contains(rs.reason()) || !rs.matched().kind().endsWith("-rule")) {
      rs = engine.forReason(Reason.VACATION, null);
    }
    BouncedRecipient r = new BouncedRecipient(from, null, null, null, null, null, rs);
    return c.report(BounceReport.Kind.AUTO_REPLY, "rfc3834", List.of(r), null, null);
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT).trim();
  }
}
