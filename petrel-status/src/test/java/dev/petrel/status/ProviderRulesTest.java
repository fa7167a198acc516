package dev.petrel.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.status.data.DataFile;
import dev.petrel.status.data.DataFile.Block;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the provider rule file against replies taken from the providers' own documentation ({@code
 * provider-replies.tsv}), and checks that every rule in the file is complete and valid.
 */
class ProviderRulesTest {

  private static final String RULES = "/dev/petrel/status/rules-providers.txt";
  private static final String CASES = "/dev/petrel/status/provider-replies.tsv";
  private static final String MTA_CASES = "/dev/petrel/status/mta-replies.tsv";

  /** One line of the case table. */
  record Case(
      int line,
      String reply,
      String host,
      Reason reason,
      Bounce bounce,
      Action action,
      String source) {

    @Override
    public String toString() {
      String r = reply.length() > 90 ? reply.substring(0, 90) + "..." : reply;
      return "line " + line + ": " + r;
    }
  }

  static List<Case> cases() {
    return cases(CASES);
  }

  /** Reads a case table of this shape (also used for {@code mta-replies.tsv}). */
  static List<Case> cases(String resource) {
    final String CASES = resource;
    List<Case> out = new ArrayList<>();
    try (InputStream in = ProviderRulesTest.class.getResourceAsStream(CASES)) {
      assertThat(in).as("test resource %s", CASES).isNotNull();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || line.startsWith("#")) continue;
        String[] f = line.split("\t", -1);
        if (f.length != 6)
          throw new IllegalArgumentException(
              CASES + ":" + n + ": expected 6 columns, got " + f.length);
        out.add(
            new Case(
                n,
                f[0].replace("\\n", "\n"),
                f[1].isBlank() ? null : f[1].strip(),
                Reason.of(f[2]),
                Bounce.of(f[3]),
                Action.of(f[4]),
                f[5]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static Stream<Arguments> replies() {
    return cases().stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replies")
  void classifiesDocumentedReply(Case c) {
    ReplyStatus s =
        StatusEngine.standard()
            .classify(c.reply(), new ReplyContext(Phase.UNKNOWN, c.host(), null));
    String why = "matched " + s.matched() + ", source of case: " + c.source();
    assertThat(s.reason()).as("reason (%s)", why).isEqualTo(c.reason());
    assertThat(s.bounce()).as("bounce (%s)", why).isEqualTo(c.bounce());
    assertThat(s.action()).as("action (%s)", why).isEqualTo(c.action());
  }

  @Test
  void caseTableIsLargeAndCitesItsSources() {
    List<Case> all = cases();
    assertThat(all).hasSizeGreaterThanOrEqualTo(80);
    for (Case c : all) {
      assertThat(c.source()).as("source of %s", c).matches("https?://\\S+");
    }
  }

  @Test
  void everyRuleIsCompleteAndValid() {
    List<Block> blocks = DataFile.resource(ProviderRulesTest.class, RULES);
    assertThat(blocks).isNotEmpty();
    Set<String> ids = new HashSet<>();
    for (Block b : blocks) {
      String where = b.source() + ":" + b.line();
      for (String key : List.of("id", "provider", "text", "reason", "source")) {
        assertThat(b.get(key)).as("%s: key '%s'", where, key).isNotBlank();
      }
      String id = b.get("id");
      assertThat(id).as("%s: id", where).matches("[a-z0-9]+(-[a-z0-9]+)*");
      assertThat(ids.add(id)).as("%s: id '%s' is unique", where, id).isTrue();
      // Each enum-valued key must parse; these throw on an unknown value.
      Reason.of(b.get("reason"));
      if (b.get("bounce") != null) Bounce.of(b.get("bounce"));
      if (b.get("action") != null) Action.of(b.get("action"));
      if (b.get("who") != null) Who.of(b.get("who"));
      if (b.get("phase") != null)
        assertThat(Phase.of(b.get("phase"))).as("%s: phase", where).isNotEqualTo(Phase.UNKNOWN);
      for (String key : List.of("text", "and", "not")) {
        for (String set : b.all(key)) {
          for (String phrase : set.split("\\|")) {
            String p = phrase.strip();
            assertThat(p).as("%s: phrase in '%s'", where, key).hasSizeGreaterThanOrEqualTo(3);
            assertThat(p)
                .as("%s: phrases are written in lower case", where)
                .isEqualTo(p.toLowerCase());
          }
        }
      }
      assertThat(b.get("source")).as("%s: source", where).matches("https?://\\S+");
    }
  }

  @Test
  void everyRuleIsExercisedByTheCaseTable() {
    Set<String> unused = new TreeSet<>();
    for (Block b : DataFile.resource(ProviderRulesTest.class, RULES)) unused.add(b.get("id"));
    List<Case> all = new ArrayList<>(cases());
    all.addAll(cases(MTA_CASES));
    for (Case c : all) {
      ReplyStatus s =
          StatusEngine.standard()
              .classify(c.reply(), new ReplyContext(Phase.UNKNOWN, c.host(), null));
      if ("provider-rule".equals(s.matched().kind())) unused.remove(s.matched().id());
    }
    assertThat(unused).as("provider rules no case in %s or %s reaches", CASES, MTA_CASES).isEmpty();
  }
}
