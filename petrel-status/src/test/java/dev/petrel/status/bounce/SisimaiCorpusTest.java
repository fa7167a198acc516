package dev.petrel.status.bounce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.petrel.status.StatusEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The regression set: Sisimai's bounce-mail corpus (shared/corpus/sisimai) and the reasons
 * Sisimai's own tests expect (expected.tsv). Skipped when the corpus is absent, unless
 * PETREL_REQUIRE_PEERS=1.
 */
class SisimaiCorpusTest {

  /** The agreement reached by the current rules (percent): 633 of 666 rows, the goal of 95. */
  private static final String FLOOR = "94.8";

  /**
   * maildir/not/rb-issue-368-bug.eml is a real bounce ("reject reason: Mailbox full", "target mail
   * address: ...", from postmaster with a null return path): upstream keeps it there because it
   * once broke their parser. Reporting it as a mailbox-full bounce is the useful answer, so it is
   * not held to NOT_A_BOUNCE here.
   */
  private static final String REAL_BOUNCE_IN_NOT = "rb-issue-368-bug.eml";

  private static Path corpus;
  private static final BounceParser PARSER = new BounceParser(StatusEngine.standard());
  private static final Map<String, BounceReport> BSD = new TreeMap<>();
  private static final List<String[]> EXPECTED = new ArrayList<>();

  @BeforeAll
  static void load() throws IOException {
    corpus = locate();
    assumeTrue(corpus != null, "Sisimai corpus not found (system property petrel.corpus)");
    for (String line : Files.readAllLines(corpus.resolve("expected.tsv"), StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", -1);
      if (f.length < 6 || f[0].equals("file") || f[1].isEmpty()) continue;
      EXPECTED.add(f);
    }
    try (Stream<Path> s = Files.list(corpus.resolve("maildir/bsd"))) {
      for (Path p : s.sorted().toList()) {
        BSD.put("maildir/bsd/" + p.getFileName(), PARSER.parse(Files.readAllBytes(p)));
      }
    }
  }

  static Path locate() {
    List<String> candidates = new ArrayList<>();
    String prop = System.getProperty("petrel.corpus");
    if (prop != null) candidates.add(prop);
    candidates.add("../shared/corpus");
    candidates.add("../../shared/corpus");
    for (String c : candidates) {
      Path p = Path.of(c, "sisimai");
      if (Files.isRegularFile(p.resolve("expected.tsv"))) return p;
    }
    if ("1".equals(System.getenv("PETREL_REQUIRE_PEERS")))
      throw new IllegalStateException("Sisimai corpus required but not found in " + candidates);
    return null;
  }

  @Test
  void everyBounceYieldsItsRecipients() {
    List<String> missing = new ArrayList<>();
    for (String[] row : EXPECTED) {
      BounceReport r = BSD.get(row[0]);
      int index = Integer.parseInt(row[5]);
      if (r == null || r.recipients().size() < index)
        missing.add(
            row[0]
                + " #"
                + index
                + " ("
                + row[1]
                + ", got "
                + (r == null ? "no file" : r.kind() + " with " + r.recipients().size())
                + ")");
    }
    System.out.println(
        "recipients missing: " + missing.size() + " of " + EXPECTED.size() + " rows");
    missing.forEach(m -> System.out.println("  missing " + m));
    assertThat(missing).isEmpty();
  }

  @Test
  void reasonsAgreeWithSisimai() throws IOException {
    int agree = 0;
    Map<String, List<String>> byPair = new TreeMap<>();
    StringBuilder report =
        new StringBuilder("file\tindex\texpected\tours\tstatus\tmatched\tdiagnostic\n");
    for (String[] row : EXPECTED) {
      BounceReport r = BSD.get(row[0]);
      int index = Integer.parseInt(row[5]);
      String ours = "(missing)";
      BouncedRecipient b = null;
      if (r != null && r.recipients().size() >= index) {
        b = r.recipients().get(index - 1);
        ours = b.classification().reason().id();
      }
      if (ours.equals(row[1])) agree++;
      else
        byPair
            .computeIfAbsent(row[1] + " -> " + ours, k -> new ArrayList<>())
            .add(row[0] + "#" + index);
      report
          .append(row[0])
          .append('\t')
          .append(index)
          .append('\t')
          .append(row[1])
          .append('\t')
          .append(ours)
          .append('\t')
          .append(b == null ? "" : b.status() + "/" + b.classification().enhanced())
          .append('\t')
          .append(b == null ? "" : b.classification().matched())
          .append('\t')
          .append(b == null || b.diagnostic() == null ? "" : b.diagnostic().replace('\t', ' '))
          .append('\n');
    }
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/sisimai-agreement.tsv"), report.toString());
    double rate = 100.0 * agree / EXPECTED.size();
    System.out.printf("reason agreement: %d of %d rows = %.1f %%%n", agree, EXPECTED.size(), rate);
    byPair.entrySet().stream()
        .sorted((a, b) -> b.getValue().size() - a.getValue().size())
        .forEach(
            e ->
                System.out.println(
                    "  " + e.getValue().size() + "  " + e.getKey() + "  " + e.getValue()));
    // The goal is 95 % (issue 2). The floor below is what the parser and rules reach today, so that
    // a change that loses agreement fails the build; raise it as the rules improve.
    double floor = Double.parseDouble(System.getProperty("petrel.sisimai.minAgreement", FLOOR));
    System.out.printf("goal 95.0 %%, floor %.1f %%%n", floor);
    assertThat(rate).isGreaterThanOrEqualTo(floor);
  }

  @Test
  void notBouncesAreNotBounces() throws IOException {
    Map<String, BounceReport.Kind> kinds = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(corpus.resolve("maildir/not"))) {
      for (Path p : s.sorted().toList()) {
        kinds.put(p.getFileName().toString(), PARSER.parse(Files.readAllBytes(p)).kind());
      }
    }
    System.out.println("maildir/not: " + kinds);
    assertThat(kinds).isNotEmpty();
    kinds.forEach(
        (name, kind) -> {
          if (name.equals(REAL_BOUNCE_IN_NOT))
            assertThat(kind).isEqualTo(BounceReport.Kind.NON_STANDARD);
          else assertThat(kind).as(name).isEqualTo(BounceReport.Kind.NOT_A_BOUNCE);
        });
  }

  @Test
  void lineEndingsDoNotChangeRecipients() throws IOException {
    int compared = 0;
    List<String> differ = new ArrayList<>();
    for (String dir : List.of("maildir/dos", "maildir/mac")) {
      try (Stream<Path> s = Files.list(corpus.resolve(dir))) {
        for (Path p : s.sorted().toList()) {
          BounceReport bsd = BSD.get("maildir/bsd/" + p.getFileName());
          if (bsd == null) continue;
          compared++;
          List<String> a = addresses(bsd);
          List<String> b = addresses(PARSER.parse(Files.readAllBytes(p)));
          if (!a.equals(b)) differ.add(dir + "/" + p.getFileName() + " " + b + " vs bsd " + a);
        }
      }
    }
    System.out.println("line endings: compared " + compared + ", differ " + differ.size());
    differ.forEach(d -> System.out.println("  " + d));
    assertThat(compared).isGreaterThan(50);
    assertThat(differ).isEmpty();
  }

  @Test
  void mailboxesSplitAndTinyFilesDoNotCrash() {
    List<MailInputs.Mail> mails = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    MailInputs.read(
        corpus.resolve("mailbox/mbox-0"), mails::add, (p, m) -> errors.add(p + ": " + m));
    assertThat(errors).isEmpty();
    assertThat(mails).hasSize(37);
    assertThat(mails.getFirst().name()).endsWith("mbox-0#1");
    for (MailInputs.Mail m : mails) assertThat(PARSER.parse(m.bytes())).isNotNull();
    for (String tiny : List.of("size-0", "size-1", "size-2")) {
      List<MailInputs.Mail> t = new ArrayList<>();
      MailInputs.read(
          corpus.resolve("mailbox/" + tiny), t::add, (p, m) -> errors.add(p + ": " + m));
      for (MailInputs.Mail m : t)
        assertThat(PARSER.parse(m.bytes()).kind()).isEqualTo(BounceReport.Kind.NOT_A_BOUNCE);
    }
    assertThat(errors).isEmpty();
  }

  private static List<String> addresses(BounceReport r) {
    return r.recipients().stream().map(BouncedRecipient::recipient).toList();
  }
}
