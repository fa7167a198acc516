package dev.petrel.status.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The matcher reads raw text and folds case and white space in its transitions; whatever the text,
 * it must find exactly the phrases that {@code contains} finds in the normalised text.
 */
class PhraseMatcherAgreementTest {

  static final List<String> PHRASES =
      List.of(
          "user unknown",
          "unknown user",
          "no such user",
          "user",
          "such user here",
          "try again",
          "again later",
          "a a",
          "a a a",
          "über quota",
          "5.1.1 user");

  @Test
  void findsWhatContainsFindsInTheNormalisedText() {
    PhraseMatcher m = new PhraseMatcher(PHRASES);
    // pieces that build phrases, break them, and put runs of every kind of white space in them
    String[] pieces = {
      "user", "USER", "unknown", "Unknown", "no", "such", "here", "try", "again", "later", "a", "A",
      "über", "ÜBER", "quota", "5.1.1", " ", "  ", "\t", "\r\n", "\u00a0", "\u3000", "-", "x", "☃"
    };
    Random random = new Random(20261129);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder sb = new StringBuilder();
      int parts = random.nextInt(14);
      for (int k = 0; k < parts; k++) sb.append(pieces[random.nextInt(pieces.length)]);
      String text = sb.toString();
      String norm = TextNormalizer.normalize(text);
      long[] found = m.match(text);
      List<String> got =
          IntStream.range(0, PHRASES.size())
              .filter(i -> PhraseMatcher.has(found, i))
              .mapToObj(PHRASES::get)
              .toList();
      assertThat(got).as(text).isEqualTo(PHRASES.stream().filter(norm::contains).toList());
    }
  }
}
