package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.queue.AttemptRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@code queue show}'s attempt lines carry the TLS facts: protocol, verification, policy, problem.
 */
class QueueFormatTlsTest {

  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aVerifiedDeliveryShowsWhatItWasVerifiedAgainstAndThePolicy() {
    String line =
        QueueFormat.attemptText(
            new AttemptRecord(
                AT,
                "mx.a.test",
                "192.0.2.1",
                "TLSv1.3 TLS_AES_128_GCM_SHA256",
                "end-of-data",
                250,
                "2.0.0",
                "2.0.0 Ok",
                "none",
                "delivered",
                "none",
                "mta-sts",
                "mta-sts enforce id=1",
                null));
    assertThat(line)
        .endsWith(
            "[TLS TLSv1.3 TLS_AES_128_GCM_SHA256, verified: mta-sts, policy: mta-sts enforce"
                + " id=1]");
  }

  @Test
  void aRefusedServerShowsTheProblemAndNoTls() {
    String line =
        QueueFormat.attemptText(
            new AttemptRecord(
                AT,
                "mx.a.test",
                "192.0.2.1",
                null,
                "ehlo",
                null,
                "4.7.4",
                "4.7.4 mx.a.test does not offer STARTTLS",
                "soft",
                "failedstarttls",
                "retry",
                null,
                "mta-sts enforce id=1",
                "starttls-not-supported: no STARTTLS"));
    assertThat(line)
        .contains("(failedstarttls, retry)")
        .endsWith(
            "[no TLS, policy: mta-sts enforce id=1, problem: starttls-not-supported: no"
                + " STARTTLS]");
  }

  @Test
  void anOldAttemptWithoutFactsLooksAsBefore() {
    String line =
        QueueFormat.attemptText(
            new AttemptRecord(
                AT,
                null,
                null,
                null,
                "connect",
                null,
                "4.4.3",
                "4.4.3 DNS lookup failed",
                "soft",
                "networkerror",
                "retry"));
    assertThat(line).doesNotContain("[");
  }
}
