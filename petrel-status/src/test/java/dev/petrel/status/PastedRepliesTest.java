package dev.petrel.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replies that people pasted into public threads ({@code pasted-replies.tsv}), each with its URL
 * and a label given by hand from the definitions in docs/classification.md: a sample of the same
 * kind of text as the evaluation set, drawn apart from it, that guards the rules written from it.
 */
class PastedRepliesTest {

  private static final String CASES = "/dev/petrel/status/pasted-replies.tsv";

  record Case(
      String reply, String host, String reason, Bounce bounce, String source, String known) {
    @Override
    public String toString() {
      String one = reply.replace("\n", " | ");
      return one.length() > 110 ? one.substring(0, 110) + "..." : one;
    }
  }

  static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                PastedRepliesTest.class.getResourceAsStream(CASES), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) continue;
        String[] f = line.split("\t", -1);
        assertThat(f.length).as(line).isBetween(5, 6);
        out.add(
            new Case(
                f[0].replace("\\n", "\n"),
                f[1].equals("-") ? null : f[1],
                f[2],
                Bounce.valueOf(f[3].toUpperCase(java.util.Locale.ROOT)),
                f[4],
                f.length > 5 ? f[5] : ""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static Stream<Arguments> replies() {
    return cases().stream().map(Arguments::of);
  }

  private static ReplyStatus classify(Case c) {
    return StatusEngine.standard()
        .classify(c.reply(), new ReplyContext(Phase.UNKNOWN, c.host(), null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replies")
  void classifiesPastedReply(Case c) {
    ReplyStatus s = classify(c);
    if (!c.known().isEmpty()) {
      boolean agrees = s.reason().id().equals(c.reason()) && s.bounce() == c.bounce();
      assertThat(agrees)
          .as("a KNOWN row the engine now gets right: drop its note (%s)", c)
          .isFalse();
      return;
    }
    String why = "matched " + s.matched() + ", source of case: " + c.source();
    assertThat(s.reason().id()).as("reason (%s)", why).isEqualTo(c.reason());
    assertThat(s.bounce()).as("bounce (%s)", why).isEqualTo(c.bounce());
  }

  @Test
  void sampleIsLargeAndEveryCaseCitesItsSource() {
    List<Case> all = cases();
    assertThat(all).hasSizeGreaterThanOrEqualTo(80);
    for (Case c : all) {
      assertThat(c.source()).as("source of %s", c).matches("https?://\\S+");
      assertThat(c.known()).as("known of %s", c).matches("|KNOWN .+");
    }
  }

  /** Prints the sample's figures (hard/soft, reason, false hard) with -Dpetrel.eval.rows=true. */
  @Test
  void figures() {
    List<Case> all = cases();
    int bounce = 0, reason = 0, falseHard = 0;
    for (Case c : all) {
      ReplyStatus s = classify(c);
      if (s.bounce() == c.bounce()) bounce++;
      if (s.reason().id().equals(c.reason())) reason++;
      if (s.bounce() == Bounce.HARD && c.bounce() != Bounce.HARD) falseHard++;
      if (Boolean.getBoolean("petrel.eval.rows")
          && (s.bounce() != c.bounce() || !s.reason().id().equals(c.reason())))
        System.out.printf(
            "PASTED-MISS want %s/%s got %s/%s (%s) %s%n",
            c.reason(), c.bounce().id(), s.reason().id(), s.bounce().id(), s.matched(), c);
    }
    if (Boolean.getBoolean("petrel.eval.rows"))
      System.out.printf(
          "PASTED n=%d hard/soft %.1f %% reason %.1f %% false hard %d%n",
          all.size(), 100.0 * bounce / all.size(), 100.0 * reason / all.size(), falseHard);
  }
}
