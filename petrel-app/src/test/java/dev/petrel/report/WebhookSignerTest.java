package dev.petrel.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

  /**
   * The example published with the Standard Webhooks specification (secret, id, timestamp, body and
   * the signature it gives), computed by others: a check that does not reuse our own HMAC call.
   */
  @Test
  void publishedExampleVerifies() {
    assertThat(
            WebhookSigner.sign(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330L,
                "{\"test\": 2432232314}"))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void anyChangedPartChangesTheSignature() {
    String s = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    String base = WebhookSigner.sign(s, "evt_1", 1000, "{}");
    assertThat(WebhookSigner.sign(s, "evt_2", 1000, "{}")).isNotEqualTo(base);
    assertThat(WebhookSigner.sign(s, "evt_1", 1001, "{}")).isNotEqualTo(base);
    assertThat(WebhookSigner.sign(s, "evt_1", 1000, "{ }")).isNotEqualTo(base);
    assertThat(WebhookSigner.sign(WebhookSigner.newSecret(), "evt_1", 1000, "{}"))
        .isNotEqualTo(base);
  }

  @Test
  void newSecretsAreRandomAndLongEnough() {
    String a = WebhookSigner.newSecret();
    assertThat(a).startsWith("whsec_");
    assertThat(Base64.getDecoder().decode(a.substring(6))).hasSizeGreaterThanOrEqualTo(24);
    assertThat(WebhookSigner.key(a)).hasSize(WebhookSigner.KEY_BYTES);
    assertThat(WebhookSigner.newSecret()).isNotEqualTo(a);
  }

  @Test
  void malformedSecretsAreRefusedWithAReason() {
    assertThatThrownBy(() -> WebhookSigner.key("abc")).hasMessageContaining("whsec_");
    assertThatThrownBy(() -> WebhookSigner.key("whsec_*&^")).hasMessageContaining("base64");
    assertThatThrownBy(() -> WebhookSigner.key("whsec_")).hasMessageContaining("empty");
  }
}
