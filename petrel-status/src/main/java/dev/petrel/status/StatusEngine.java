package dev.petrel.status;

import dev.petrel.status.codes.CodeBook;
import dev.petrel.status.codes.CodeBook.BasicCode;
import dev.petrel.status.codes.CodeBook.Digit;
import dev.petrel.status.codes.CodeBook.EnhancedEntry;
import dev.petrel.status.codes.CodeBook.ReasonInfo;
import dev.petrel.status.data.DataFile;
import dev.petrel.status.reply.ReplyOrigin;
import dev.petrel.status.reply.ReplyParser;
import dev.petrel.status.rules.Rule;
import dev.petrel.status.rules.RuleSet;
import dev.petrel.status.rules.TextNormalizer;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The status engine: parses an SMTP reply, decides what it means (bounce, reason, action, who) and
 * explains it in plain words. This is the library's entry point.
 *
 * <p>Evidence is weighed from the most to the least specific: an operator's rule, a provider's
 * documented reply text, a generic MTA text, the enhanced status code, then the basic code. The
 * class of the reply then bounds the result: a transient (4xx) reply is never a hard bounce.
 *
 * <p>Instances are immutable and thread-safe; {@link #standard()} is loaded once.
 */
public final class StatusEngine {

  /** Greylisting daemons ask for a few minutes; postgrey's default delay is 300 s. */
  static final Duration GREYLIST_DELAY = Duration.ofMinutes(5);

  private static volatile StatusEngine standard;

  private static final Matched NO_MATCH = new Matched("none", "", "");

  /** Confidence of a reason read from the enhanced code alone: a guess, so below one half. */
  static final double CODE_ONLY_ENHANCED = 0.45;

  /** Confidence of a reason read from the basic code alone, the thinnest evidence. */
  static final double CODE_ONLY_BASIC = 0.3;

  /** What decided the reason; it chooses where the plain-words explanation comes from. */
  private enum Source {
    /** A rule's phrases. */
    RULE,
    /**
     * A rule restricted to some providers' hosts, matched on a reply whose host is not known: its
     * words decide the reason, but they are no proof of a dead address (they may be RFC 5321's own
     * generic words that any server uses).
     */
    RULE_UNPLACED,
    /** The enhanced code's registry entry. */
    ENHANCED,
    /** The basic code's default, as the code table gives it. */
    BASIC,
    /** The basic code's default, changed by the phase or by the enhanced code's subject. */
    BASIC_ADJUSTED,
    /** Decided outside the reply (a DSN action, an auto-reply, a local failure). */
    OUTSIDE,
    /** Nothing. */
    NONE
  }

  private final CodeBook book;
  private final RuleSet rules;

  /**
   * The {@code basic-code} match of each registered basic code, made once rather than per reply.
   */
  private final Matched[] basicMatches = new Matched[600];

  private StatusEngine(CodeBook book, RuleSet rules) {
    this.book = book;
    this.rules = rules;
    for (int code = 0; code < basicMatches.length; code++) {
      BasicCode basic = book.basic(code);
      if (basic != null)
        basicMatches[code] =
            new Matched("basic-code", Integer.toString(basic.code()), basic.source());
    }
  }

  /** The engine with the bundled rules and no operator rules. */
  public static StatusEngine standard() {
    StatusEngine s = standard;
    if (s == null) {
      synchronized (StatusEngine.class) {
        s = standard;
        if (s == null)
          standard = s = new StatusEngine(CodeBook.standard(), RuleSet.withBuiltIns(List.of()));
      }
    }
    return s;
  }

  /**
   * An engine whose operator rules (same format as the bundled rule files, see docs/rules.md) are
   * tried before the bundled ones.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException naming file and line when a rule is invalid
   */
  public static StatusEngine withOperatorRules(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return withOperatorRules(r, file.toString());
    }
  }

  /** As {@link #withOperatorRules(Path)}, from a reader; {@code name} is used in error messages. */
  public static StatusEngine withOperatorRules(Reader reader, String name) throws IOException {
    return new StatusEngine(CodeBook.standard(), RuleSet.withBuiltIns(DataFile.read(reader, name)));
  }

  /** The reference data (code tables, registry, reason defaults) this engine explains with. */
  CodeBook codes() {
    return book;
  }

  /** All rules in precedence order. */
  public List<RuleInfo> rules() {
    return rules.rules().stream()
        .map(r -> new RuleInfo(r.kind(), r.id(), r.provider(), r.reason(), r.source()))
        .toList();
  }

  /**
   * The title the IANA registry of enhanced status codes gives {@code code} (by its subject and
   * detail, whatever its class), or null when it has none.
   */
  public String enhancedTitle(EnhancedCode code) {
    EnhancedEntry entry = book.enhanced(code);
    return entry == null ? null : entry.title();
  }

  /** Parses a reply in any of the accepted forms without classifying it. Never throws. */
  public SmtpReply parse(String reply) {
    return ReplyParser.parse(reply);
  }

  /** Classifies a reply in any accepted form; phase and host are read from log forms. */
  public ReplyStatus classify(String reply) {
    return classify(reply, ReplyContext.NONE);
  }

  /**
   * Classifies a reply with what is known of its origin. Phase and host missing from {@code ctx}
   * are taken from the reply's log form when it names them. Never throws.
   */
  public ReplyStatus classify(String reply, ReplyContext ctx) {
    if (reply == null) reply = "";
    if (ctx == null) ctx = ReplyContext.NONE;
    if (ctx.phase() == Phase.UNKNOWN || ctx.remoteHost() == null) {
      ReplyOrigin origin = ReplyOrigin.of(reply);
      ctx =
          new ReplyContext(
              ctx.phase() == Phase.UNKNOWN ? origin.phase() : ctx.phase(),
              ctx.remoteHost() == null ? origin.host() : ctx.remoteHost(),
              ctx.recipientDomain());
    }
    return classify(ReplyParser.parse(reply), ctx);
  }

  /** Classifies a parsed reply. Never throws. */
  public ReplyStatus classify(SmtpReply reply, ReplyContext ctx) {
    if (ctx == null) ctx = ReplyContext.NONE;
    Rule rule =
        rules.match(
            reply.text(),
            reply.code(),
            reply.enhanced(),
            ctx.phase(),
            ctx.remoteHost(),
            ctx.recipientDomain());
    // A provider's rule matched without knowing the host is no evidence by itself (RULE_UNPLACED
    // below). When a rule that holds for any server reads the same words the same way (a dead
    // mailbox in the words every MTA uses), that rule decides, and its evidence counts.
    if (rule != null
        && !rule.hosts().isEmpty()
        && ctx.remoteHost() == null
        && ctx.recipientDomain() == null) {
      Rule general =
          rules.match(reply.text(), reply.code(), reply.enhanced(), ctx.phase(), null, null, true);
      if (general != null && general.reason() == rule.reason()) rule = general;
    }
    // A reply to our login (RFC 4954 §6: 530, 534, 535, 538, or any reply in the AUTH phase) is
    // about
    // the account we log in with, never about a recipient: "535 authentication failed: no such
    // account" or "... account disabled" must not read as a dead recipient address.
    if (rule != null
        && isLoginReply(reply, ctx)
        && book.reason(rule.reason()).bounce() == Bounce.HARD) rule = null;
    // A reply whose code speaks of the sender's address (X.1.7 bad sender's mailbox syntax, X.1.8
    // bad sender's system address, RFC 3463 §3.2) or of the command itself (500 to 504: syntax,
    // parameters, a command not implemented or out of sequence, RFC 5321 §4.2.2; 504 is also the
    // reply to an unsupported AUTH mechanism, RFC 4954 §4) is no refusal of a recipient mailbox:
    // dead-address words under it ("501 Invalid address", "553 5.1.8 ... domain does not exist",
    // "504 User Account has been disabled") are about what the command carried, so the code
    // decides.
    if (rule != null
        && book.reason(rule.reason()).bounce() == Bounce.HARD
        && aboutSenderOrSyntax(reply)) rule = null;
    // A reply to a command before the first RCPT TO (the greeting, EHLO, STARTTLS, AUTH, MAIL FROM)
    // cannot be about a recipient: none has been named yet (RFC 5321 §3.3). Dead-address words or
    // codes there speak of the sender or the session ("550 5.1.1 <sender>... User unknown" in reply
    // to MAIL FROM), so neither a rule nor an enhanced code may make it a dead recipient; the basic
    // code read with the phase decides.
    boolean beforeRecipients = beforeRecipients(ctx.phase());
    if (rule != null && beforeRecipients && book.reason(rule.reason()).bounce() == Bounce.HARD)
      rule = null;
    int klass = reply.klass();
    EnhancedEntry entry = book.enhanced(reply.enhanced());
    BasicCode basic = book.basic(reply.code());
    // An enhanced code decides only when its registry entry names a cause; X.0.0, X.1.0 and the
    // like say no more than the basic code does.
    // An entry whose reason is a success (X.1.5 "Destination address valid") names no cause of a
    // failure: in a 4xx or 5xx reply it cannot decide (Exchange answers "501 5.1.5 Recipient
    // address
    // reserved by RFC 2606", a refusal, with it).
    boolean specificEnhanced =
        entry != null
            && !isGeneric(reply.enhanced())
            && entry.reason() != Reason.UNDEFINED
            && !(entry.reason() == Reason.DELIVERED && klass >= 4)
            && !(beforeRecipients && book.reason(entry.reason()).bounce() == Bounce.HARD);

    Reason reason;
    Matched matched;
    double confidence;
    Source source;
    if (rule != null) {
      reason = rule.reason();
      matched = new Matched(rule.kind(), rule.id(), rule.source());
      confidence = rule.kind().equals("mta-rule") ? 0.8 : 0.9;
      if (!rule.hosts().isEmpty() && (ctx.remoteHost() != null || ctx.recipientDomain() != null))
        confidence = 0.95;
      source = Source.RULE;
    } else if (klass == 2 || klass == 3) {
      reason = Reason.DELIVERED;
      matched = basic != null ? codeMatch(basic) : NO_MATCH;
      confidence = 0.9;
      source = basic != null ? Source.BASIC : Source.NONE;
    } else if (specificEnhanced) {
      reason = entry.reason();
      // RFC 3463 §3.4: X.3.2 "System not accepting network messages" names passing causes (a
      // shutdown, excessive load, maintenance) as well as a host that takes no mail at all. In a
      // transient reply it is the passing kind, the receiving system's trouble, not a domain that
      // accepts no mail.
      if (klass == 4 && reason == Reason.NOTACCEPT && reply.enhanced().subject() == 3)
        reason = Reason.SYSTEMERROR;
      matched = new Matched("enhanced-code", reply.enhanced().toString(), entry.source());
      confidence = CODE_ONLY_ENHANCED;
      source = Source.ENHANCED;
    } else if (basic != null) {
      reason = byPhase(basic.reason(), ctx.phase());
      // The basic code's default must stay within the enhanced code's subject: a 550 with 5.1.0
      // is about an address, not about the system or the content.
      EnhancedCode e = reply.enhanced();
      if (e != null && !book.reason(reason).fits(e)) reason = Reason.ONHOLD;
      matched = codeMatch(basic);
      confidence = CODE_ONLY_BASIC;
      source = reason == basic.reason() ? Source.BASIC : Source.BASIC_ADJUSTED;
    } else {
      reason = Reason.UNDEFINED;
      matched = NO_MATCH;
      confidence = 0.1;
      source = Source.NONE;
    }
    // A rule for one provider's hosts is that provider's evidence only when the host is known.
    if (source == Source.RULE
        && !rule.hosts().isEmpty()
        && ctx.remoteHost() == null
        && ctx.recipientDomain() == null) source = Source.RULE_UNPLACED;
    return build(reply, reason, rule, matched, confidence, source);
  }

  /**
   * A status for a reason decided outside the reply (for example an auto-reply, a feedback report,
   * or a DSN whose action says the message expired), explained with that reason's defaults.
   */
  public ReplyStatus forReason(Reason reason, SmtpReply reply) {
    if (reply == null) reply = new SmtpReply(0, null, false, "", List.of(""));
    return build(
        reply,
        reason,
        null,
        new Matched("reason", reason.id(), "reasons.txt"),
        0.9,
        Source.OUTSIDE);
  }

  /**
   * A basic code's default reason read with the SMTP phase. RFC 5321 lets several codes answer more
   * than one command: 550 is "mailbox unavailable" in reply to RCPT TO, but the same code in reply
   * to the greeting or EHLO refuses the client (§3.1, §4.3.2), in reply to MAIL FROM refuses the
   * sender, and after DATA refuses the message "for policy reasons" (§4.3.2). So a default that
   * names the recipient's address (userunknown) holds only when the phase is RCPT or unknown. 554
   * in place of the greeting says that this server will not talk to the client at all: a refusal of
   * the sending host (blocked), not the content or policy refusal it mostly is after DATA; in reply
   * to MAIL FROM no content has been sent yet, so a 554 there refuses the envelope sender
   * (rejected), as 550 does (RFC 5321 §3.3: the server answers MAIL FROM on the sender's address).
   */
  static Reason byPhase(Reason reason, Phase phase) {
    if (reason == Reason.POLICYVIOLATION && phase == Phase.CONNECT) return Reason.BLOCKED;
    if (reason == Reason.POLICYVIOLATION && phase == Phase.MAIL) return Reason.REJECTED;
    if ((reason != Reason.USERUNKNOWN && reason != Reason.ONHOLD) || phase == null) return reason;
    return switch (phase) {
      case CONNECT, EHLO, STARTTLS, AUTH -> Reason.BLOCKED;
      case MAIL -> Reason.REJECTED;
      case DATA, END_OF_DATA -> Reason.FILTERED;
      default -> reason;
    };
  }

  private Matched codeMatch(BasicCode basic) {
    Matched m =
        basic.code() >= 0 && basic.code() < basicMatches.length ? basicMatches[basic.code()] : null;
    return m != null
        ? m
        : new Matched("basic-code", Integer.toString(basic.code()), basic.source());
  }

  private ReplyStatus build(
      SmtpReply reply, Reason reason, Rule rule, Matched matched, double confidence, Source src) {
    ReasonInfo info = book.reason(reason);
    int klass = reply.klass();
    boolean transient_ = klass == 4;
    boolean success = klass == 2 || klass == 3;
    EnhancedEntry entry = book.enhanced(reply.enhanced());
    BasicCode basic = book.basic(reply.code());

    Bounce bounce = rule != null && rule.bounce() != null ? rule.bounce() : info.bounce();
    Action action;
    if (rule != null && rule.action() != null) action = rule.action();
    else action = transient_ ? info.actionTransient() : info.action();
    // X.5.3 alone (RFC 5321 §4.5.3.1.10: one recipient too many in this transaction) asks for the
    // rest in a new transaction, whatever the class; the registry entry says so.
    if (src == Source.ENHANCED && entry != null && entry.action() == Action.SPLIT_RECIPIENTS)
      action = Action.SPLIT_RECIPIENTS;
    if (success && reason == Reason.DELIVERED) {
      bounce = Bounce.NONE;
      action = Action.NONE;
    }
    if (transient_ && bounce == Bounce.HARD) bounce = Bounce.SOFT;
    if (transient_ && action == Action.SUPPRESS) action = Action.RETRY;
    // Hard needs positive evidence about the recipient: words that say so, or an enhanced code
    // whose registry meaning is a dead address. A bare code, or an address quoted in the text, is
    // no such evidence.
    if (bounce == Bounce.HARD && !deadAddressEvidence(reply, src)) bounce = Bounce.SOFT;
    // A rule that keeps a dead-address reason soft says its words are no proof; a dead-address
    // enhanced code still is.
    if (bounce == Bounce.SOFT
        && info.bounce() == Bounce.HARD
        && deadAddressEvidence(reply, Source.ENHANCED)) bounce = Bounce.HARD;
    // A soft verdict for a dead-address reason (no proof, or a rule that says so) never suppresses.
    if (bounce == Bounce.SOFT && info.bounce() == Bounce.HARD && action == Action.SUPPRESS)
      action = Action.NONE;

    Duration delay = rule != null ? rule.delay() : null;
    if (delay == null && (transient_ || reason == Reason.GREYLISTED))
      delay = RetryDelay.find(TextNormalizer.normalize(reply.text()));
    if (delay == null && reason == Reason.GREYLISTED) delay = GREYLIST_DELAY;
    if (delay != null && (action == Action.RETRY || reason == Reason.GREYLISTED))
      action = Action.RETRY_AFTER;

    Who who = rule != null && rule.who() != null ? rule.who() : info.who();
    // The words follow whatever decided the reason, so that they never contradict it.
    String meaning;
    String solution;
    boolean subjectEntry = entry != null && !isGeneric(reply.enhanced());
    switch (src) {
      case RULE, RULE_UNPLACED -> {
        meaning = rule.meaning() != null ? rule.meaning() : info.meaning();
        solution = rule.solution() != null ? rule.solution() : info.solution();
      }
      case ENHANCED -> {
        meaning = entry.meaning();
        solution = entry.solution();
      }
      case BASIC -> {
        // An X.Y.0 code still says which kind of problem it is; that beats the basic code's text.
        meaning = subjectEntry ? entry.meaning() : basic.meaning();
        solution = subjectEntry ? entry.solution() : basic.solution();
      }
      default -> {
        meaning = info.meaning();
        solution = info.solution();
      }
    }
    if (success && basic != null) {
      meaning = basic.meaning();
      solution = basic.solution();
    }

    SmtpReply out = reply;
    if (reply.enhanced() == null && klass != 0) {
      EnhancedCode inferred = Inference.enhancedFor(reason, klass);
      if (inferred != null)
        out = new SmtpReply(reply.code(), inferred, true, reply.text(), reply.lines());
    }
    Digit cls = reply.code() != 0 ? book.basicClass(reply.code() / 100) : null;
    Digit subj = reply.code() != 0 ? book.basicSubject(reply.code() / 10 % 10) : null;
    Digit esubj = out.enhanced() != null ? book.enhancedSubject(out.enhanced().subject()) : null;
    EnhancedEntry outEntry = book.enhanced(out.enhanced());
    return new ReplyStatus(
        out,
        cls == null ? null : cls.meaning(),
        subj == null ? null : subj.meaning(),
        basic == null ? null : basic.title(),
        esubj == null ? null : esubj.title(),
        outEntry == null ? null : outEntry.title(),
        bounce,
        reason,
        action,
        delay,
        who,
        meaning,
        solution,
        confidence,
        matched,
        klass != 4 && klass != 3);
  }

  /**
   * Whether the evidence behind a hard reason is about the recipient: a rule's words (a rule for a
   * hard reason names the dead mailbox or domain), an enhanced code of the dead-address set, or a
   * cause known outside the reply.
   */
  private static boolean deadAddressEvidence(SmtpReply reply, Source src) {
    if (src == Source.RULE || src == Source.OUTSIDE) return true;
    EnhancedCode e = reply.enhanced();
    return e != null && e.klass() == 5 && deadAddressCode(e.subject(), e.detail());
  }

  /**
   * The enhanced codes that mean the address is dead when permanent (RFC 3463 §3.2, §3.3; RFC 7505
   * §4): X.1.1 no such mailbox, X.1.2 no such system, X.1.3 a recipient address that cannot be
   * valid, X.1.6 the mailbox has moved, X.1.10 the domain accepts no mail, X.2.1 mailbox disabled.
   */
  static boolean deadAddressCode(int subject, int detail) {
    return subject == 1
            && (detail == 1 || detail == 2 || detail == 3 || detail == 6 || detail == 10)
        || subject == 2 && detail == 1;
  }

  /**
   * A reply whose code names the sender's address (X.1.7, X.1.8) or the command itself (500 to 504:
   * a syntax error, a command or parameter not implemented, a bad sequence). Such a reply whose
   * enhanced code names the destination address (X.1.1 to X.1.6, X.1.10: RFC 3463 §3.2) is about
   * the recipient, not the command: Exchange refuses a domain reserved by RFC 2606 with "501
   * 5.1.5". A 503 answers a command given out of order whatever code it quotes: Exim's "503-All
   * RCPT commands were rejected with this error: ..." answers DATA and only repeats what the
   * recipients were told; the reply to RCPT TO carries that verdict itself.
   */
  private static boolean aboutSenderOrSyntax(SmtpReply reply) {
    EnhancedCode e = reply.enhanced();
    if (e != null && e.subject() == 1 && (e.detail() == 7 || e.detail() == 8)) return true;
    if (reply.code() == 503) return true;
    return reply.code() >= 500 && reply.code() <= 504 && (e == null || !destinationAddressCode(e));
  }

  private static boolean destinationAddressCode(EnhancedCode e) {
    return deadAddressCode(e.subject(), e.detail())
        || e.subject() == 1 && (e.detail() == 4 || e.detail() == 5);
  }

  private static boolean beforeRecipients(Phase phase) {
    if (phase == null) return false;
    return switch (phase) {
      case CONNECT, EHLO, STARTTLS, AUTH, MAIL -> true;
      default -> false;
    };
  }

  /** A reply to AUTH: its phase, or one of RFC 4954 §6's authentication reply codes. */
  private static boolean isLoginReply(SmtpReply reply, ReplyContext ctx) {
    int c = reply.code();
    return ctx.phase() == Phase.AUTH || c == 530 || c == 534 || c == 535 || c == 538;
  }

  private static boolean isGeneric(EnhancedCode e) {
    return e == null || (e.subject() == 0 && e.detail() == 0);
  }
}
