package dev.petrel.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolReplyTest {

  private static String wire(Reply r) {
    return new String(r.toBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void formatsOneLineAndMultiLineRepliesWithTheEnhancedCodeOnEveryLine() {
    assertThat(wire(Reply.of(250, "2.1.0", "Sender ok"))).isEqualTo("250 2.1.0 Sender ok\r\n");
    assertThat(wire(new Reply(214, "2.0.0", List.of("one", "two", "three"))))
        .isEqualTo("214-2.0.0 one\r\n214-2.0.0 two\r\n214 2.0.0 three\r\n");
    assertThat(wire(new Reply(250, null, List.of("mx.example Hello", "PIPELINING", "DSN"))))
        .isEqualTo("250-mx.example Hello\r\n250-PIPELINING\r\n250 DSN\r\n");
    assertThat(wire(Reply.of(334, null, ""))).isEqualTo("334 \r\n");
    assertThat(wire(Reply.of(550, "5.1.1", "Unknown user j\u00f6rg")))
        .isEqualTo("550 5.1.1 Unknown user j\u00f6rg\r\n");
  }

  @Test
  void refusesMalformedReplies() {
    assertThatThrownBy(() -> Reply.of(199, "2.0.0", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Reply.of(250, "5.0.0", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Reply.of(250, "2.0", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Reply.of(550, null, "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Reply.of(250, "2.0.0", "a\r\nb"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Reply(250, "2.0.0", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
