package dev.petrel.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real replies of mail transfer agents and receiving servers that people pasted in public threads
 * and documentation ({@code mta-replies.tsv}), each with its URL: the replies the MTA rules and the
 * engine's hard-bounce evidence were written from. Same columns as {@code provider-replies.tsv}.
 */
class MtaRepliesTest {

  private static final String CASES = "/dev/petrel/status/mta-replies.tsv";

  static Stream<Arguments> replies() {
    return ProviderRulesTest.cases(CASES).stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replies")
  void classifiesPublishedReply(ProviderRulesTest.Case c) {
    ReplyStatus s =
        StatusEngine.standard()
            .classify(c.reply(), new ReplyContext(Phase.UNKNOWN, c.host(), null));
    String why = "matched " + s.matched() + ", source of case: " + c.source();
    assertThat(s.reason()).as("reason (%s)", why).isEqualTo(c.reason());
    assertThat(s.bounce()).as("bounce (%s)", why).isEqualTo(c.bounce());
    assertThat(s.action()).as("action (%s)", why).isEqualTo(c.action());
    // A hard verdict always rests on a rule's words or a dead-address enhanced code.
    if (s.bounce() == Bounce.HARD)
      assertThat(s.matched().kind()).as(why).isIn("provider-rule", "mta-rule", "enhanced-code");
  }

  @Test
  void everyCaseCitesItsSource() {
    List<ProviderRulesTest.Case> all = ProviderRulesTest.cases(CASES);
    assertThat(all).hasSizeGreaterThanOrEqualTo(8);
    for (ProviderRulesTest.Case c : all)
      assertThat(c.source()).as("source of %s", c).matches("https?://\\S+");
  }
}
