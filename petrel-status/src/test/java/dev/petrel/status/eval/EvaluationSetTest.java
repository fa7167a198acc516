package dev.petrel.status.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.status.Bounce;
import dev.petrel.status.Reason;
import dev.petrel.status.ReplyStatus;
import dev.petrel.status.StatusEngine;
import dev.petrel.status.bounce.BounceParser;
import dev.petrel.status.bounce.BounceReport;
import dev.petrel.status.bounce.BouncedRecipient;
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
    assertThat(100.0 * all.reasonOk / all.n).as("reason right, %").isGreaterThanOrEqualTo(85.3);
  }

  @Test
  void measureBounces() throws IOException {
    Path dir = EvalData.evalDir().resolve("bounces");
    List<LabelledBounce> labels = EvalData.bounces();
    Map<String, BounceTally> bySource = new TreeMap<>();
    BounceTally all = new BounceTally();
    List<String> disagreements = new ArrayList<>();
    for (LabelledBounce b : labels) {
      BounceReport r = PARSER.parse(Files.readAllBytes(dir.resolve(b.file())));
      Set<String> got = failedRecipients(r);
      Set<String> wrong = new TreeSet<>(got);
      wrong.removeAll(b.recipients());
      List<BouncedRecipient> judged = judged(b, r);
      String reason =
          judged.isEmpty()
              ? mailWithoutFailure(r, false)
              : judged.stream()
                  .map(EvaluationSetTest::reasonOf)
                  .distinct()
                  .collect(Collectors.joining("+"));
      String bounce =
          judged.isEmpty()
              ? mailWithoutFailure(r, true)
              : judged.stream()
                  .map(EvaluationSetTest::bounceOf)
                  .distinct()
                  .collect(Collectors.joining("+"));
      boolean exact = got.equals(b.recipients());
      boolean reasonOk = reason.equals(b.reason());
      boolean bounceOk = bounce.equals(b.bounce());
      boolean falseHard =
          !b.bounce().equals("hard")
              && r.recipients().stream().anyMatch(x -> x.classification().bounce() == Bounce.HARD);
      for (BounceTally t :
          List.of(all, bySource.computeIfAbsent(b.folder(), k -> new BounceTally())))
        t.add(exact, got.size(), wrong.size(), reasonOk, bounceOk, falseHard);
      if (!exact || !reasonOk || !bounceOk)
        disagreements.add(
            String.format(
                Locale.ROOT,
                "%s: expected %s %s/%s, got %s %s/%s (%s, %s)",
                b.file(),
                b.recipients(),
                b.reason(),
                b.bounce(),
                got,
                reason,
                bounce,
                r.kind(),
                r.format()));
    }
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%n== Evaluation: %d bounce mails ==%n", all.mails));
    out.append(
        String.format(
            Locale.ROOT,
            "%-20s %5s %10s %12s %8s %10s %11s%n",
            "source",
            "mails",
            "exact set",
            "wrong addr",
            "reason",
            "hard/soft",
            "false hard"));
    bySource.forEach((k, t) -> out.append(t.line(k)));
    out.append(all.line("all mails"));
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
    assertThat(100.0 * all.exact / all.mails)
        .as("exact recipient set, %")
        .isGreaterThanOrEqualTo(95.0);
    assertThat(100.0 * all.wrong / Math.max(1, all.reported))
        .as("wrong addresses, % of those reported")
        .isLessThanOrEqualTo(2.0);
    // Floors at what the parser and rules reach today; raise them as they improve.
    assertThat(100.0 * all.reasonOk / all.mails).as("reason right, %").isGreaterThanOrEqualTo(84.6);
    assertThat(100.0 * all.bounceOk / all.mails)
        .as("hard/soft right, %")
        .isGreaterThanOrEqualTo(94.0);
  }

  /**
   * The recipients the parser reports as failed: those of a delivery report (standard or not) whose
   * action is failed or not given. Delayed, delivered, relayed and expanded are not failures.
   */
  static Set<String> failedRecipients(BounceReport r) {
    if (r.kind() != BounceReport.Kind.DSN && r.kind() != BounceReport.Kind.NON_STANDARD)
      return Set.of();
    return r.recipients().stream()
        .filter(x -> x.recipient() != null)
        .filter(x -> x.action() == null || x.action().equalsIgnoreCase("failed"))
        .map(x -> x.recipient().toLowerCase(Locale.ROOT))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The parser's entries for the labelled failed recipients (a missing one counts as wrong). */
  private static List<BouncedRecipient> judged(LabelledBounce b, BounceReport r) {
    List<BouncedRecipient> out = new ArrayList<>();
    for (String rcpt : b.recipients()) {
      BouncedRecipient found =
          r.recipients().stream()
              .filter(x -> x.recipient() != null && x.recipient().equalsIgnoreCase(rcpt))
              .findFirst()
              .orElse(null);
      out.add(found);
    }
    return out;
  }

  private static String reasonOf(BouncedRecipient x) {
    return x == null ? "(missing)" : x.classification().reason().id();
  }

  private static String bounceOf(BouncedRecipient x) {
    return x == null ? "(missing)" : x.classification().bounce().id();
  }

  /** What a mail labelled without failed recipients is read as: its kind, or its first entry. */
  private static String mailWithoutFailure(BounceReport r, boolean bounce) {
    return switch (r.kind()) {
      case AUTO_REPLY -> bounce ? "none" : "vacation";
      case NOT_A_BOUNCE -> bounce ? "none" : "-";
      case FEEDBACK -> bounce ? "none" : "feedback";
      default ->
          r.recipients().isEmpty()
              ? (bounce ? "none" : "-")
              : bounce ? bounceOf(r.recipients().getFirst()) : reasonOf(r.recipients().getFirst());
    };
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

  private static String pct(int part, int whole) {
    return whole == 0 ? "    -  " : String.format(Locale.ROOT, "%5.1f %%", 100.0 * part / whole);
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
          pct(bounceOk, n),
          pct(reasonOk, n),
          pct(falseHard, n));
    }
  }

  /** Counts for a group of bounce mails. */
  private static final class BounceTally {
    int mails;
    int exact;
    int reported;
    int wrong;
    int reasonOk;
    int bounceOk;
    int falseHard;

    void add(
        boolean exactSet, int got, int wrongAddr, boolean reason, boolean bounce, boolean hard) {
      mails++;
      reported += got;
      wrong += wrongAddr;
      if (exactSet) exact++;
      if (reason) reasonOk++;
      if (bounce) bounceOk++;
      if (hard) falseHard++;
    }

    String line(String name) {
      return String.format(
          Locale.ROOT,
          "%-20s %5d %10s %12s %8s %10s %11s%n",
          name,
          mails,
          pct(exact, mails),
          pct(wrong, reported),
          pct(reasonOk, mails),
          pct(bounceOk, mails),
          pct(falseHard, mails));
    }
  }
}
