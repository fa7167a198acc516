package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

  @Test
  void readsTheKeywords() {
    Capabilities c =
        Capabilities.parse(
            List.of(
                "250-mx.example.net Hello",
                "250-pipelining",
                "250-SIZE 10240000",
                "250-8BITMIME",
                "250-SMTPUTF8",
                "250-STARTTLS",
                "250-CHUNKING",
                "250-DSN",
                "250-AUTH PLAIN LOGIN",
                "250 ENHANCEDSTATUSCODES"));
    assertThat(c)
        .isEqualTo(
            new Capabilities(true, true, true, 10_240_000, true, true, true, true, true, true));
  }

  @Test
  void sizeWithoutLimitAndNothingElse() {
    Capabilities c = Capabilities.parse(List.of("250-mx", "250 SIZE"));
    assertThat(c.sizeOffered()).isTrue();
    assertThat(c.size()).isZero();
    assertThat(c.pipelining()).isFalse();
    assertThat(Capabilities.parse(List.of("250-mx", "250 SIZE lots")).size()).isZero();
  }

  @Test
  void theGreetingLineIsNoKeyword() {
    assertThat(Capabilities.parse(List.of("250 PIPELINING")).pipelining()).isFalse();
  }
}
