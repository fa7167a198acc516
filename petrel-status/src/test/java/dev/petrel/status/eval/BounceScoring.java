package dev.petrel.status.eval;

import dev.petrel.status.Bounce;
import dev.petrel.status.bounce.BounceReport;
import dev.petrel.status.bounce.BouncedRecipient;
import dev.petrel.status.eval.EvalData.LabelledBounce;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How a labelled bounce mail is judged against the parser's report, shared by {@link
 * EvaluationSetTest} and the other labelled bounce samples (FreshBounceSampleTest): the exact set
 * of failed recipients, the addresses reported that did not fail, the reason and hard/soft of the
 * labelled recipients, and false hard bounces.
 */
public final class BounceScoring {

  private BounceScoring() {}

  /** The judgement of one mail. */
  public record Outcome(
      LabelledBounce label,
      BounceReport report,
      Set<String> got,
      Set<String> wrong,
      String reason,
      String bounce,
      boolean exact,
      boolean reasonOk,
      boolean bounceOk,
      boolean falseHard) {

    /** Whether the parser agrees with the label on all three counts. */
    public boolean agrees() {
      return exact && reasonOk && bounceOk;
    }

    /** One line: the label, what the parser reported, and the report's kind and format. */
    public String describe() {
      return String.format(
          Locale.ROOT,
          "%s: expected %s %s/%s, got %s %s/%s (%s, %s)",
          label.file(),
          label.recipients(),
          label.reason(),
          label.bounce(),
          got,
          reason,
          bounce,
          report.kind(),
          report.format());
    }
  }

  /** Judges the parser's report of one labelled mail. */
  public static Outcome score(LabelledBounce b, BounceReport r) {
    Set<String> got = failedRecipients(r);
    Set<String> wrong = new TreeSet<>(got);
    wrong.removeAll(b.recipients());
    List<BouncedRecipient> judged = judged(b, r);
    String reason =
        judged.isEmpty()
            ? mailWithoutFailure(r, false)
            : judged.stream()
                .map(BounceScoring::reasonOf)
                .distinct()
                .collect(Collectors.joining("+"));
    String bounce =
        judged.isEmpty()
            ? mailWithoutFailure(r, true)
            : judged.stream()
                .map(BounceScoring::bounceOf)
                .distinct()
                .collect(Collectors.joining("+"));
    boolean falseHard =
        !b.bounce().equals("hard")
            && r.recipients().stream().anyMatch(x -> x.classification().bounce() == Bounce.HARD);
    return new Outcome(
        b,
        r,
        got,
        wrong,
        reason,
        bounce,
        got.equals(b.recipients()),
        reason.equals(b.reason()),
        bounce.equals(b.bounce()),
        falseHard);
  }

  /**
   * The recipients the parser reports as failed: those of a delivery report (standard or not) whose
   * action is failed or not given. Delayed, delivered, relayed and expanded are not failures.
   */
  public static Set<String> failedRecipients(BounceReport r) {
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

  static String pct(int part, int whole) {
    return whole == 0 ? "    -  " : String.format(Locale.ROOT, "%5.1f %%", 100.0 * part / whole);
  }

  /** The heading of a table of {@link Tally} lines. */
  public static String header() {
    return String.format(
        Locale.ROOT,
        "%-20s %5s %10s %12s %8s %10s %11s%n",
        "source",
        "mails",
        "exact set",
        "wrong addr",
        "reason",
        "hard/soft",
        "false hard");
  }

  /**
   * A titled table: the heading, one line per source (in the map's order) and the line of all
   * mails, under {@code allName}.
   */
  public static String table(
      String title, java.util.Map<String, Tally> bySource, Tally all, String allName) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%n== %s ==%n", title));
    out.append(header());
    bySource.forEach((k, t) -> out.append(t.line(k)));
    out.append(all.line(allName));
    return out.toString();
  }

  /** Counts for a group of bounce mails. */
  public static final class Tally {
    public int mails;
    public int exact;
    public int reported;
    public int wrong;
    public int reasonOk;
    public int bounceOk;
    public int falseHard;

    public void add(Outcome o) {
      mails++;
      reported += o.got().size();
      wrong += o.wrong().size();
      if (o.exact()) exact++;
      if (o.reasonOk()) reasonOk++;
      if (o.bounceOk()) bounceOk++;
      if (o.falseHard()) falseHard++;
    }

    public double exactPct() {
      return 100.0 * exact / mails;
    }

    public double wrongPct() {
      return 100.0 * wrong / Math.max(1, reported);
    }

    public double reasonPct() {
      return 100.0 * reasonOk / mails;
    }

    public double bouncePct() {
      return 100.0 * bounceOk / mails;
    }

    /** One line of the table under {@link #header()}. */
    public String line(String name) {
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
