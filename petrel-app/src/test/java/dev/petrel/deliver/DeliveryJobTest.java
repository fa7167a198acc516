package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.Recipient;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryJobTest {

  static Recipient r(String a) {
    return Recipient.of(EmailAddress.parse(a));
  }

  @Test
  void recipientsMustShareADomain() {
    assertThatThrownBy(
            () ->
                new DeliveryJob(
                    null,
                    null,
                    List.of(r("a@x.test"), r("b@y.test")),
                    1,
                    () -> new ByteArrayInputStream(new byte[0]),
                    false,
                    false,
                    null,
                    null))
        .hasMessageContaining("share a domain");
    assertThatThrownBy(
            () -> new DeliveryJob(null, null, List.of(), 1, () -> null, false, false, null, null))
        .hasMessageContaining("recipient");
  }

  @Test
  void utf8AddressesNeedSmtputf8() {
    DeliveryJob j =
        new DeliveryJob(
            null, null, List.of(r("jörg@x.test")), 1, () -> null, false, false, null, null);
    assertThat(j.smtputf8()).isTrue();
    assertThat(j.addressesNeedUtf8()).isTrue();
    assertThat(j.domain()).isEqualTo("x.test");
  }

  @Test
  void fromAnEnvelope() {
    Envelope e =
        new Envelope(
            EmailAddress.parse("s@example.com"),
            List.of(r("a@x.test"), r("b@y.test")),
            "8BITMIME",
            false,
            "HDRS",
            "id1",
            null,
            null,
            "192.0.2.1",
            "client");
    DeliveryJob j = DeliveryJob.of("Q1", e, List.of(r("b@y.test")), 10, () -> null);
    assertThat(j.eightBit()).isTrue();
    assertThat(j.smtputf8()).isFalse();
    assertThat(j.dsnRet()).isEqualTo("HDRS");
    assertThat(j.dsnEnvid()).isEqualTo("id1");
    assertThat(j.domain()).isEqualTo("y.test");
  }
}
