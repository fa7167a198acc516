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
 * The regression set: Sisimai's bounce-mail corpus (corpus/sisimai in this repository) and the
 * reasons Sisimai's own tests expect (expected.tsv). Skipped when the corpus is absent, unless
 * PETREL_REQUIRE_PEERS=1.
 */
class SisimaiCorpusTest {

  /**
   * The agreement reached by the current rules (percent): 637 of 666 rows (95.65). Each of the 29
   * rows that disagree is {@link #KNOWN}: its label does not fit our reason definitions
   * (docs/classification.md).
   */
  private static final String FLOOR = "95.6";

  /**
   * Rows where we keep our reason against Sisimai's label, each with the reason for it: file#index
   * to {Sisimai's label, ours, why}. The test checks that each still gives the reason listed, so
   * the list stays true.
   */
  private static final Map<String, String[]> KNOWN =
      Map.ofEntries(
          known(
              "lhost-activehunter-02.eml#1",
              "filtered",
              "userunknown",
              "Postfix 'User unknown in local recipient table': a lookup of the address, dead"),
          known(
              "lhost-apachejames-01.eml#1",
              "filtered",
              "userunknown",
              "James 'no such user here': explicit non-existence"),
          known(
              "rfc3464-42.eml#1",
              "filtered",
              "userunknown",
              "Gmail 'The email account that you tried to reach does not exist'"),
          known(
              "rfc3464-66.eml#1",
              "filtered",
              "userunknown",
              "Gmail 'The email account that you tried to reach does not exist'"),
          known(
              "lhost-exim-30.eml#1",
              "userunknown",
              "filtered",
              "Postfix access(5) REJECT 'Access denied': an administrative block, no evidence"),
          known(
              "lhost-trendmicro-03.eml#1",
              "userunknown",
              "onhold",
              "InterScan 'Mail could not be delivered' names no cause"),
          known(
              "lhost-zoho-03.eml#1",
              "filtered",
              "userunknown",
              "'Invalid Address ... mailbox unavailable' refuses the address without a cause or a"
                  + " phase: userunknown but soft, as Sisimai reads lhost-trendmicro-02"),
          known(
              "lhost-domino-02.eml#1",
              "onhold",
              "userunknown",
              "Domino's 'not found in the Domino Directory' (Japanese) is a directory lookup"),
          known(
              "rfc3464-01.eml#1",
              "mailboxfull",
              "userunknown",
              "'550 5.1.1 ... User Unknown': code and words both say the address is unknown"),
          known(
              "lhost-qmail-25.eml#1",
              "userunknown",
              "mailboxfull",
              "'552 5.2.2 ... Mailbox full' for the first recipient; Sisimai reports only the"
                  + " second (X-Bounced-Address), whose 550 5.1.1 we read as userunknown too"),
          known(
              "lhost-sendmail-13.eml#1",
              "systemerror",
              "mailboxfull",
              "the transcript says 'maildrop: maildir over quota'"),
          known(
              "lhost-exim-37.eml#1",
              "hostunknown",
              "rejected",
              "'553 <domain> does not exist' after DATA names the SENDER's domain (Return-path)"),
          known(
              "lhost-exim-46.eml#1",
              "blocked",
              "requireptr",
              "'Missing reverse DNS for <ip>' is the PTR requirement"),
          known(
              "lhost-exim-58.eml#1",
              "emailtoolarge",
              "notcompliantrfc",
              "'Line limit exceeded' is RFC 5322's line length, not the message size"),
          known(
              "lhost-sendmail-21.eml#1",
              "blocked",
              "expired",
              "'Connection refused ... could not be delivered for 8 hours': the retry period ran"
                  + " out"),
          known(
              "lhost-qmail-07.eml#1",
              "networkerror",
              "expired",
              "qmail gave up after its queue lifetime (Sisimai labels the same text expired in"
                  + " lhost-x2-06)"),
          known(
              "lhost-v5sendmail-05.eml#1",
              "blocked",
              "filtered",
              "the remote refused the message after DATA ('You cannot send E-Mail to yourself');"
                  + " the 'Host unknown' below it is another recipient's"),
          known(
              "lhost-postfix-74.eml#1",
              "rejected",
              "badreputation",
              "Yahoo documents TSS04 as volume or complaints: reputation"),
          known(
              "rhost-yahooinc-02.eml#1",
              "rejected",
              "badreputation",
              "Yahoo documents TSS04 as volume or complaints: reputation"),
          known(
              "lhost-dragonfly-18.eml#1",
              "securityerror",
              "policyviolation",
              "'Policy violation' says policy, nothing about logins or encryption"),
          known(
              "lhost-postfix-41.eml#1",
              "policyviolation",
              "syntaxerror",
              "'550 Protocol violation' names a breach of the protocol (RFC 3463 X.5), not a policy"),
          known("rhost-zoho-03.eml#1", "rejected", "spamdetected", "'Email flagged as Spam'"),
          known(
              "rhost-mimecast-02.eml#1",
              "virusdetected",
              "spamdetected",
              "Mimecast's MCSpamSignature is a spam signature, not a virus"),
          known(
              "rhost-messagelabs-02.eml#1",
              "userunknown",
              "filtered",
              "'550 <address>... No such user' with no phase and no address status: the same text"
                  + " is Sisimai's filtered in lhost-mcafee-04 and lhost-surfcontrol-01"),
          known(
              "lhost-amazonses-01.eml#1",
              "securityerror",
              "rejected",
              "'<bounce address>... Access denied' refuses the envelope sender (sendmail's access"
                  + " map), no login; Sisimai itself reads it rejected in lhost-qmail-03"),
          known(
              "lhost-gmail-05.eml#1",
              "securityerror",
              "rejected",
              "'<sender>... Access denied' refuses the envelope sender (sendmail's access map), no"
                  + " login; Sisimai itself reads it rejected in lhost-qmail-03"),
          known(
              "lhost-gmail-03.eml#1",
              "filtered",
              "policyviolation",
              "'554 5.7.0 Header error' is Sisimai's policyviolation in lhost-exim-03 and"
                  + " lhost-sendmail-09; Gmail's '(state 18)' alone makes it filtered"),
          known(
              "rhost-aol-06.eml#1",
              "notaccept",
              "networkerror",
              "Postfix's 'Malformed or unexpected name server reply' (any unusable DNS answer) is"
                  + " Sisimai's networkerror in lhost-postfix-17; only its AOL table says notaccept"),
          known(
              "rhost-zoho-04.eml#1",
              "rejected",
              "filtered",
              "Zoho's 'Mail rejected by destination domain' is the receiving domain's filter"
                  + " (smtp.codes), not a refusal of the sender address"));

  private static Map.Entry<String, String[]> known(
      String row, String sisimai, String ours, String why) {
    return Map.entry("maildir/bsd/" + row, new String[] {sisimai, ours, why});
  }

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
    candidates.add("../corpus"); // the repository's own copy, from the module's folder
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
    int keptOurs = 0;
    List<String> knownChanged = new ArrayList<>();
    for (String[] row : EXPECTED) {
      String[] k = KNOWN.get(row[0] + "#" + row[5]);
      if (k == null) continue;
      BounceReport r = BSD.get(row[0]);
      String got = r.recipients().get(Integer.parseInt(row[5]) - 1).classification().reason().id();
      if (got.equals(k[1]) && row[1].equals(k[0])) keptOurs++;
      else knownChanged.add(row[0] + ": listed " + k[0] + " -> " + k[1] + ", now " + got);
    }
    System.out.printf(
        "known disagreements (our definitions differ from Sisimai's label): %d; with them, %d of %d"
            + "%n",
        keptOurs, agree + keptOurs, EXPECTED.size());
    assertThat(knownChanged).as("known disagreements that changed: update KNOWN").isEmpty();
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/sisimai-agreement.tsv"), report.toString());
    double rate = 100.0 * agree / EXPECTED.size();
    System.out.printf("reason agreement: %d of %d rows = %.1f %%%n", agree, EXPECTED.size(), rate);
    byPair.entrySet().stream()
        .sorted((a, b) -> b.getValue().size() - a.getValue().size())
        .forEach(
            e ->
                System.out.println(
                    "  "
                        + e.getValue().size()
                        + "  "
                        + e.getKey()
                        + "  "
                        + e.getValue().stream()
                            .map(f -> KNOWN.containsKey(f) ? f + " (known)" : f)
                            .toList()));
    // The floor is what the parser and rules reach today, so that a change that loses agreement
    // fails the build; raise it as the rules improve.
    double floor = Double.parseDouble(System.getProperty("petrel.sisimai.minAgreement", FLOOR));
    System.out.printf("floor %.1f %%%n", floor);
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
