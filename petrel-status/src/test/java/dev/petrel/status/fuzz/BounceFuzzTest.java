package dev.petrel.status.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.petrel.status.StatusEngine;
import dev.petrel.status.bounce.BounceParser;

/**
 * Fuzzes the bounce-mail parser with arbitrary bytes: it must return a report, never throw. In the
 * normal test run this replays the inputs under {@code BounceFuzzTestInputs/} (regression mode);
 * with {@code JAZZER_FUZZ=1} it fuzzes.
 */
class BounceFuzzTest {

  private static BounceParser parser;

  private static BounceParser parser() {
    if (parser == null) parser = new BounceParser(StatusEngine.standard());
    return parser;
  }

  @FuzzTest(maxDuration = "2m")
  void parseNeverThrows(byte[] mail) {
    assertThat(parser().parse(mail)).isNotNull();
  }
}
