package dev.petrel.deliver.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DirectiveTest {

  static Directive of(String s) {
    return Directive.of(s, Duration.ofSeconds(3));
  }

  @Test
  void phaseDirectives() {
    assertThat(of("rcpt-550-5.1.1"))
        .isEqualTo(new Directive(Directive.Kind.RCPT, new SimReply(550, "5.1.1"), null));
    assertThat(of("RCPT-452"))
        .isEqualTo(new Directive(Directive.Kind.RCPT, new SimReply(452, null), null));
    assertThat(of("data-552-5.3.4+17").kind()).isEqualTo(Directive.Kind.DATA);
    assertThat(of("datacmd-554-5.5.1").kind()).isEqualTo(Directive.Kind.DATA_COMMAND);
    assertThat(of("mail-553-5.1.8").kind()).isEqualTo(Directive.Kind.MAIL);
    assertThat(of("rate-421").reply()).isEqualTo(new SimReply(421, null));
    assertThat(of("\"rcpt-550\"").kind()).isEqualTo(Directive.Kind.RCPT);
  }

  @Test
  void namedBehaviours() {
    assertThat(of("greylist").kind()).isEqualTo(Directive.Kind.GREYLIST);
    assertThat(of("Disconnect").kind()).isEqualTo(Directive.Kind.DISCONNECT);
    assertThat(of("disconnect-after-data").kind()).isEqualTo(Directive.Kind.DISCONNECT_AFTER_DATA);
    assertThat(of("timeout-after-data+x").kind()).isEqualTo(Directive.Kind.TIMEOUT_AFTER_DATA);
    assertThat(of("slow").delay()).isEqualTo(Duration.ofSeconds(3));
    assertThat(of("slow-7").delay()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void anythingElseIsAnOrdinaryMailbox() {
    for (String s :
        new String[] {
          "ok",
          "alice",
          "rcpt-99",
          "rcpt-650",
          "rcpt-550-9.1.1",
          "slow-x",
          "slow-99999",
          "foo-550",
          "rcpt-",
          "-550"
        }) {
      assertThat(of(s).kind()).as(s).isEqualTo(Directive.Kind.OK);
    }
  }
}
