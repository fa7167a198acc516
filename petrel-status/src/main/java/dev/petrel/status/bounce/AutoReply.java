package dev.petrel.status.bounce;

import dev.petrel.status.Reason;
import dev.petrel.status.ReplyContext;
import dev.petrel.status.ReplyStatus;
import dev.petrel.status.StatusEngine;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Auto-replies: vacation and out-of-office notices and other autoresponders (RFC 3834). They are
 * never bounces: the parser reports them as {@link BounceReport.Kind#AUTO_REPLY} with reason {@code
 * vacation}, unless their text is a rule's "this address is no longer in use" (then that reason).
 *
 * <p>The decision, in this order:
 *
 * <ol>
 *   <li>A mail with report structure is no auto-reply, whatever it carries: a delivery or feedback
 *       report part (RFC 3464 {@code message/delivery-status}, RFC 6522 {@code multipart/report},
 *       RFC 5965 {@code message/feedback-report}), {@code X-Failed-Recipients}, a sender that is a
 *       mailer daemon, or a text that quotes a failure's status code or RFC 3464's per-recipient
 *       fields ({@link #quotesFailure}). The DSN reader runs before this one; this also covers
 *       reports it skipped. One exception: a mail whose only sign of a report is its mailer-daemon
 *       sender, that carries a field only autoresponders write and says nothing of a failed or
 *       delayed delivery, is an autoresponder's reply that a relay passed on under its own address.
 *   <li>A mail with a bounce or delay subject, or the words only delay notices use ({@link
 *       Cues#noticeSubject}, {@link Cues#delayNotice}), is an MTA's notice, whatever it carries.
 *   <li>Strong header cues decide alone: the fields only autoresponders write ({@link #VENDOR},
 *       {@link #vendorCue}), and RFC 3834's {@code Auto-Submitted: auto-replied} when the body has
 *       no word of a delivery failure or delay ({@link Cues#deliveryNotice}: RFC 3834 §5 gives that
 *       field to every message sent in response to another, bounces included, and Postfix writes it
 *       on its bounces and delay notices).
 *   <li>A subject cue needs a second one: a subject that begins the way mail programs begin
 *       automatic replies ({@link #STRONG_SUBJECTS}) counts when the body has none of a delivery
 *       notice's words; a weaker subject ({@link #WEAK_SUBJECTS}) counts so only in the form of a
 *       prefix ("Auto: ...", "Absence: ...") or alone ("Vacation"), and else needs a header cue
 *       ({@link #secondCue}): "Vacation plans" from a person is no auto-reply.
 * </ol>
 *
 * <p>{@code Precedence: bulk} or {@code junk} alone is no cue: vacation programs send it, but so do
 * mailing lists and some MTAs on their bounces.
 */
final class AutoReply {

  private AutoReply() {}

  /**
   * Header fields that autoresponders write on their replies and that nothing else writes: the
   * field's presence decides (any value but "no"). Sources:
   *
   * <ul>
   *   <li>{@code X-Autoreply} (Gmail's vacation responder writes "yes"), {@code X-Autorespond}
   *       (cPanel, BoxTrapper), {@code X-AutoReply-From} and {@code X-Mail-Autoreply} (Domain
   *       Technologie Control), {@code X-FC-MachineGenerated} (FirstClass): the list of
   *       autoresponder fields at
   *       https://github.com/jpmckinney/multi_mail/wiki/Detecting-autoresponders (the same list is
   *       used by Apache Allura, Allura/allura/lib/mail_util.py is_autoreply);
   *   <li>{@code X-Autoresponder}, {@code X-Vacation}: the fields of vacation programs that name
   *       themselves (the Unix vacation(1) family writes its own identification field, e.g.
   *       "Delivered-By-The-Graces-Of: the Vacation program" in the 4.3BSD manual page,
   *       https://manpath.be/bsd211/1/vacation).
   * </ul>
   */
  private static final String[] VENDOR = {
    "X-Autoreply",
    "X-Autorespond",
    "X-Autoresponder",
    "X-AutoReply-From",
    "X-Mail-Autoreply",
    "X-Vacation",
    "Delivered-By-The-Graces-Of"
  };

  /**
   * Subject beginnings that mail programs and servers put on automatic replies, lower case, each
   * followed by the original subject or alone. They count when the body has no delivery-failure
   * words. Sources:
   *
   * <ul>
   *   <li>English: Outlook/Exchange "Automatic reply:" (Sisimai's RFC3834 detector,
   *       https://github.com/sisimai/p5-sisimai lib/Sisimai/RFC3834.pm, matches "Auto Response:",
   *       "Automatic reply:", "Out of Office:"); "Out of Office AutoReply:" and "Auto Response"
   *       (https://github.com/jpmckinney/multi_mail/wiki/Detecting-autoresponders); "Auto-Reply:"
   *       (iRedMail's sample Sieve vacation script); "Autoreply:" (the autoresponder of the hosting
   *       company in https://github.com/mittwald/feature-requests/issues/122);
   *   <li>the name Outlook and Exchange give the feature in each language, which their replies
   *       carry as the subject's prefix: German "Automatische Antwort" (Outlook's "Automatische
   *       Antworten", https://it-service.ovgu.de/kix/public.pl?Action=PublicFAQZoom;ItemID=182) and
   *       the German word for the notice, "Abwesenheitsnotiz"
   *       (https://www.ionos.de/hilfe/e-mail/glossar-e-mail-fachbegriffe-verstaendlich-erklaert/abwesenheitsnotiz-kurz-erklaert/);
   *       French "Réponse automatique" (https://support.microsoft.com/fr-fr/office/
   *       réponses-automatiques-anciennement-gestionnaire-d-absence-du-bureau-48d40166-0129-4653-98f1-eb85f9bd8c20);
   *       Spanish "Respuesta automática" and "Fuera de la oficina"
   *       (https://support.office.com/es-es/article/Activar-o-desactivar-respuestas-Fuera-de-la-oficina-4e07ab75-beda-4f9e-bcdc-44471ebacdee);
   *       Portuguese "Resposta automática" (https://support.microsoft.com/pt-br/help/290846);
   *       Italian "Risposta automatica"
   *       (https://support.hostpoint.ch/it/prodotti/e-mail/domande-piu-frequenti-su-e-mail/come-creo-un-messaggio-di-assenza);
   *       Dutch "Automatisch antwoord"
   *       (https://helpdesk.hostnet.nl/hc/nl-nl/articles/360015164298); Polish "Odpowiedź
   *       automatyczna" (Outlook's "Odpowiedzi automatyczne",
   *       https://www.polsl.pl/pomoc/poczta/odpowiedzi-automatyczne-outlook); Russian "Автоответ"
   *       and "Автоматический ответ"
   *       (https://how-what.net/articles/view/kak-nastroit-avtootvet-v-outlook-na-vremya-otpuska);
   *       Japanese "自動応答" (Outlook Web App's "自動応答",
   *       https://learn.microsoft.com/ja-jp/previous-versions/exchange-server/exchangeserver-149/bb899558(v=exchsrvcs.149))
   *       and "自動返信" (https://funshitsu.com/outlook-automatic-reply-out-of-office-settings);
   *       Chinese "自动回复" and "自动答复" (https://m.nctoro.com/tag_outlookzidonghuifushezhi); Norwegian
   *       and Danish "Autosvar" and "Automatisk svar"
   *       (https://www.utdannet.no/laer/outlook-e-post/autosvar-outlook), Swedish "Automatiskt
   *       svar" (the Swedish guide of Solaris CDE's mailer names its vacation message so,
   *       https://docs.oracle.com/cd/E19683-01/816-3941/6ma6hcp4s/index.html).
   * </ul>
   */
  private static final String[] STRONG_SUBJECTS = {
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto response",
    "auto-response",
    "autoresponse",
    "autoresponder",
    "out of office",
    "out of the office",
    // the subject of the Unix vacation program's own message
    // (https://astro.utoronto.ca/~stefan/manual/man_vacation.html)
    "away from my mail",
    "abwesenheitsnotiz",
    "automatische antwort",
    "réponse automatique",
    "respuesta automática",
    "fuera de la oficina",
    "resposta automática",
    "risposta automatica",
    "automatisch antwoord",
    "odpowiedź automatyczna",
    // Gmail's Polish name of the vacation responder
    // (https://iqhost.pl/blog/jak-ustawic-autoresponder-w-poczcie-gmail) and a webmail's
    // (https://www.estrefa.pl/Pomoc/Poczta/Autoodpowiedz/)
    "automatyczna odpowiedź",
    "autoodpowiedź",
    "автоответ",
    "автоматический ответ",
    "自動応答",
    "自動返信",
    "自动回复",
    "自动答复",
    "autosvar",
    "automatisk svar",
    "automatiskt svar",
    // Latvian: "Ārpus biroja" (out of office) and "automātiskā atbilde" (automatic reply), the
    // words of the Latvian Exchange/Outlook out-of-office reply, whose subject reads "Ārpus
    // biroja atrašanās automātiskā atbilde: <subject>" (a 2009 reply of Exchange 6.0 kept in the
    // bounce-email gem's tests, https://github.com/whatcould/bounce-email
    // test/non_bounces/tt_1234210666.txt, written there without the diacritics)
    "ārpus biroja",
    "automātiskā atbilde"
  };

  /**
   * Subject beginnings that automatic replies use but people may write too: they need a second cue
   * of the header ({@link #secondCue}). "Auto:" is RFC 3834 §3.1.5's recommended prefix and RFC
   * 5230 §5.3's default for Sieve's vacation action (whose replies carry "Auto-Submitted:
   * auto-replied", RFC 5230 §5.1, so they are found by that field anyway); "I am on vacation" is
   * the example of the Unix vacation(1) manual (https://manpath.be/bsd211/1/vacation); the others
   * are the words for an absence notice in the languages above (Dutch "Afwezig", French and Spanish
   * "Absence"/"Ausente", German "Abwesend"/"Abwesenheit", Japanese "不在").
   */
  private static final String[] WEAK_SUBJECTS_AS_WRITTEN = {
    "auto:",
    "vacation",
    "on vacation",
    "i am on vacation",
    "away from",
    "away until",
    "absence",
    "absent",
    "ausente",
    "abwesend",
    "abwesenheit",
    "afwezig",
    "不在"
  };

  private static final String[] STRONG = fold(STRONG_SUBJECTS);
  private static final String[] WEAK_SUBJECTS = fold(WEAK_SUBJECTS_AS_WRITTEN);

  /** Reasons an auto-reply text may carry instead of a vacation (the address is gone). */
  private static final List<Reason> GONE =
      List.of(Reason.SUSPEND, Reason.USERUNKNOWN, Reason.HASMOVED);

  static boolean is(BounceParser.Context c) {
    if (quotesFailure(c)) return false;
    if (reportStructure(c)) {
      // A relay that passes an autoresponder's reply on to the sender's bounce address may send it
      // under its own mailer-daemon address (Amazon SES does, from MAILER-DAEMON@amazonses.com).
      // With nothing else of a report (no report part, no X-Failed-Recipients, no failure quoted,
      // no word of a failed or delayed delivery), a field only autoresponders write still decides.
      return Cues.fromDaemon(c)
          && !reportStructureBesidesSender(c)
          && vendorCue(c)
          && !Cues.noticeSubject(c)
          && !Cues.delayNotice(c)
          && !Cues.deliveryNotice(c);
    }
    if (vendorCue(c)) return true;
    // a bounce or delay subject, or the words only delay notices use: an MTA's notice
    if (Cues.noticeSubject(c) || Cues.delayNotice(c)) return false;
    // RFC 3834 §5: the field alone marks any message generated in response to another, bounce and
    // delay notices too (Postfix writes it on them): those that say a delivery failed or waits are
    // not auto-replies
    if (Cues.deliveryNotice(c)) return false;
    if (autoReplied(c)) return true;
    // "auto-generated" (and "auto-notified") marks mail no person sent; Outlook.com/Hotmail writes
    // it on its automatic replies (https://github.com/simple-login/app app/email/headers.py), and
    // Sisimai's RFC3834 detector counts all three values: with a sign that the mail answers one
    // (In-Reply-To, References, Exchange's X-Auto-Response-Suppress) it is an auto-reply
    if (autoGenerated(c)
        && (c.header("In-Reply-To") != null
            || c.header("References") != null
            || c.header("X-Auto-Response-Suppress") != null)) return true;
    String subject = subject(c);
    if (startsWithAny(subject, STRONG)) return true;
    // a weak subject: a header cue, or the subject in the form of a prefix ("Auto: <subject>",
    // "Absence: ...") or alone ("Vacation"), on a body without a failure's words (above)
    return startsWithAny(subject, WEAK_SUBJECTS) && (secondCue(c) || prefixForm(subject));
  }

  /** The subject is one of {@link #WEAK_SUBJECTS} alone, or one followed by a colon. */
  private static boolean prefixForm(String subject) {
    for (String p : WEAK_SUBJECTS) {
      if (!subject.startsWith(p)) continue;
      String rest = subject.substring(p.length()).strip();
      if (p.endsWith(":") || rest.isEmpty() || rest.startsWith(":") || rest.startsWith("："))
        return true;
    }
    return false;
  }

  /**
   * The mail is a report, or comes from a delivery system: a delivery or feedback report part (RFC
   * 3464, RFC 6522's multipart/report, RFC 5965), {@code X-Failed-Recipients} (Exim), a mailer
   * daemon as sender, or a list server's refusal.
   */
  static boolean reportStructure(BounceParser.Context c) {
    return Cues.fromDaemon(c) || reportStructureBesidesSender(c);
  }

  /** {@link #reportStructure} without the sender: the mail's own structure and fields. */
  private static boolean reportStructureBesidesSender(BounceParser.Context c) {
    if (c.header("X-Failed-Recipients") != null || Cues.listServerRefusal(c)) return true;
    if (c.root().mimeType.equals("multipart/report")) return true;
    for (MailPart p : c.parts()) {
      if (p.insideEnclosedMessage()) continue;
      String t = p.mimeType;
      if (t.startsWith("message/delivery-status")
          || t.equals("message/global-delivery-status")
          || t.equals("message/feedback-report")
          || t.equals("message/disposition-notification")) return true;
    }
    return false;
  }

  /**
   * A failure or delay reply as bounces quote it: an RFC 5321 reply code followed by an RFC 3463
   * enhanced code of class 4 or 5 ("550 5.1.1", "452-4.2.2"), a Status field ("Status: 5.1.1") or
   * qmail's "#5.1.1" (a bare "4.5.24" may be a date of an absence); or an RFC 3464 per-recipient
   * field written as text ("Final-Recipient:", "Diagnostic-Code:"): the mail reports on a delivery,
   * as bounces and delay notices do, and an out-of-office text does not.
   */
  static boolean quotesFailure(BounceParser.Context c) {
    String t = c.text().lowerNoticeText();
    if (t.contains("final-recipient:") || t.contains("diagnostic-code:")) return true;
    return ENHANCED_FAILURE.matcher(t).find();
  }

  private static final Pattern ENHANCED_FAILURE =
      Pattern.compile(
          "(?<![\\w.])(?:[45]\\d\\d[ -]|status: *|#)[45]\\.[0-7]\\.\\d{1,3}(?![\\d.]*\\d)");

  /** One of the autoresponders' own fields ({@link #VENDOR} and a few with a set value). */
  private static boolean vendorCue(BounceParser.Context c) {
    for (String h : VENDOR) {
      String v = lower(c.header(h));
      if (v != null && !v.equals("no") && !v.equals("false")) return true;
    }
    // Apple's iCloud vacation replies
    if (contains(c.header("X-Apple-Action"), "vacation")) return true;
    // "Precedence: auto_reply" (cPanel, BoxTrapper; also written as X-Precedence), "Delivered-To:
    // Autoresponder" (qmail), "X-POST-MessageClass: 9; Autoresponder" (Mailtraq), FirstClass's
    // "X-FC-MachineGenerated: true": all from
    // https://github.com/jpmckinney/multi_mail/wiki/Detecting-autoresponders
    for (String h : List.of("Precedence", "X-Precedence")) {
      String v = lower(c.header(h));
      if (v != null && (v.equals("auto_reply") || v.equals("auto-reply"))) return true;
    }
    for (String v : c.root().headers("Delivered-To")) {
      if (v.strip().equalsIgnoreCase("autoresponder")) return true;
    }
    if (contains(c.header("X-POST-MessageClass"), "autoresponder")) return true;
    // the Unix vacation program signs its replies "From: smith (via the vacation program)"
    // (https://astro.utoronto.ca/~stefan/manual/man_vacation.html)
    if (contains(c.header("From"), "via the vacation program")) return true;
    String fc = lower(c.header("X-FC-MachineGenerated"));
    return "true".equals(fc);
  }

  /** RFC 3834 §5.1 and the IANA registry of Auto-Submitted keywords: no person sent it. */
  private static boolean autoGenerated(BounceParser.Context c) {
    String as = lower(c.header("Auto-Submitted"));
    return as != null && (as.startsWith("auto-generated") || as.startsWith("auto-notified"));
  }

  /** RFC 3834 §5.2: "auto-replied" says the message was generated in reply to another. */
  private static boolean autoReplied(BounceParser.Context c) {
    String as = lower(c.header("Auto-Submitted"));
    return as != null && as.startsWith("auto-replied");
  }

  /**
   * A second cue for a weak subject: any value of RFC 3834's Auto-Submitted other than "no"; a
   * Precedence of bulk, junk or auto_reply (what vacation programs write, and what they refuse to
   * answer, vacation(1)); Microsoft's X-Auto-Response-Suppress
   * (https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxcmail/ced68690-498a-4567-9d14-5c01f974d8b1),
   * which Exchange writes on its automatic replies; an In-Reply-To or References field (RFC 3834
   * §3.1.3 asks responders to write them); a null return path (RFC 3834 §3.3); or one of the strong
   * cues.
   */
  static boolean secondCue(BounceParser.Context c) {
    String as = lower(c.header("Auto-Submitted"));
    if (as != null && !as.isEmpty() && !as.startsWith("no")) return true;
    String prec = lower(c.header("Precedence"));
    if (prec != null
        && (prec.startsWith("bulk") || prec.startsWith("junk") || prec.startsWith("auto"))) {
      return true;
    }
    if (c.header("X-Auto-Response-Suppress") != null) return true;
    if (c.header("In-Reply-To") != null || c.header("References") != null) return true;
    String rp = c.header("Return-Path");
    if (rp != null && rp.replace(" ", "").equals("<>")) return true;
    return vendorCue(c);
  }

  /**
   * The subject, lower case and without the accents of Latin letters ({@link #fold}), without
   * leading white space and without a tag in brackets that a gateway puts before it ("[External]
   * Automatic reply: ...").
   */
  private static String subject(BounceParser.Context c) {
    String s = fold(c.subject());
    s = s.strip();
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close > 0 && close < 40) s = s.substring(close + 1).strip();
    }
    return s;
  }

  /**
   * Lower case, without the combining accents of Latin letters (U+0300 to U+036F after canonical
   * decomposition), composed again: older mail systems and gateways that allow only ASCII in a
   * header drop the accents ("Respuesta automatica:", "Arpus biroja ... automatiska atbilde:"), so
   * the subject and the prefixes are compared without them. Marks of other scripts (the kana's
   * voicing marks) stay.
   */
  static String fold(String s) {
    String d = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("[\\u0300-\\u036f]", "");
    return Normalizer.normalize(d, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
  }

  private static String[] fold(String[] words) {
    String[] out = new String[words.length];
    for (int i = 0; i < words.length; i++) out[i] = fold(words[i]);
    return out;
  }

  private static boolean startsWithAny(String subject, String[] prefixes) {
    for (String p : prefixes) {
      if (!subject.startsWith(p)) continue;
      if (p.endsWith(":") || subject.length() == p.length()) return true;
      // a whole word: "Absence: ..." or "Absent until Monday", never "Absentee ballot"
      char next = subject.charAt(p.length());
      if (!Character.isLetterOrDigit(next) || isIdeographic(p)) return true;
    }
    return false;
  }

  private static boolean isIdeographic(String s) {
    return Character.isIdeographic(s.codePointAt(0)) || s.codePointAt(0) >= 0x3040;
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

  private static boolean contains(String value, String word) {
    return value != null && value.toLowerCase(Locale.ROOT).contains(word);
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT).trim();
  }
}
