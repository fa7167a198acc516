package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.model.EmailAddress;
import dev.petrel.model.Recipient;
import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the server's EHLO reply rules out is refused before anything is sent: a message larger than
 * SIZE (RFC 1870), one needing SMTPUTF8 (RFC 6531) or 8BITMIME (RFC 6152) the server lacks.
 */
@Timeout(60)
class RefusalsBeforeSendingTest {

  static DeliveryJob job(String rcpt, byte[] body, boolean utf8, boolean eightBit) {
    return new DeliveryJob(
        "r",
        EmailAddress.parse("sender@example.com"),
        List.of(Recipient.of(EmailAddress.parse(rcpt))),
        body.length,
        () -> new ByteArrayInputStream(body),
        utf8,
        eightBit,
        null,
        null);
  }

  static void assertNothingSent(SimFixture f) {
    assertThat(f.sim.commands()).noneMatch(c -> c.contains("MAIL FROM"));
    assertThat(f.sim.received()).isEmpty();
  }

  @Test
  void messageOverTheServersSizeIsRefusedWithoutSending() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS.withMaxSize(1000))) {
      RecipientResult r =
          f.send(job("ok@sim.test", new byte[5000], false, false)).recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
      Attempt a = r.attempt();
      assertThat(a.reply().code()).isEqualTo(552);
      assertThat(a.reply().enhanced()).hasToString("5.3.4");
      assertThat(a.remote()).isFalse();
      assertThat(a.phase()).isEqualTo(Phase.MAIL);
      assertThat(a.mxHost()).isEqualTo("127.0.0.1");
      assertThat(a.classification().reason()).isEqualTo(Reason.EMAILTOOLARGE);
      assertThat(a.reply().text()).contains("5000").contains("1000");
      assertNothingSent(f);
    }
  }

  @Test
  void messageWithinTheSizeCarriesItsSize() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS.withMaxSize(100_000))) {
      byte[] body = SimFixture.message("small\r\n");
      assertThat(f.send(job("ok@sim.test", body, false, false)).allDelivered()).isTrue();
      assertThat(f.sim.received().getFirst().mailParameters()).isEqualTo("SIZE=" + body.length);
    }
  }

  @Test
  void utf8AddressToAServerWithoutSmtputf8() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withExtensions(true, true, true, false, false, true))) {
      RecipientResult r =
          f.send(job("δοκιμή@sim.test", SimFixture.message("x\r\n"), false, false))
              .recipients()
              .getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(r.attempt().reply().code()).isEqualTo(553);
      assertThat(r.attempt().reply().enhanced()).hasToString("5.6.7");
      assertThat(r.attempt().remote()).isFalse();
      assertThat(r.attempt().classification().reason()).isEqualTo(Reason.CONTENTERROR);
      assertNothingSent(f);
    }
  }

  @Test
  void utf8HeaderToAServerWithoutSmtputf8() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withExtensions(true, true, true, false, false, true))) {
      byte[] body = "Subject: Grüße\r\n\r\nhi\r\n".getBytes(StandardCharsets.UTF_8);
      RecipientResult r = f.send(job("ok@sim.test", body, true, true)).recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(r.attempt().reply().code()).isEqualTo(550);
      assertThat(r.attempt().reply().enhanced()).hasToString("5.6.9");
      assertNothingSent(f);
    }
  }

  @Test
  void utf8MailGoesWithSmtputf8WhenOffered() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      byte[] body = "Subject: Grüße\r\n\r\nhi\r\n".getBytes(StandardCharsets.UTF_8);
      assertThat(f.send(job("δοκιμή@sim.test", body, false, true)).allDelivered()).isTrue();
      assertThat(f.sim.received().getFirst().recipients()).containsExactly("δοκιμή@sim.test");
      assertThat(f.sim.received().getFirst().mailParameters()).contains("SMTPUTF8");
      assertThat(f.sim.received().getFirst().text()).contains("Grüße");
    }
  }

  @Test
  void eightBitDataToAServerWithout8bitmime() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withExtensions(true, true, false, true, false, true))) {
      byte[] body = "Subject: x\r\n\r\ncaf\u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1);
      RecipientResult r = f.send(job("ok@sim.test", body, false, true)).recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(r.attempt().reply().code()).isEqualTo(554);
      assertThat(r.attempt().reply().enhanced()).hasToString("5.6.3");
      assertNothingSent(f);
    }
  }

  @Test
  void declared8bitButAsciiGoesToAServerWithout8bitmime() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withExtensions(true, true, false, true, false, true))) {
      byte[] body = SimFixture.message("plain ascii\r\n");
      assertThat(f.send(job("ok@sim.test", body, false, true)).allDelivered()).isTrue();
      assertThat(f.sim.received().getFirst().mailParameters()).doesNotContain("BODY=");
    }
  }
}
