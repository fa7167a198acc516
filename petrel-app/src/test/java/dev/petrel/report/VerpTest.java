package dev.petrel.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.QueueId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VerpTest {

  static final byte[] SECRET = "0123456789abcdef-secret".getBytes(StandardCharsets.US_ASCII);
  final Verp verp = new Verp(SECRET, "Bounce.Example.COM");
  final QueueId id = QueueId.generate(Instant.parse("2026-03-01T10:00:00Z"));

  @Test
  void aReturnPathReadsBackToItsMessageAndRecipient() {
    EmailAddress rp = verp.returnPath(id, 7);
    assertThat(rp.domain()).isEqualTo("bounce.example.com");
    assertThat(rp.localPart()).startsWith("bounces+" + id.value().toLowerCase() + "-7-");
    assertThat(EmailAddress.parse(rp.toString())).isEqualTo(rp);
    assertThat(verp.read(rp)).contains(new Verp.Target(id, 7));
    // servers that fold case do not break it
    EmailAddress upper = new EmailAddress(rp.localPart().toUpperCase(), rp.domain().toUpperCase());
    assertThat(verp.read(upper)).contains(new Verp.Target(id, 7));
  }

  @Test
  void forgedOrBrokenTokensReadAsNothing() {
    String local = verp.returnPath(id, 7).localPart();
    String otherPos = local.replace("-7-", "-8-");
    assertThat(verp.read(new EmailAddress(otherPos, "bounce.example.com"))).isEmpty();
    char last = local.charAt(local.length() - 1);
    String flipped = local.substring(0, local.length() - 1) + (last == 'a' ? 'b' : 'a');
    assertThat(verp.read(new EmailAddress(flipped, "bounce.example.com"))).isEmpty();
    assertThat(verp.read(new EmailAddress(local, "other.example"))).isEmpty();
    Verp otherKey = new Verp("another-secret-of-16+".getBytes(), "bounce.example.com");
    assertThat(otherKey.read(verp.returnPath(id, 7))).isEmpty();
    for (String bad :
        new String[] {
          "bounces",
          "bounces+",
          "bounces+x",
          "bounces+--",
          "bounces+a-1-zz",
          "postmaster",
          "bounces+" + id.value() + "-x-00",
          "bounces+short-1-" + "00".repeat(10)
        }) assertThat(verp.read(new EmailAddress(bad, "bounce.example.com"))).as(bad).isEmpty();
  }

  @Test
  void aMessageTokenNamesTheMessageWithoutARecipient() {
    EmailAddress rp = verp.returnPath(id);
    assertThat(rp.localPart()).startsWith("bounces+" + id.value().toLowerCase() + "-");
    assertThat(rp.localPart().chars().filter(c -> c == '-').count()).isEqualTo(1);
    Verp.Target t = verp.read(rp).orElseThrow();
    assertThat(t.message()).isEqualTo(id);
    assertThat(t.wholeMessage()).isTrue();
    assertThat(verp.read(rp.toString().toUpperCase().transform(EmailAddress::parse)))
        .contains(new Verp.Target(id, Verp.WHOLE_MESSAGE));
    // a recipient token keeps its position and is not a message token
    assertThat(verp.read(verp.returnPath(id, 0)).orElseThrow().wholeMessage()).isFalse();
  }

  @Test
  void oneTokenFormCannotBeMadeIntoTheOther() {
    String message = verp.returnPath(id).localPart();
    String mac = message.substring(message.lastIndexOf('-') + 1);
    // the message token's mac under a recipient position, and the reverse
    String withPosition = "bounces+" + id.value().toLowerCase() + "-0-" + mac;
    assertThat(verp.read(new EmailAddress(withPosition, "bounce.example.com"))).isEmpty();
    String recipient = verp.returnPath(id, 0).localPart();
    String rmac = recipient.substring(recipient.lastIndexOf('-') + 1);
    String withoutPosition = "bounces+" + id.value().toLowerCase() + "-" + rmac;
    assertThat(verp.read(new EmailAddress(withoutPosition, "bounce.example.com"))).isEmpty();
    // a truncated mac is not accepted either
    String shortMac = message.substring(0, message.length() - 2);
    assertThat(verp.read(new EmailAddress(shortMac, "bounce.example.com"))).isEmpty();
  }

  @Test
  void theBounceDomainIsRecognisedWhateverTheLocalPart() {
    assertThat(verp.onBounceDomain(EmailAddress.parse("postmaster@BOUNCE.example.com"))).isTrue();
    assertThat(verp.onBounceDomain(EmailAddress.parse("bounces+x@example.com"))).isFalse();
  }

  @Test
  void configurationIsChecked() {
    assertThatThrownBy(() -> new Verp(new byte[8], "b.example"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Verp(SECRET, "a@b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> verp.returnPath(id, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
