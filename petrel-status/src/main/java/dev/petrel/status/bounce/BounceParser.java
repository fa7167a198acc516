package dev.petrel.status.bounce;

import dev.petrel.status.Bounce;
import dev.petrel.status.EnhancedCode;
import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import dev.petrel.status.ReplyContext;
import dev.petrel.status.ReplyStatus;
import dev.petrel.status.RuleInfo;
import dev.petrel.status.SmtpReply;
import dev.petrel.status.StatusEngine;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads a bounce mail and says which recipients failed and why.
 *
 * <p>The order of the checks follows how specific the evidence is: a feedback report (RFC 5965), an
 * Amazon SES notification, a delivery status notification (RFC 3464), an auto-reply (RFC 3834),
 * then a notice written for people, which is read by layout (see {@link TextNotice}). Each
 * recipient's error text is classified by the {@link StatusEngine}, status code and text together.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class BounceParser {

  private static final int MAX_DIAGNOSTIC = 2000;

  private final StatusEngine engine;

  public BounceParser(StatusEngine engine) {
    this.engine = engine;
    Set<String> generic = new HashSet<>();
    for (RuleInfo r : engine.rules()) {
      if (r.kind().equals("mta-rule")
          && r.provider() != null
          && r.provider().toLowerCase(Locale.ROOT).startsWith("generic")) generic.add(r.id());
    }
    this.genericRules = Set.copyOf(generic);
  }

  /** Ids of the MTA rules whose wording is shared by many products (provider "generic"). */
  private final Set<String> genericRules;

  /** Never throws on malformed content; bounded time on inputs of megabytes. */
  public BounceReport parse(byte[] rawMessage) {
    if (rawMessage == null || rawMessage.length == 0) return none();
    try {
      return read(rawMessage);
    } catch (RuntimeException | StackOverflowError e) {
      return none();
    }
  }

  private static BounceReport none() {
    return new BounceReport(
        BounceReport.Kind.NOT_A_BOUNCE, "none", List.of(), null, null, null, null, null, null);
  }

  private BounceReport read(byte[] raw) {
    MailPart root = MimeReader.read(raw);
    List<MailPart> all = root.flatten();
    OriginalMessage original = OriginalMessage.inParts(root, all);
    NoticeText notice = NoticeText.collect(root, all, original.part);
    TextNotice text = new TextNotice(notice.text());
    if (original.isEmpty()) original = OriginalMessage.inText(text.originalText());
    Context c = new Context(root, all, original, notice, text);

    BounceReport r = Feedback.read(c, engine);
    if (r != null) return r;
    r = SesNotification.read(c, this);
    if (r != null) return r;
    r = readDsn(c);
    if (r != null) return r;
    if (AutoReply.is(c)) return AutoReply.read(c, engine);
    r = readText(c);
    if (r != null) return r;
    r = readReportWithoutDetails(c);
    if (r != null) return r;
    return none();
  }

  /**
   * A mail typed as a delivery report ({@code multipart/report; report-type=delivery-status}) that
   * carries no delivery-status part and whose text names no recipient and gives no cause: a test
   * fixture cut down to its skeleton, or a notice whose text part stops short. The type is the
   * sender's own statement that this is a report on delivery, and without a delivery-status part it
   * cannot be a report of success or delay read elsewhere; so it is a failure whose recipient and
   * cause are not known (undefined, soft, unless its words name one), not "no report". A report
   * with a delivery-status part that names only delivered or relayed recipients is not touched: the
   * part says what happened.
   */
  private BounceReport readReportWithoutDetails(Context c) {
    MailPart root = c.root();
    if (!root.mimeType.equals("multipart/report")
        || !"delivery-status".equals(root.contentTypeParam("report-type"))) return null;
    for (MailPart p : c.parts()) {
      if (p.mimeType.startsWith("message/delivery-status")
          || p.mimeType.startsWith("message/global-delivery-status")) return null;
    }
    BouncedRecipient b =
        recipient(
            null,
            null,
            null,
            null,
            null,
            c.text().noticeText(),
            c.text().noticeCues(),
            null,
            c.text());
    return c.report(BounceReport.Kind.NON_STANDARD, Formats.guess(c), List.of(b), null, null);
  }

  /** Everything the readers share about one mail. */
  static final class Context {
    private final MailPart root;
    private final List<MailPart> parts;
    private final OriginalMessage original;
    private final NoticeText notice;
    private final TextNotice text;
    private String fromAddress;
    private boolean fromRead;

    Context(
        MailPart root,
        List<MailPart> parts,
        OriginalMessage original,
        NoticeText notice,
        TextNotice text) {
      this.root = root;
      this.parts = parts;
      this.original = original;
      this.notice = notice;
      this.text = text;
    }

    MailPart root() {
      return root;
    }

    List<MailPart> parts() {
      return parts;
    }

    OriginalMessage original() {
      return original;
    }

    NoticeText notice() {
      return notice;
    }

    TextNotice text() {
      return text;
    }

    String header(String name) {
      return root.header(name);
    }

    String subject() {
      String s = root.header("Subject");
      return s == null ? "" : s;
    }

    String fromAddress() {
      if (!fromRead) {
        fromAddress = Addresses.first(root.header("From"));
        fromRead = true;
      }
      return fromAddress;
    }

    BounceReport report(
        BounceReport.Kind kind,
        String format,
        List<BouncedRecipient> rcpts,
        String reportingMta,
        String feedbackType) {
      String rp = original.returnPath();
      return new BounceReport(
          kind,
          format,
          rcpts,
          original.messageId(),
          rp,
          original.from(),
          original.subject(),
          reportingMta,
          feedbackType);
    }

    /** Addresses that are not the failed recipients: the sender of the original and the bouncer. */
    Set<String> senders() {
      Set<String> s = new HashSet<>();
      for (String h : List.of("To", "Cc", "X-Original-To", "Delivered-To"))
        for (String v : root.headers(h)) s.addAll(Addresses.all(v));
      String f = fromAddress();
      if (f != null) s.add(f);
      String of = original.from();
      if (of != null) s.add(of);
      String rp = original.returnPath();
      if (rp != null) s.add(rp);
      for (String h : ORIGINAL_OTHERS) s.addAll(Addresses.all(original.header(h)));
      return s;
    }

    /**
     * Addresses that are not failed recipients: {@code base}, and the role addresses (postmaster,
     * abuse, a help desk, the mailer daemon) of the reporting system's own domain, which a notice
     * gives as contacts or writes from, unless the returned message was addressed to that very
     * mailbox. A role address of another domain may well be the recipient (a complaint to an abuse
     * desk that bounced); contacts there are told by the words around them.
     */
    Predicate<String> notRecipients(Set<String> base) {
      String from = Addresses.domain(fromAddress());
      // a notice read without its header: the host its text names wrote it
      String reporter = from != null ? from : text.reportingHost();
      return a ->
          base.contains(a)
              || (Cues.roleMailbox(a)
                  && (reporter == null || Addresses.sameOrganisation(Addresses.domain(a), reporter))
                  && !original.envelope().contains(a));
    }

    /**
     * The address of the returned message's recipients whose mailbox (local part) is {@code name},
     * when exactly one has it; else null. A notice that names only the mailbox speaks for its
     * domain, and the original's envelope or header says which domain that was.
     */
    String byMailbox(String name) {
      String match = null;
      for (String a : original.envelope()) {
        int at = a.lastIndexOf('@');
        if (at > 0 && a.substring(0, at).equalsIgnoreCase(name)) {
          if (match != null && !match.equals(a)) return null;
          match = a;
        }
      }
      return match;
    }
  }

  /**
   * Fields of the returned message whose addresses are its senders' or a list's, not recipients.
   */
  private static final List<String> ORIGINAL_OTHERS =
      List.of(
          "Sender",
          "Reply-To",
          "Errors-To",
          "List-Post",
          "List-Owner",
          "List-Help",
          "List-Subscribe",
          "List-Unsubscribe",
          "Mail-Followup-To",
          "Disposition-Notification-To",
          "Return-Receipt-To");

  // ---------------------------------------------------------------- RFC 3464

  private BounceReport readDsn(Context c) {
    StringBuilder dsn = new StringBuilder();
    boolean mime = false;
    for (MailPart p : c.parts()) {
      if (p.insideEnclosedMessage() || p.text == null) continue;
      String t = p.mimeType;
      if (t.equals("message/delivery-status")
          || t.equals("message/global-delivery-status")
          || t.equals("message/delivery-status-notification")) {
        dsn.append(p.text).append("\n\n");
        mime = true;
      }
    }
    for (MailPart p : c.parts()) {
      // DSN groups left outside any part by broken boundaries
      for (String loose : new String[] {p.preamble, p.epilogue}) {
        if (loose != null && !p.insideEnclosedMessage() && DsnFields.looksLikeDsn(loose))
          dsn.append(loose).append("\n\n");
      }
    }
    if (dsn.isEmpty()) {
      // some MTAs write the DSN fields into the text part (or send the DSN part as text/plain)
      for (MailPart p : c.parts()) {
        if (p.insideEnclosedMessage() || p.text == null || p == c.original().part) continue;
        if (!p.mimeType.startsWith("text/") && !p.mimeType.startsWith("message/delivery")) continue;
        // the notice text below is a part of these lines: without "recipient:" neither holds DSN
        // fields, and the lines need not be read as a notice
        if (!DsnFields.mayHoldDsn(p.text)) continue;
        String t = new TextNotice(p.text).noticeText();
        // a bounce forwarded inline as text carries its DSN below what looks like the original
        if (!DsnFields.looksLikeDsn(t) && Cues.fromDaemon(c)) t = p.text;
        if (DsnFields.looksLikeDsn(t)) dsn.append(t).append("\n\n");
      }
    }
    if (dsn.isEmpty() && !Replies.hasCode(c.text().noticeText())) {
      // a notice that says nothing of its own and returns the bounce it received (a gateway or
      // filter forwarding the DSN of the next hop as an attached message): read that DSN
      for (MailPart p : c.parts()) {
        if (!p.insideEnclosedMessage() || p.text == null) continue;
        if (p.mimeType.equals("message/delivery-status")
            || p.mimeType.equals("message/global-delivery-status"))
          dsn.append(p.text).append("\n\n");
      }
    }
    if (dsn.isEmpty()) return null;
    DsnFields.Report report = DsnRecipients.failedOnly(DsnFields.parse(dsn.toString()));
    if (report.recipients().isEmpty()) return null;
    List<String> known = new ArrayList<>();
    for (DsnFields.Rcpt r : report.recipients()) if (r.address() != null) known.add(r.address());
    DsnRecipients.resolveUnnamed(c, report, known);
    DsnRecipients.preferOriginal(c, report, known);
    DsnRecipients.preferNamedOverLoneOriginal(c, report, known);
    List<TextNotice.Hit> hits = c.text().recipients(a -> false, known);
    List<BouncedRecipient> out = new ArrayList<>();
    for (DsnFields.Rcpt r : report.recipients()) {
      String addr = r.address();
      String block = null;
      long[] cues = null;
      for (TextNotice.Hit h : hits) {
        if (h.address().equals(addr)) {
          block = h.block();
          cues = h.cues();
        }
      }
      if (report.recipients().size() == 1
          && (block == null || r.diagnostic == null || r.diagnostic.isBlank())) {
        // one recipient and no Diagnostic-Code: the whole notice describes its failure (sendmail
        // writes the transcript above the DSN fields, which may name a program, not the address)
        block = c.text().noticeText();
        cues = c.text().noticeCues();
      }
      String diagnostic = r.diagnostic;
      String comment = statusComment(r.status);
      if ((diagnostic == null || diagnostic.isBlank()) && comment != null) {
        // RFC 3464 §2.3.4 lets the Status field carry a comment; without a Diagnostic-Code it is
        // the only description of this recipient's failure ("4.0.0 (host name lookup failure)")
        diagnostic = comment;
        block = null;
        cues = null;
      }
      out.add(
          recipient(
              addr,
              r.action,
              r.status,
              r.diagnosticType,
              diagnostic,
              block,
              cues,
              typedHost(r.remoteMta),
              c.text()));
    }
    String reporting = report.reportingMta();
    return c.report(
        mime ? BounceReport.Kind.DSN : BounceReport.Kind.NON_STANDARD,
        mime ? "rfc3464" : Formats.guess(c),
        out,
        reporting,
        null);
  }

  /**
   * The comment of a Status field ("5.0.0 (comment)"), or null when there is none or it only
   * repeats the registry's title of the code or says the failure is permanent or transient.
   */
  private String statusComment(String status) {
    if (status == null) return null;
    int open = status.indexOf('(');
    int close = status.lastIndexOf(')');
    if (open < 0 || close <= open + 1) return null;
    String c = status.substring(open + 1, close).strip();
    String l = c.toLowerCase(Locale.ROOT);
    if (l.isEmpty()
        || l.equals("permanent failure")
        || l.equals("transient failure")
        || l.equals("persistent transient failure")) return null;
    EnhancedCode code = statusCode(status);
    String title = code == null ? null : engine.enhancedTitle(code);
    if (title != null && title.equalsIgnoreCase(c)) return null;
    return c;
  }

  private static String typedHost(String remoteMta) {
    return DsnFields.typed(remoteMta);
  }

  // ---------------------------------------------------------------- notices for people

  private BounceReport readText(Context c) {
    if (!Cues.looksLikeBounce(c)) return null;
    List<String> known = new ArrayList<>();
    List<String> failedField = c.root().headers("X-Failed-Recipients");
    for (String v : failedField) {
      for (String a : Addresses.all(v)) if (!known.contains(a)) known.add(a);
    }
    Set<String> senders = c.senders();
    List<TextNotice.Hit> hits = c.text().recipients(c.notRecipients(senders), known, c::byMailbox);
    // Exim lists in X-Failed-Recipients what it failed to deliver to; when that is no mail address
    // ("system-filter", the filter that made a pipe delivery), the message's own recipients are
    // not the ones reported, and the failure has no recipient that can be named
    boolean failedNamesNoAddress = !failedField.isEmpty() && known.isEmpty();
    if (hits.isEmpty() && failedNamesNoAddress) {
      if (Cues.strongBounce(c))
        hits = List.of(new TextNotice.Hit(null, c.text().noticeText(), c.text().noticeCues()));
    } else if (hits.isEmpty()) {
      // the notice names nobody: the original's recipients are the ones that failed
      List<String> to = new ArrayList<>(new LinkedHashSet<>(c.original().recipients()));
      // of several recipients, the one a Received field of the returned message names ("for
      // <a@b>") is the one the failing hop was given
      List<String> hop = c.original().receivedFor();
      if (to.size() > 1 && hop.size() == 1) to = hop;
      for (String h : List.of("X-Envelope-To", "X-HmXmrOriginalRecipient", "Envelope-To")) {
        String v = c.original().header(h);
        if (v != null) to = Addresses.all(v);
      }
      String all = c.text().noticeText();
      if (!to.isEmpty()) {
        hits = new ArrayList<>();
        for (String a : to) hits.add(new TextNotice.Hit(a, all, c.text().noticeCues()));
      } else if (Cues.strongBounce(c)) {
        hits = List.of(new TextNotice.Hit(null, all, c.text().noticeCues()));
      }
    }
    if (hits.isEmpty()) return null;
    boolean hasReportPart = false;
    for (MailPart p : c.parts()) {
      if (!p.insideEnclosedMessage() && p.mimeType.startsWith("message/delivery-status"))
        hasReportPart = true;
    }
    // a delay notice (sendmail's, Postfix's and Exim's warnings) reports recipients the sender
    // still retries, as a DSN's "Action: delayed" does
    String action = Cues.delayNotice(c) ? "delayed" : null;
    List<BouncedRecipient> out = new ArrayList<>();
    for (TextNotice.Hit h : hits) {
      String context = withSubject(h.block(), c);
      long[] cues = h.cues();
      if (cues != null && context != h.block()) cues = Replies.cues(c.subject(), cues);
      BouncedRecipient b =
          recipient(h.address(), action, null, null, null, context, cues, null, c.text());
      if (b.classification().reason() == Reason.UNDEFINED && !hasReportPart && action == null) {
        // A notice for people that names the recipient and says delivery failed, but gives no
        // cause that can be read: the cause is held back (Sisimai's "onhold"). A delivery report
        // part that is empty ("Delivery report unavailable") stays undefined, and so does a delay
        // warning without a cause: nothing failed yet.
        b = b.withClassification(engine.forReason(Reason.ONHOLD, b.classification().reply()));
      }
      out.add(b);
    }
    return c.report(BounceReport.Kind.NON_STANDARD, Formats.guess(c), out, null, null);
  }

  /** When the notice says nothing about the error, its subject often does ("User unknown"). */
  private static String withSubject(String block, Context c) {
    if (Replies.hasCode(block)) return block;
    String s = c.subject();
    if (s.isBlank()) return block;
    return block + "\n" + s;
  }

  // ---------------------------------------------------------------- classification

  /**
   * Builds one recipient, classifying its status code and error text together.
   *
   * @param diagnostic the DSN Diagnostic-Code text, or null
   * @param context the notice text that describes this recipient, or null
   */
  BouncedRecipient recipient(
      String address,
      String action,
      String status,
      String diagnosticType,
      String diagnostic,
      String context,
      String remoteMta) {
    return recipient(
        address, action, status, diagnosticType, diagnostic, context, null, remoteMta, null);
  }

  /**
   * As above; {@code contextCues} are the phase phrases of {@code context} when the notice reader
   * knows them already ({@link Replies#cues}), or null; {@code notice} is the whole notice, whose
   * phase is used when the recipient's own text names none.
   */
  BouncedRecipient recipient(
      String address,
      String action,
      String status,
      String diagnosticType,
      String diagnostic,
      String context,
      long[] contextCues,
      String remoteMta,
      TextNotice notice) {
    String diag = diagnostic == null || diagnostic.isBlank() ? null : oneLine(diagnostic);
    // The reporting host's own verdict: its DSN fields name no Remote-MTA and carry no
    // Diagnostic-Code (both describe another host and its reply), so no other server took part,
    // and the notice's words for this recipient quote no reply code. Exim's "Unknown user" under a
    // local address is such a verdict: the host found no such user itself. So is a diagnostic the
    // DSN types "X-Local" without a Remote-MTA: the type says the text is the reporting host's own
    // (a local error name, with a number of its own), not the reply of another server.
    boolean localDiagnostic =
        "x-local".equalsIgnoreCase(diagnosticType == null ? "" : diagnosticType);
    boolean ownVerdict =
        "failed".equalsIgnoreCase(action) && (diag == null || localDiagnostic) && remoteMta == null;
    String shownDiagnostic = diag;
    String replyText;
    if (diag != null) {
      // a gateway that frames the remote server's reply in its own verdict: the reply is read
      String framed = Replies.framedReply(diag);
      if (framed != null) diag = framed;
      replyText = diag;
    } else if (context != null && !context.isBlank()) {
      int at = Replies.replyStart(context);
      replyText = oneLine(at >= 0 ? context.substring(at) : context);
      String framed = Replies.framedReply(replyText);
      if (framed != null) {
        if (shownDiagnostic == null) shownDiagnostic = clip(replyText);
        context = (at > 0 ? context.substring(0, at) : "") + "\n" + framed;
        replyText = framed;
      }
    } else {
      replyText = "";
    }
    if (shownDiagnostic == null && !replyText.isEmpty()) shownDiagnostic = clip(replyText);
    // without a diagnostic, the whole context is the text to classify unless a reply is read in it
    // (below); it is made one line only then
    String classifyText = diag;
    if (diag != null && context != null && !Replies.hasCode(diag) && !context.isBlank()) {
      classifyText = diag + " " + oneLine(context);
    }
    EnhancedCode st = statusCode(status);
    String normalisedAction = action == null ? null : action.toLowerCase(Locale.ROOT);
    // RFC 3464 §2.3.6: the diagnostic type names what the text is. "X-Unix" (sendmail, Postfix
    // local and pipe) is the exit status or message of a local delivery program, not an SMTP
    // reply: the program failed (mailererror), whatever its number looks like.
    boolean unixDiagnostic =
        "x-unix".equalsIgnoreCase(diagnosticType == null ? "" : diagnosticType);
    ReplyStatus rs;
    try {
      SmtpReply parsed = engine.parse(unixDiagnostic ? "" : Replies.unflatten(replyText));
      // Rules read the reply's text without its codes, so that a flattened multi-line reply
      // ("550-5.7.1 ... 550 5.7.1 ...") reads as one sentence; the notice's framing before the
      // reply (Exim's "retry timeout exceeded", qmail's "I'm not going to try again") stays.
      if (!parsed.text().isBlank()) {
        if (diag != null) {
          int at = Replies.hasCode(diag) ? Replies.replyStart(diag) : -1;
          if (at == 0) classifyText = parsed.text();
          else if (at > 0) classifyText = diag.substring(0, at).strip() + " " + parsed.text();
        } else if (context != null) {
          int at = Replies.replyStart(context);
          classifyText =
              at > 0 ? oneLine(context.substring(0, at)) + " " + parsed.text() : parsed.text();
        }
      }
      if (classifyText == null) classifyText = oneLine(context == null ? "" : context);
      ownVerdict =
          ownVerdict && (localDiagnostic || parsed.code() == 0 && !Replies.hasCode(replyText));
      if (addressRefusedOnly(parsed.text(), address)) classifyText = "Recipient address rejected";
      // a number in a diagnostic typed X-Local is the reporting host's own error number, not an
      // SMTP reply code (RFC 3464 types SMTP replies "smtp")
      int code = localDiagnostic ? 0 : parsed.code();
      EnhancedCode enh = parsed.enhanced();
      boolean inferred = parsed.enhancedInferred();
      if (st != null && (enh == null || (inferred && !(st.subject() == 0 && st.detail() == 0)))) {
        enh = st;
        inferred = false;
      }
      if (enh != null && code != 0 && enh.klass() != code / 100) {
        // a reply whose two codes disagree on the class: trust the basic code's class
        enh = enh.withClass(code / 100 == 2 ? 2 : code / 100 == 4 ? 4 : 5);
      }
      if ("delayed".equals(normalisedAction)) {
        // RFC 3464 §2.3.3: "delayed" says the reporting MTA goes on trying, so the reply it
        // quotes was not final for it, whatever its class: it is read as the transient reply it
        // was taken for (a delay notice never proves an address dead)
        if (code / 100 == 5) code -= 100;
        if (enh != null && enh.klass() == 5) enh = enh.withClass(4);
        if (code == 0 && enh == null) {
          // words without any code, which would be read as final
          enh = new EnhancedCode(4, 0, 0);
          inferred = false;
        }
      }
      SmtpReply reply =
          new SmtpReply(
              code,
              enh,
              inferred,
              classifyText,
              parsed.lines().isEmpty() ? List.of(classifyText) : parsed.lines());
      String domain = Addresses.domain(address);
      Phase phase = Replies.phase(diag, context, contextCues, replyText);
      if (phase == Phase.UNKNOWN && notice != null) phase = notice.noticePhase();
      ReplyContext ctx =
          new ReplyContext(
              phase,
              remoteMta != null
                  ? remoteMta.toLowerCase(Locale.ROOT)
                  : Replies.remoteHost(context, replyText),
              domain);
      if (remoteMta == null) remoteMta = ctx.remoteHost();
      rs = engine.classify(reply, ctx);
      rs = adjust(rs, reply, normalisedAction, ctx.phase(), ownVerdict);
      if (disabledMailboxStatus(status)
          && (rs.reason() == Reason.USERUNKNOWN || rs.reason() == Reason.FILTERED)) {
        rs = engine.forReason(Reason.SUSPEND, reply);
      }
      if (unixDiagnostic && rs.reason() != Reason.DELIVERED && rs.reason() != Reason.MAILBOXFULL)
        rs = engine.forReason(Reason.MAILERERROR, reply);
    } catch (RuntimeException e) {
      rs = engine.forReason(Reason.UNDEFINED, null);
    }
    return new BouncedRecipient(
        address,
        normalisedAction,
        status == null ? null : statusText(status),
        diagnosticType,
        shownDiagnostic,
        remoteMta,
        rs);
  }

  /** Words that refuse an address without saying why, when the reply names the address itself. */
  private static final Set<String> BARE_REFUSALS = Set.of("rejected", "refused");

  /**
   * The reply says no more than the recipient's own address and that it was refused ("{@code 542
   * bob@example.org Rejected}"): the words of a refused recipient address without a cause, read as
   * "Recipient address rejected" is (the address is the likeliest subject; nothing proves it dead).
   */
  static boolean addressRefusedOnly(String replyText, String address) {
    if (address == null || replyText == null || replyText.length() > address.length() + 40)
      return false;
    String t = replyText.toLowerCase(Locale.ROOT);
    int at = t.indexOf(address);
    if (at < 0) return false;
    String rest = (t.substring(0, at) + " " + t.substring(at + address.length()));
    StringBuilder words = new StringBuilder();
    for (int i = 0; i < rest.length(); i++) {
      char ch = rest.charAt(i);
      if (Character.isLetter(ch)) words.append(ch);
      else if (Character.isDigit(ch)) return false;
      else if (Character.isWhitespace(ch)
          && !words.isEmpty()
          && words.charAt(words.length() - 1) != ' ') words.append(' ');
      else if ("<>:.,;()[]-".indexOf(ch) < 0 && !Character.isWhitespace(ch)) return false;
    }
    return BARE_REFUSALS.contains(words.toString().strip());
  }

  /**
   * Corrections that need what the bounce says around the reply: the DSN action and the SMTP phase.
   *
   * <ul>
   *   <li>Action delivered, relayed or expanded (RFC 3464 §2.3.3) is a success whatever the text.
   *       Action "expired" (not in RFC 3464, written by some senders) is {@code expired}.
   *   <li>A bounce that reports a connection time-out, or a host that could not be reached, reports
   *       that the destination never answered within the sender's retry period: {@code expired}.
   *       Other network causes (no route, lost connection, DNS failures) keep their reason, as any
   *       other cause the bounce names does.
   *   <li>Action failed with a transient (4.x.x) status and no cause at all (no reason, or only a
   *       system problem): the sender retried until its queue lifetime ran out (RFC 5321 §4.5.4.1),
   *       so the outcome is {@code expired}. A delay notice (Action delayed) without a cause is
   *       not: the sender still retries, nothing has expired yet, and no cause is given, so it is
   *       {@code undefined} (soft), until a later notice says the queue lifetime ran out.
   *   <li>"User unknown" in the wording many MTAs share (not a provider's or a product's own text),
   *       with no address status (X.1.x) and not given in reply to a command before DATA: {@code
   *       filtered}. See {@link #userUnknownAfterData}. Not when the words are the reporting host's
   *       own verdict ({@code ownVerdict}: a DSN without Remote-MTA and Diagnostic-Code whose words
   *       quote no reply, as Exim's "Unknown user" under a local address, or without Remote-MTA and
   *       with a diagnostic typed X-Local): no message was refused after DATA there, the host found
   *       no such user itself.
   * </ul>
   */
  private ReplyStatus adjust(
      ReplyStatus rs, SmtpReply reply, String action, Phase phase, boolean ownVerdict) {
    if (action != null
        && (action.equals("delivered") || action.equals("relayed") || action.equals("expanded"))) {
      return engine.forReason(Reason.DELIVERED, reply);
    }
    if ("expired".equals(action)) return engine.forReason(Reason.EXPIRED, reply);
    Reason r = rs.reason();
    if (r == Reason.NETWORKERROR && timedOut(reply.text())) {
      return engine.forReason(Reason.EXPIRED, reply);
    }
    boolean noCause = r == Reason.UNDEFINED || r == Reason.ONHOLD || r == Reason.DELIVERED;
    if ("failed".equals(action)
        && reply.klass() == 4
        && (reply.enhanced() == null || reply.enhanced().subject() == 4)
        && (noCause || r == Reason.SYSTEMERROR)) {
      return engine.forReason(Reason.EXPIRED, reply);
    }
    if ("delayed".equals(action) && noCause) return engine.forReason(Reason.UNDEFINED, reply);
    if (r == Reason.USERUNKNOWN && !ownVerdict && userUnknownAfterData(rs, reply, phase)) {
      return engine.forReason(Reason.FILTERED, reply);
    }
    return rs;
  }

  /**
   * The DSN's Status field is X.2.1 and its comment spells out RFC 3463's title for it, "mailbox
   * disabled, not accepting messages" (PowerMTA writes the title after the code). The reporting MTA
   * has read the remote's reply as a disabled mailbox; a generic "User unknown" in the reply does
   * not contradict it, and the status with its own words is the more specific evidence.
   */
  private static boolean disabledMailboxStatus(String status) {
    EnhancedCode c = statusCode(status);
    return c != null
        && c.subject() == 2
        && c.detail() == 1
        && status.toLowerCase(Locale.ROOT).contains("mailbox disabled");
  }

  /**
   * Words of MTAs that gave up because the destination never took a connection: it did not answer
   * in time, could not be reached, or refused the TCP connection (nothing listening).
   */
  private static final String[] TIME_OUTS = {
    "timed out",
    "time out",
    "timeout",
    "not reachable",
    "unreachable",
    "unable to connect",
    "could not connect",
    "connection refused",
    // qmail-remote when no mail exchanger took a connection (qmail-remote(8), #4.4.1)
    "wasn't able to establish an smtp connection"
  };

  private static boolean timedOut(String text) {
    String l = text.toLowerCase(Locale.ROOT);
    if (l.contains("no route to host") || l.contains("network is unreachable")) return false;
    return Cues.containsAny(l, TIME_OUTS);
  }

  /**
   * Whether a "user unknown" reply is better read as {@code filtered}: the receiving server
   * accepted the recipient and refused the message after DATA, for its content or because the
   * recipient refuses this sender. Japanese mobile carriers (docomo, au, SoftBank) are known to
   * answer "User unknown" for recipients whose reception settings refuse the sender.
   *
   * <p>The rule follows the compatibility target, Sisimai's published reason definitions
   * (https://libsisimai.org/en/reason/): {@code userunknown} is a recipient refused at RCPT TO or
   * with an address status; {@code filtered} is a refusal after DATA, including "user unknown"
   * texts given there. So the reply is {@code filtered} when all of these hold:
   *
   * <ul>
   *   <li>it is not the report of the final host's local delivery agent (see {@link
   *       #localDelivery});
   *   <li>it was not given in reply to a command before DATA (the phase is DATA, end of data, or
   *       the bounce does not say; when the bounce says DATA or end of data, the condition on the
   *       wording below is relaxed to "not a provider's documented text": an MTA's recipient text
   *       given after DATA refuses the message, while providers such as Yahoo document that they
   *       check recipients at the end of the message);
   *   <li>it carries no address status of its own or from the DSN (X.1.x, RFC 3463 §3.2): a status
   *       such as 5.1.1 says the address itself was looked up and not found;
   *   <li>the words that decided are the generic ones many MTAs share ("User unknown", "No such
   *       user", or the codes alone), not a provider's or a product's own text: those (Postfix's
   *       local recipient table, Exchange's directory, Domino's directory, Gmail, Outlook.com,
   *       Yahoo) document an address lookup.
   * </ul>
   */
  private boolean userUnknownAfterData(ReplyStatus rs, SmtpReply reply, Phase phase) {
    if (beforeData(phase) || localDelivery(reply.text())) return false;
    // words that name the address as refused without saying why are soft already: with no phase
    // to say the message was refused, the address stays their likeliest subject
    if (phase == Phase.UNKNOWN && rs.bounce() == Bounce.SOFT) return false;
    boolean afterData = phase == Phase.DATA || phase == Phase.END_OF_DATA;
    if (afterData ? rs.matched().kind().equals("provider-rule") : !genericWording(rs)) return false;
    EnhancedCode e = reply.enhanced();
    boolean addressStatus = e != null && !reply.enhancedInferred() && e.subject() == 1;
    return !addressStatus;
  }

  /** Local delivery agents that write their own error into the bounce (sendmail's transcript). */
  private static final String[] LOCAL_DELIVERY_AGENTS = {
    "mail.local:", "procmail:", "maildrop:", "dovecot-lda", "local delivery"
  };

  /**
   * The error comes from the final host's local delivery agent (sendmail's mail.local, procmail,
   * maildrop, Dovecot's LDA): its "unknown user" is a lookup of the mailbox on that host, not a
   * filter refusing the message.
   */
  private static boolean localDelivery(String text) {
    return Cues.containsAny(text.toLowerCase(Locale.ROOT), LOCAL_DELIVERY_AGENTS);
  }

  private static boolean beforeData(Phase p) {
    return p == Phase.RCPT
        || p == Phase.MAIL
        || p == Phase.EHLO
        || p == Phase.CONNECT
        || p == Phase.STARTTLS
        || p == Phase.AUTH;
  }

  /** The reason came from a wording many MTAs share, or from the codes alone. */
  private boolean genericWording(ReplyStatus rs) {
    String kind = rs.matched().kind();
    if (kind.equals("basic-code") || kind.equals("enhanced-code") || kind.equals("none"))
      return true;
    return kind.equals("mta-rule") && genericRules.contains(rs.matched().id());
  }

  static EnhancedCode statusCode(String status) {
    if (status == null) return null;
    String s = status.trim();
    int e = 0;
    while (e < s.length() && (Character.isDigit(s.charAt(e)) || s.charAt(e) == '.')) e++;
    return EnhancedCode.tryParse(s, 0, e);
  }

  private static String statusText(String status) {
    EnhancedCode c = statusCode(status);
    return c != null ? c.toString() : status.trim();
  }

  static String oneLine(String s) {
    int n = s.length();
    if (n <= 8192 && isOneLine(s)) return s;
    char[] out = new char[Math.min(n, 8193)];
    int o = 0;
    boolean space = false;
    for (int i = 0; i < n && o < 8192; i++) {
      char ch = s.charAt(i);
      if (Character.isWhitespace(ch)) {
        space = o > 0;
      } else {
        if (space) out[o++] = ' ';
        space = false;
        out[o++] = ch;
      }
    }
    return new String(out, 0, o);
  }

  /** Already what {@link #oneLine} makes: no white space at the ends, single spaces inside. */
  private static boolean isOneLine(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char ch = s.charAt(i);
      if (Character.isWhitespace(ch)
          && (ch != ' ' || i == 0 || i == n - 1 || Character.isWhitespace(s.charAt(i + 1))))
        return false;
    }
    return true;
  }

  private static String clip(String s) {
    return s.length() <= MAX_DIAGNOSTIC ? s : s.substring(0, MAX_DIAGNOSTIC);
  }

  StatusEngine engine() {
    return engine;
  }
}
