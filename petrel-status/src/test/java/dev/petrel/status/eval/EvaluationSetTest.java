package dev.petrel.status.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.status.Bounce;
import dev.petrel.status.Reason;
import dev.petrel.status.ReplyStatus;
import dev.petrel.status.StatusEngine;
import dev.petrel.status.bounce.BounceParser;
import dev.petrel.status.eval.EvalData.LabelledBounce;
import dev.petrel.status.eval.EvalData.LabelledReply;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Measures the status engine on Petrel's independent evaluation set (replies.tsv and the labelled
 * bounce mails under {@code eval/bounces}), which no rule was written from. It asserts only the
 * integrity of the set: valid labels, a source for every item, no duplicates, readable mails,
 * enough items, and no reply shared with the rule-test tables. The accuracy figures are printed per
 * source, with every disagreement, and written to {@code target/evaluation.txt}; the bars the
 * engine meets are asserted, and the other figures have floors at what the rules reach today.
 */
class EvaluationSetTest {

  private static final StatusEngine ENGINE = StatusEngine.standard();
  private static final BounceParser PARSER = new BounceParser(ENGINE);
  private static final Set<String> REASONS =
      Arrays.stream(Reason.values()).map(Reason::id).collect(Collectors.toSet());
  private static final Set<String> FAILURE_BOUNCES = Set.of("hard", "soft");

  /** Sources with fewer replies than this are reported together, as one line. */
  private static final int SMALL_SOURCE = 10;

  @Test
  void replyLabelsAreValidAndUnique() {
    List<LabelledReply> replies = EvalData.replies();
    List<String> problems = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (LabelledReply r : replies) {
      String at = "replies.tsv line " + r.line() + ": ";
      if (r.text().isBlank()) problems.add(at + "empty reply");
      if (!REASONS.contains(r.reason())) problems.add(at + "unknown reason " + r.reason());
      if (!FAILURE_BOUNCES.contains(r.bounce())) problems.add(at + "bounce " + r.bounce());
      if (!isUrl(r.source())) problems.add(at + "source is not a URL: " + r.source());
      Integer first = seen.putIfAbsent(EvalData.normalise(r.text()), r.line());
      if (first != null) problems.add(at + "same reply as line " + first);
    }
    assertThat(problems).isEmpty();
    assertThat(replies).hasSizeGreaterThanOrEqualTo(300);
  }

  @Test
  void noEvaluationReplyIsInARuleTable() {
    Set<String> ruleTexts = EvalData.ruleTableTexts();
    List<String> shared =
        EvalData.replies().stream()
            .filter(r -> ruleTexts.contains(EvalData.normalise(r.text())))
            .map(r -> "replies.tsv line " + r.line() + ": " + r.text())
            .toList();
    assertThat(shared).as("replies that are also rule-test cases").isEmpty();
  }

  /**
   * Pages that a rule-test row cited before this check existed although the evaluation set draws
   * other replies from them (help pages and threads that list many replies). No rule-test row
   * equals an evaluation reply (the test above), but a page that the set draws from should not feed
   * the rules at all, so no further page may join this list.
   */
  private static final Set<String> PAGES_CITED_BEFORE_THE_CHECK =
      Set.of(
          "https://github.com/forwardemail/forwardemail.net/issues/547",
          "https://www.spambrella.com/faq/email-delivery-error-codes/",
          "https://github.com/getconversio/email-deep-validator/issues/9",
          "https://support.onesystems.ch/722126-%C3%9Cbersicht-h%C3%A4ufig-vorkommender-Fehlermeldungen",
          "https://www.yandex.com/support/mail/bounces/other.html",
          "https://github.com/iredmail/iRedMail/issues/156",
          "http://www.sitepackage.de/service/dokumentation/auswertung/typische-fehlermeldungen-bei-unzustellbarkeit.html",
          "https://www.dbmailserver.com/tui-xin-address-not-exist.htm",
          "https://github.com/OpenSMTPD/OpenSMTPD/issues/541",
          // cited by rules (as the source of wordings in Italian, Russian and German)
          "https://aiuto.libero.it/articolo/mail/messaggi-di-errore-piu-frequenti-dopo-invio-email");

  @Test
  void noRuleOrRuleTableCitesAPageTheEvaluationSetDrawsFrom() throws IOException {
    Set<String> ruleFields = EvalData.ruleTableTexts();
    StringBuilder rules = new StringBuilder();
    for (String f : List.of("rules-mta.txt", "rules-providers.txt"))
      rules.append(Files.readString(Path.of("src/main/resources/dev/petrel/status", f)));
    Set<String> cited =
        EvalData.replies().stream()
            .map(r -> r.source().strip())
            .filter(src -> !PAGES_CITED_BEFORE_THE_CHECK.contains(src))
            .filter(src -> ruleFields.contains(EvalData.normalise(src)) || rules.indexOf(src) >= 0)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(cited)
        .as("pages that both the evaluation set and a rule or rule-test table cite")
        .isEmpty();
  }

  @Test
  void bounceLabelsAreValidAndEveryMailIsLabelled() throws IOException {
    Path dir = EvalData.evalDir().resolve("bounces");
    List<LabelledBounce> labels = EvalData.bounces();
    List<String> problems = new ArrayList<>();
    Map<String, String> byDigest = new HashMap<>();
    Set<String> files = new TreeSet<>();
    for (LabelledBounce b : labels) {
      String at = "labels.tsv line " + b.line() + ": ";
      if (!files.add(b.file())) problems.add(at + "file labelled twice: " + b.file());
      Path p = dir.resolve(b.file());
      if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
        problems.add(at + "no readable file " + b.file());
        continue;
      }
      String other = byDigest.putIfAbsent(digest(Files.readAllBytes(p)), b.file());
      if (other != null) problems.add(at + b.file() + " has the same bytes as " + other);
      boolean notAReport = b.reason().equals("-");
      if (!notAReport && !REASONS.contains(b.reason()))
        problems.add(at + "unknown reason " + b.reason());
      if (!Set.of("hard", "soft", "none").contains(b.bounce()))
        problems.add(at + "bounce " + b.bounce());
      if (notAReport && !(b.bounce().equals("none") && b.recipients().isEmpty()))
        problems.add(at + "a mail that is not a report has no recipients and bounce none");
      if (!b.recipients().isEmpty() && !FAILURE_BOUNCES.contains(b.bounce()))
        problems.add(at + "failed recipients need bounce hard or soft");
      for (String rcpt : b.recipients())
        if (!rcpt.contains("@") || !rcpt.equals(rcpt.toLowerCase(Locale.ROOT)))
          problems.add(at + "recipient must be a lower-case address: " + rcpt);
      if (!isUrl(b.source())) problems.add(at + "source is not a URL: " + b.source());
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".eml")).toList()) {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        if (!files.contains(rel)) problems.add("mail without a label: " + rel);
      }
    }
    for (String folder : labels.stream().map(LabelledBounce::folder).distinct().toList()) {
      Path f = dir.resolve(folder);
      if (!Files.isRegularFile(f.resolve("PROVENANCE.md")))
        problems.add(folder + ": PROVENANCE.md missing");
      try (Stream<Path> s = Files.list(f)) {
        if (s.noneMatch(
            p -> p.getFileName().toString().toUpperCase(Locale.ROOT).startsWith("LICEN")))
          problems.add(folder + ": the project's licence file is missing");
      }
    }
    assertThat(problems).isEmpty();
    assertThat(labels).hasSizeGreaterThanOrEqualTo(100);
  }

  @Test
  void measureReplies() throws IOException {
    List<LabelledReply> replies = EvalData.replies();
    Map<String, ReplyTally> bySource = new TreeMap<>();
    ReplyTally all = new ReplyTally();
    List<String> disagreements = new ArrayList<>();
    for (LabelledReply r : replies) {
      ReplyStatus s = ENGINE.classify(r.text());
      String bounce = s.bounce().id();
      String reason = s.reason().id();
      boolean bounceOk = bounce.equals(r.bounce());
      boolean reasonOk = reason.equals(r.reason());
      boolean falseHard = s.bounce() == Bounce.HARD && !r.bounce().equals("hard");
      for (ReplyTally t :
          List.of(
              all,
              bySource.computeIfAbsent(EvalData.sourceGroup(r.source()), k -> new ReplyTally())))
        t.add(bounceOk, reasonOk, falseHard);
      if (!bounceOk || !reasonOk)
        disagreements.add(
            String.format(
                Locale.ROOT,
                "%-10s line %d: expected %s/%s, got %s/%s (%s)%n      %s%n      %s",
                falseHard ? "FALSE-HARD" : !bounceOk ? "bounce" : "reason",
                r.line(),
                r.reason(),
                r.bounce(),
                reason,
                bounce,
                s.matched(),
                shorten(r.text()),
                r.source()));
    }
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%n== Evaluation: %d SMTP replies ==%n", all.n));
    out.append(
        String.format(
            Locale.ROOT,
            "%-44s %5s %10s %10s %11s%n",
            "source",
            "n",
            "hard/soft",
            "reason",
            "false hard"));
    ReplyTally small = new ReplyTally();
    int smallSites = 0;
    for (Map.Entry<String, ReplyTally> e : bySource.entrySet()) {
      if (e.getValue().n >= SMALL_SOURCE) {
        out.append(e.getValue().line(e.getKey()));
      } else {
        small.merge(e.getValue());
        smallSites++;
      }
    }
    out.append(small.line("other pages (" + smallSites + " sites, <" + SMALL_SOURCE + " each)"));
    out.append(all.line("all replies"));
    out.append(String.format(Locale.ROOT, "disagreements (%d):%n", disagreements.size()));
    if (SHOW_ROWS) disagreements.forEach(d -> out.append("  ").append(d).append('\n'));
    report("replies", out.toString());
    assertThat(all.n).isEqualTo(replies.size());
    // The bar for the costliest mistake: at most 1 % of replies wrongly called hard (a false hard
    // suppresses a live address for good). The other figures are printed, not asserted.
    assertThat(100.0 * all.falseHard / all.n)
        .as("false hard, % of replies")
        .isLessThanOrEqualTo(1.0);
    // Floors at what the rules reach today (the goals are 97 % and 90 %), so that a change that
    // loses ground fails the build; raise them as the rules improve, never to a figure not reached.
    assertThat(100.0 * all.bounceOk / all.n).as("hard/soft right, %").isGreaterThanOrEqualTo(96.4);
    assertThat(100.0 * all.reasonOk / all.n).as("reason right, %").isGreaterThanOrEqualTo(86.5);
  }

  @Test
  void measureBounces() throws IOException {
    Path dir = EvalData.evalDir().resolve("bounces");
    List<LabelledBounce> labels = EvalData.bounces();
    Map<String, BounceScoring.Tally> bySource = new TreeMap<>();
    BounceScoring.Tally all = new BounceScoring.Tally();
    List<String> disagreements = new ArrayList<>();
    for (LabelledBounce b : labels) {
      BounceScoring.Outcome o =
          BounceScoring.score(b, PARSER.parse(Files.readAllBytes(dir.resolve(b.file()))));
      all.add(o);
      bySource.computeIfAbsent(b.folder(), k -> new BounceScoring.Tally()).add(o);
      if (!o.agrees()) disagreements.add(o.describe());
    }
    StringBuilder out = new StringBuilder();
    out.append(
        BounceScoring.table(
            "Evaluation: " + all.mails + " bounce mails", bySource, all, "all mails"));
    out.append(
        String.format(
            Locale.ROOT,
            "(wrong addr: addresses reported as failed that are not, as %% of the %d reported)%n",
            all.reported));
    out.append(String.format(Locale.ROOT, "disagreements (%d):%n", disagreements.size()));
    if (SHOW_ROWS) disagreements.forEach(d -> out.append("  ").append(d).append('\n'));
    report("bounces", out.toString());
    assertThat(all.mails).isEqualTo(labels.size());
    // The recipient bars: the exact set of failed recipients for at least 95 % of notices, and at
    // most 2 % of the reported addresses wrong.
    assertThat(all.exactPct()).as("exact recipient set, %").isGreaterThanOrEqualTo(95.0);
    assertThat(all.wrongPct()).as("wrong addresses, % of those reported").isLessThanOrEqualTo(2.0);
    // Floors at what the parser and rules reach today; raise them as they improve.
    assertThat(all.reasonPct()).as("reason right, %").isGreaterThanOrEqualTo(85.5);
    assertThat(all.bouncePct()).as("hard/soft right, %").isGreaterThanOrEqualTo(94.0);
  }

  private static boolean isUrl(String s) {
    try {
      URI u = URI.create(s);
      return (u.getScheme().equals("http") || u.getScheme().equals("https")) && u.getHost() != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String shorten(String s) {
    return s.length() > 170 ? s.substring(0, 170) + "..." : s;
  }

  /**
   * Whether to print the rows that disagree (their texts and sources). Off by default: rules are
   * never written from the evaluation set, so whoever works on rules sees only the figures; a
   * reviewer who checks the labels turns the rows on with {@code -Dpetrel.eval.rows=true}.
   */
  private static final boolean SHOW_ROWS = Boolean.getBoolean("petrel.eval.rows");

  /** Prints a part of the report and writes it to target/evaluation-NAME.txt. */
  private static void report(String name, String text) throws IOException {
    System.out.print(text);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "evaluation-" + name + ".txt"), text);
  }

  /** Counts for a group of replies. */
  private static final class ReplyTally {
    int n;
    int bounceOk;
    int reasonOk;
    int falseHard;

    void merge(ReplyTally t) {
      n += t.n;
      bounceOk += t.bounceOk;
      reasonOk += t.reasonOk;
      falseHard += t.falseHard;
    }

    void add(boolean bounce, boolean reason, boolean hard) {
      n++;
      if (bounce) bounceOk++;
      if (reason) reasonOk++;
      if (hard) falseHard++;
    }

    String line(String name) {
      return String.format(
          Locale.ROOT,
          "%-44s %5d %10s %10s %11s%n",
          name,
          n,
          BounceScoring.pct(bounceOk, n),
          BounceScoring.pct(reasonOk, n),
          BounceScoring.pct(falseHard, n));
    }
  }
}
