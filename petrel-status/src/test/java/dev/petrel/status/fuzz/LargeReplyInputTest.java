package dev.petrel.status.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.petrel.status.ReplyStatus;
import dev.petrel.status.StatusEngine;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Replies of megabytes must be handled in bounded time. The time bound is only a guard against a
 * hang or a quadratic blow-up, far above what any of these takes; speed is measured in
 * petrel-bench.
 */
class LargeReplyInputTest {

  private static final Duration HANG_GUARD = Duration.ofSeconds(20);
  private static final int SIZE = 5 * 1024 * 1024;

  private static ReplyStatus classify(String input) {
    return assertTimeoutPreemptively(HANG_GUARD, () -> StatusEngine.standard().classify(input));
  }

  private static String repeat(String unit) {
    return unit.repeat(SIZE / unit.length() + 1);
  }

  @Test
  void fiveMegabytesOnOneLine() {
    ReplyStatus s = classify("550 5.1.1 " + repeat("user unknown mailbox full blocked "));
    assertThat(s.code()).isEqualTo(550);
  }

  @Test
  void fiveMegabytesOfContinuationLines() {
    ReplyStatus s = classify(repeat("550-5.7.1 Message rejected because of policy\r\n"));
    assertThat(s.code()).isEqualTo(550);
  }

  @Test
  void fiveMegabytesOfBareNewlines() {
    assertThat(classify(repeat("\n")).code()).isZero();
    assertThat(classify(repeat("\r")).code()).isZero();
  }

  @Test
  void fiveMegabytesOfFlattenedPrefixes() {
    // Postfix's one-line form, with the prefix repeated for every part.
    ReplyStatus s = classify("host mx.example.org said: " + repeat("550-5.7.26 part "));
    assertThat(s).isNotNull();
  }

  @Test
  void fiveMegabytesOfAlmostCodes() {
    // Many places where a code or an enhanced code nearly starts: digits, dots, lead-ins.
    assertThat(classify(repeat("5.5.5.5 ")).reply()).isNotNull();
    assertThat(classify(repeat("said 55")).reply()).isNotNull();
    assertThat(classify(repeat("x550 ")).reply()).isNotNull();
    assertThat(classify(repeat("(#5.1.")).reply()).isNotNull();
    assertThat(classify(repeat("after in reply to host a")).reply()).isNotNull();
    assertThat(classify(repeat("try again in 9")).reply()).isNotNull();
  }

  @Test
  void fiveMegabytesOfDsnTypePrefixes() {
    assertThat(classify(repeat("smtp; ")).reply()).isNotNull();
  }

  @Test
  void fiveMegabytesOfNonLatinText() {
    ReplyStatus s =
        classify(
            "554 "
                + repeat(
                    "\u0414\u043e\u0441\u0442\u0430\u0432\u043a\u0430 \u3000\u00a0\ud83d\udce7"));
    assertThat(s.code()).isEqualTo(554);
  }
}
