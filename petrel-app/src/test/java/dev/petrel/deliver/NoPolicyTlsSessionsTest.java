package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.deliver.sim.SimulatorOptions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What delivery reports for TLS reporting (RFC 8460) to a domain without an MTA-STS or DANE policy
 * ({@code no-policy-found}): one successful session per STARTTLS completed on a new connection,
 * {@code validation-failure} for a failed handshake, {@code starttls-not-supported} where TLS is
 * required and not offered, and nothing where no TLS was tried.
 */
@Timeout(60)
class NoPolicyTlsSessionsTest {

  static List<String> tls(SimFixture f) {
    return f.events.stream().filter(e -> e.startsWith("tls ")).toList();
  }

  static String session(String result) {
    return "tls no-policy-found " + result + " " + SimFixture.DOMAIN + " 127.0.0.1 127.0.0.1";
  }

  @Test
  void aCompletedStartTlsIsOneSuccessfulSessionAndAReusedConnectionNone() throws Exception {
    try (SimFixture f = SimFixture.start(StartTlsTest.withTls())) {
      assertThat(f.send("ok").allDelivered()).isTrue();
      assertThat(f.send("ok").allDelivered()).isTrue();
      assertThat(f.events).anyMatch(e -> e.contains("reused=true"));
      assertThat(tls(f)).containsExactly(session("successful"));
    }
  }

  @Test
  void aFailedHandshakeIsAValidationFailureAndThePlainRetryNoSession() throws Exception {
    try (SimFixture f =
        SimFixture.start(SimulatorOptions.DEFAULTS.withTls(TestTls.brokenServerContext()))) {
      assertThat(f.send("ok").allDelivered()).isTrue();
      assertThat(tls(f)).containsExactly(session("validation-failure"));
    }
  }

  @Test
  void requiredTlsNotOfferedIsStartTlsNotSupported() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS,
            c -> c.withClient(c.client().withTlsPolicy(TlsPolicy.REQUIRED)))) {
      assertThat(f.send("ok").recipients().getFirst().outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(tls(f)).containsExactly(session("starttls-not-supported"));
    }
  }

  @Test
  void requiredTlsWithAFailedHandshakeIsAValidationFailure() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withTls(TestTls.brokenServerContext()),
            c -> c.withClient(c.client().withTlsPolicy(TlsPolicy.REQUIRED)))) {
      assertThat(f.send("ok").recipients().getFirst().outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(tls(f)).containsExactly(session("validation-failure"));
    }
  }

  @Test
  void noTlsTriedIsNoSession() throws Exception {
    try (SimFixture plain = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      assertThat(plain.send("ok").allDelivered()).isTrue();
      assertThat(tls(plain)).isEmpty();
    }
    try (SimFixture none =
        SimFixture.start(
            StartTlsTest.withTls(), c -> c.withClient(c.client().withTlsPolicy(TlsPolicy.NONE)))) {
      assertThat(none.send("ok").allDelivered()).isTrue();
      assertThat(tls(none)).isEmpty();
    }
  }
}
