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
      String reply,
      String host,
      String reason,
      Bounce bounce,
      String source,
      String known,
      String block) {
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
      String block = "first sample";
      while ((line = r.readLine()) != null) {
        // "## name" starts a new block of the sample (a later, separately collected batch)
        if (line.startsWith("## ")) {
          block = line.substring(3).split(",")[0].trim();
          continue;
        }
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
                f.length > 5 ? f[5] : "",
                block));
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

  /**
   * Prints the sample's figures (hard/soft, reason, false hard), for the whole sample and for each
   * block of it; with -Dpetrel.pasted.rows=true also each row the engine reads differently (the
   * pasted sample only, never the evaluation set's rows).
   */
  @Test
  void figures() {
    List<Case> all = cases();
    java.util.Map<String, int[]> blocks = new java.util.LinkedHashMap<>();
    for (Case c : all) {
      ReplyStatus s = classify(c);
      boolean bounce = s.bounce() == c.bounce();
      boolean reason = s.reason().id().equals(c.reason());
      boolean falseHard = s.bounce() == Bounce.HARD && c.bounce() != Bounce.HARD;
      for (String key : List.of("all", c.block())) {
        int[] f = blocks.computeIfAbsent(key, k -> new int[4]);
        f[0]++;
        if (bounce) f[1]++;
        if (reason) f[2]++;
        if (falseHard) f[3]++;
      }
      if (Boolean.getBoolean("petrel.pasted.rows") && (!bounce || !reason))
        System.out.printf(
            "PASTED-MISS [%s] want %s/%s got %s/%s (%s) %s%n",
            c.block(),
            c.reason(),
            c.bounce().id(),
            s.reason().id(),
            s.bounce().id(),
            s.matched(),
            c);
    }
    blocks.forEach(
        (name, f) ->
            System.out.printf(
                "PASTED %s: n=%d hard/soft %.1f %% reason %.1f %% false hard %d%n",
                name, f[0], 100.0 * f[1] / f[0], 100.0 * f[2] / f[0], f[3]));
  }
}
