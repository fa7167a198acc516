package dev.petrel.status.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.petrel.status.Bounce;
import dev.petrel.status.Phase;
import dev.petrel.status.ReplyContext;
import dev.petrel.status.ReplyStatus;
import dev.petrel.status.SmtpReply;
import dev.petrel.status.StatusEngine;
import dev.petrel.status.reply.ReplyParser;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the reply parser and the classification with arbitrary text. In the normal test run this
 * replays the inputs under {@code ReplyFuzzTestInputs/} (regression mode); with {@code
 * JAZZER_FUZZ=1} it fuzzes. The input bytes are read twice: as UTF-8 (what logs and DSNs carry) and
 * as raw UTF-16 code units, so that any char, lone surrogates included, can reach the parser.
 */
class ReplyFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void classifyNeverThrows(byte[] data) {
    check(new String(data, StandardCharsets.UTF_8));
    check(utf16Units(data));
  }

  private static void check(String input) {
    StatusEngine engine = StatusEngine.standard();
    SmtpReply parsed = ReplyParser.parse(input);
    assertThat(parsed).isNotNull();
    assertThat(parsed.lines()).isNotEmpty();
    assertThat(engine.parse(input)).isNotNull();

    checkStatus(engine.classify(input));
    checkStatus(
        engine.classify(input, new ReplyContext(Phase.RCPT, "mx.example.org", "example.org")));
    checkStatus(engine.classify(parsed, ReplyContext.NONE));
  }

  /** What every status must satisfy, as documented on the engine and the value types. */
  private static void checkStatus(ReplyStatus s) {
    assertThat(s).isNotNull();
    assertThat(s.reply()).isNotNull();
    assertThat(s.bounce()).isNotNull();
    assertThat(s.reason()).isNotNull();
    assertThat(s.action()).isNotNull();
    assertThat(s.who()).isNotNull();
    assertThat(s.matched()).isNotNull();
    assertThat(s.confidence()).isBetween(0.0, 1.0);
    if (s.reply().klass() == 4) assertThat(s.bounce()).isNotEqualTo(Bounce.HARD);
  }

  private static String utf16Units(byte[] data) {
    char[] chars = new char[data.length / 2];
    for (int i = 0; i < chars.length; i++)
      chars[i] = (char) ((data[2 * i] & 0xff) << 8 | (data[2 * i + 1] & 0xff));
    return new String(chars);
  }
}
