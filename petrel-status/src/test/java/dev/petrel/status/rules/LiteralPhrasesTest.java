package dev.petrel.status.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LiteralPhrasesTest {

  static final List<String> PHRASES =
      List.of("after data", "in reply to data", "(data)", "data", "rcpt to", ">>> ");

  static List<String> found(String text) {
    long[] set = new LiteralPhrases(PHRASES).find(text);
    return IntStream.range(0, PHRASES.size())
        .filter(i -> LiteralPhrases.has(set, i))
        .mapToObj(PHRASES::get)
        .toList();
  }

  @Test
  void findsEveryPhraseThatOccursIncludingOverlaps() {
    assertThat(found("550 rejected (in reply to data command)"))
        .containsExactlyInAnyOrder("in reply to data", "data");
    assertThat(found("x (data) y")).containsExactlyInAnyOrder("(data)", "data");
    assertThat(found("<<< 550\n>>> rcpt to:<a@b>")).containsExactlyInAnyOrder(">>> ", "rcpt to");
  }

  @Test
  void comparesCharacterForCharacter() {
    // no case folding and no white-space collapsing, unlike the rules' matcher
    assertThat(found("AFTER DATA")).isEmpty();
    assertThat(found("after  data")).containsExactly("data");
    assertThat(found("rcpt\tto")).isEmpty();
  }

  @Test
  void ignoringCaseFoldsCaseButNotWhiteSpace() {
    LiteralPhrases cues = new LiteralPhrases(PHRASES, true);
    long[] set = cues.find("550 Rejected (In Reply To DATA command)");
    assertThat(LiteralPhrases.has(set, PHRASES.indexOf("in reply to data"))).isTrue();
    assertThat(LiteralPhrases.has(set, PHRASES.indexOf("data"))).isTrue();
    long[] spaced = cues.find("AFTER  DATA");
    assertThat(LiteralPhrases.has(spaced, PHRASES.indexOf("after data"))).isFalse();
    assertThat(LiteralPhrases.has(spaced, PHRASES.indexOf("data"))).isTrue();
    assertThatThrownBy(() -> new LiteralPhrases(List.of("After DATA"), true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void agreesWithContainsOnEveryPrefixOfAText() {
    String text = "host mx said: 550 (in reply to data) after data >>> rcpt to (data)";
    for (int end = 0; end <= text.length(); end++) {
      String t = text.substring(0, end);
      assertThat(found(t)).as(t).isEqualTo(PHRASES.stream().filter(t::contains).toList());
    }
  }

  @Test
  void refusesAnEmptyPhrase() {
    assertThatThrownBy(() -> new LiteralPhrases(List.of("data", "")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
