package dev.petrel.status.bounce;

import java.util.Locale;
import java.util.Set;

/**
 * Tells a bounce notice from other mail by its sender, subject and wording. Used only for mails
 * without a DSN part, where the layout alone cannot say it.
 */
final class Cues {

  private Cues() {}

  /** Local parts and display names that delivery systems send bounces from. */
  private static final String[] DAEMON_SENDERS = {
    "mailer-daemon",
    "mailer_daemon",
    "maildaemon",
    "postmaster",
    "post_master",
    "mail delivery",
    "mail.delivery",
    "mail-delivery",
    "delivery subsystem",
    "mail administrator",
    "mdaemon",
    "bounce",
    "ndr",
    "mailerdaemon"
  };

  /** Subject words of bounce notices (several MTAs' defaults, in a few languages). */
  private static final String[] BOUNCE_SUBJECTS = {
    "undeliver",
    "undelivered",
    "delivery fail",
    "delivery status",
    "returned mail",
    "returning message",
    "failure notice",
    "delivery failure",
    "non-delivery",
    "nondelivery",
    "not delivered",
    "could not be delivered",
    "mail system error",
    "returned to sender",
    "delivery has failed",
    "delivery notification",
    "mail delivery",
    "delivery problem",
    "failed delivery",
    "mail failure",
    "message delivery",
    "bounce",
    "error sending",
    "error delivering",
    "unzustellbar",
    "non remis",
    "no entregado",
    "non recapitabile",
    "rejected",
    "メールエラー",
    "不達",
    "配信エラー",
    "送信エラー",
    "不能"
  };

  /** Phrases of bounce notices' bodies. */
  private static final String[] BOUNCE_BODY = {
    "could not be delivered",
    "couldn't be delivered",
    "was not delivered",
    "undeliverable",
    "delivery failed",
    "delivery has failed",
    "permanent error",
    "permanent failure",
    "failed permanently",
    "unable to deliver",
    "not able to deliver",
    "wasn't able to deliver",
    "delivery to the following recipient",
    "following address",
    "following recipient",
    "transcript of session",
    "did not reach",
    "error delivering",
    "delivery failure",
    "could not deliver",
    "not be delivered",
    "mail delivery failed",
    "message was rejected",
    "returned to sender",
    "rejected by",
    "non-delivery",
    "delivery to the following",
    // Gmail's notice ("Your message wasn't delivered to a@b because the address couldn't be
    // found"), which is all a mail API hands over when it gives the text body only
    "wasn't delivered",
    // Exchange's section for administrators keeps its English words in every language of the
    // notice ("Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; ...'")
    "remote server returned '"
  };

  /**
   * Subject words of delay notices, which MTAs send while they still retry (sendmail's "Warning:
   * could not send message for past 4 hours", Postfix's "Delayed Mail (still being retried)",
   * Exim's "Warning: message ... delayed 24 hours", Exchange's "Delivery Status Notification
   * (Delay)").
   */
  private static final String[] DELAY_SUBJECTS = {
    "could not send message for past",
    "delayed mail",
    "delivery delayed",
    "delivery delay",
    "(delay)",
    "message delayed",
    "delivery warning",
    "warning: message"
  };

  /** Phrases of delay notices' bodies (the same MTAs' default texts). */
  private static final String[] DELAY_BODY = {
    "this is a warning message only",
    "this is a warning only",
    "you do not need to resend your message",
    "has not yet been delivered",
    "delivery has been delayed",
    "delivery to the following recipients has been delayed",
    "will continue to try",
    "still being retried"
  };

  /**
   * Words only delay notices use: they say the message is still being retried and need not be sent
   * again (sendmail's "THIS IS A WARNING MESSAGE ONLY", Postfix's delay template, Exim's "has not
   * yet been delivered").
   */
  private static final String[] DELAY_ONLY = {
    "this is a warning message only",
    "this is a warning only",
    "you do not need to resend your message",
    "has not yet been delivered",
    "still being retried"
  };

  /** A delay notice: the sender still retries the recipients it names. */
  static boolean delayNotice(BounceParser.Context c) {
    String subject = c.subject().toLowerCase(Locale.ROOT);
    return containsAny(subject, DELAY_ONLY) || containsAny(c.text().lowerNoticeText(), DELAY_ONLY);
  }

  /**
   * The mail reads as a report about delivery, a failure or a delay: its subject or body has the
   * words that MTAs' bounce and delay notices use. Such a mail is a delivery notice even when it
   * carries "Auto-Submitted: auto-replied", which RFC 3834 §5 gives to every message generated in
   * response to another, and which Postfix, for one, writes on its bounces and delay notices.
   */
  static boolean deliveryNotice(BounceParser.Context c) {
    if (noticeSubject(c)) return true;
    String t = c.text().lowerNoticeText();
    return containsAny(t, FAILURE_BODY) || containsAny(t, DELAY_BODY);
  }

  /** The subject is a bounce or delay notice's (several MTAs' defaults, in a few languages). */
  static boolean noticeSubject(BounceParser.Context c) {
    String subject = c.subject().toLowerCase(Locale.ROOT);
    return containsAny(subject, BOUNCE_SUBJECTS) || containsAny(subject, DELAY_SUBJECTS);
  }

  /**
   * The phrases of {@link #BOUNCE_BODY} that say a delivery failed. The others ("following
   * address", "following recipient", "delivery to the following") only introduce a list, and an
   * out-of-office text uses them as well ("please write to the following address").
   */
  private static final String[] FAILURE_BODY = failureBody();

  private static String[] failureBody() {
    Set<String> lists =
        Set.of("following address", "following recipient", "delivery to the following");
    return java.util.Arrays.stream(BOUNCE_BODY)
        .filter(p -> !lists.contains(p))
        .toArray(String[]::new);
  }

  /**
   * Mailboxes of the people and systems that run a mail service (RFC 2142's postmaster, abuse,
   * hostmaster, webmaster, noc, security; the mailer daemon; help desks; no-reply senders). A
   * notice names them as its sender or as someone to contact, not as a failed recipient.
   */
  private static final Set<String> ROLE_MAILBOXES =
      Set.of(
          "postmaster",
          "abuse",
          "hostmaster",
          "webmaster",
          "noc",
          "security",
          "mailer-daemon",
          "mailer_daemon",
          "mailerdaemon",
          "help",
          "helpdesk",
          "support",
          "delist",
          "noreply",
          "no-reply",
          "donotreply",
          "do-not-reply");

  /** The address's mailbox is a role mailbox ({@link #ROLE_MAILBOXES}). */
  static boolean roleMailbox(String address) {
    int at = address.lastIndexOf('@');
    return at > 0 && ROLE_MAILBOXES.contains(address.substring(0, at).toLowerCase(Locale.ROOT));
  }

  static boolean looksLikeBounce(BounceParser.Context c) {
    if (c.header("X-Failed-Recipients") != null) return true;
    if (listServerRefusal(c)) return true;
    if (fromDaemon(c)) return true;
    String subject = c.subject().toLowerCase(Locale.ROOT);
    if (containsAny(subject, BOUNCE_SUBJECTS) || containsAny(subject, DELAY_SUBJECTS)) return true;
    return bodyCue(c) || containsAny(c.text().lowerNoticeText(), DELAY_BODY);
  }

  /**
   * The fml list server (it marks its mail with X-MLServer) answers a post it refuses with a notice
   * of its own: "You ... are not member" when the sender is not subscribed, "Loop Alert" when it
   * has already seen the Message-ID.
   */
  static boolean listServerRefusal(BounceParser.Context c) {
    String server = c.header("X-MLServer");
    if (server == null || !server.toLowerCase(Locale.ROOT).contains("fml")) return false;
    String s = c.subject().toLowerCase(Locale.ROOT);
    return s.contains("not member") || s.contains("loop alert");
  }

  /** Strong enough to report a bounce even when no recipient can be named. */
  static boolean strongBounce(BounceParser.Context c) {
    return (fromDaemon(c) || containsAny(c.subject().toLowerCase(Locale.ROOT), BOUNCE_SUBJECTS))
        && bodyCue(c);
  }

  static boolean fromDaemon(BounceParser.Context c) {
    String from = c.header("From");
    if (from == null) return false;
    String f = from.toLowerCase(Locale.ROOT);
    return containsAny(f, DAEMON_SENDERS);
  }

  static boolean bodyCue(BounceParser.Context c) {
    // the words may be wrapped onto two lines (Postfix: "could not\nbe delivered")
    return containsAny(c.text().lowerNoticeText(), BOUNCE_BODY)
        || containsAny(c.text().lowerFlatNoticeText(), BOUNCE_BODY);
  }

  static boolean containsAny(String s, String[] needles) {
    for (String n : needles) {
      if (s.contains(n)) return true;
    }
    return false;
  }
}
