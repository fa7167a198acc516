package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The MTA-STS policy file and TXT record as RFC 8461 §3.1 and §3.2 write them, and §4.1 matching.
 */
class MtaStsPolicyTest {

  @Test
  void parsesTheExampleOfTheRfc() throws Exception {
    MtaStsPolicy p =
        MtaStsPolicy.parse(
            "20160831085700Z",
            "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
                + "mx: backupmx.example.com\r\nmax_age: 604800\r\n");
    assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
    assertThat(p.mx()).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
    assertThat(p.maxAge()).isEqualTo(Duration.ofDays(7));
    assertThat(p.lines()).hasSize(6).first().isEqualTo("version: STSv1");
    assertThat(p.describe()).isEqualTo("mta-sts enforce id=20160831085700Z");
  }

  @Test
  void acceptsBareLineFeedsWhiteSpaceAndUnknownKeys() throws Exception {
    MtaStsPolicy p =
        MtaStsPolicy.parse(
            "a1", "version:STSv1\nmode:   testing  \nmx: MX.Example.ORG.\nx_ext: 1\nmax_age: 0");
    assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.TESTING);
    assertThat(p.mx()).containsExactly("mx.example.org");
    assertThat(p.maxAge()).isZero();
  }

  @Test
  void modeNoneNeedsNoMx() throws Exception {
    assertThat(MtaStsPolicy.parse("1", "version: STSv1\nmode: none\nmax_age: 86400\n").mode())
        .isEqualTo(MtaStsPolicy.Mode.NONE);
  }

  @Test
  void refusesWhatTheGrammarDoesNotAllow() {
    assertInvalid("mode: enforce\nmx: a.example\nmax_age: 1\n", "version field is missing");
    assertInvalid("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n", "STSv1");
    assertInvalid("version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n", "mode must be");
    assertInvalid("version: STSv1\nmode: enforce\nmx: a.example\n", "max_age field is missing");
    assertInvalid("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n", "digits");
    assertInvalid("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n", "limit");
    assertInvalid("version: STSv1\nmode: enforce\nmax_age: 86400\n", "no mx field");
    assertInvalid("version: STSv1\nmode: enforce\nmx: a.*.example\nmax_age: 1\n", "not a host");
    assertInvalid("version: STSv1\nmode: enforce\nmx: *example.com\nmax_age: 1\n", "not a host");
    assertInvalid("<html>\nversion: STSv1\n", "not \"key: value\"");
  }

  private static void assertInvalid(String text, String message) {
    assertThatThrownBy(() -> MtaStsPolicy.parse("1", text))
        .isInstanceOf(MtaStsPolicy.InvalidPolicyException.class)
        .hasMessageContaining(message);
  }

  @Test
  void wildcardsMatchExactlyOneLeftmostLabel() {
    assertThat(MtaStsPolicy.matches("mail.example.com", "MAIL.example.com.")).isTrue();
    assertThat(MtaStsPolicy.matches("*.example.net", "mx1.example.net")).isTrue();
    assertThat(MtaStsPolicy.matches("*.example.net", "example.net")).isFalse();
    assertThat(MtaStsPolicy.matches("*.example.net", "a.b.example.net")).isFalse();
    assertThat(MtaStsPolicy.matches("*.example.net", "mx1.example.network")).isFalse();
    assertThat(MtaStsPolicy.matches("mail.example.com", "mail2.example.com")).isFalse();
  }

  @Test
  void readsTheIdOfTheTxtRecord() {
    assertThat(MtaStsPolicy.recordId("v=STSv1; id=20160831085700Z;")).isEqualTo("20160831085700Z");
    assertThat(MtaStsPolicy.recordId("v=STSv1;id=abc")).isEqualTo("abc");
    assertThat(MtaStsPolicy.recordId("v=STSv1; ext=1; id=abc")).isEqualTo("abc");
    assertThat(MtaStsPolicy.recordId("v=STSv1; id=has-dash;")).isNull();
    assertThat(MtaStsPolicy.recordId("v=STSv1; id=" + "a".repeat(33))).isNull();
    assertThat(MtaStsPolicy.recordId("v=STSv1;")).isNull();
    assertThat(MtaStsPolicy.recordId("v=spf1 -all")).isNull();
    assertThat(MtaStsPolicy.recordId(" v=STSv1; id=abc")).isNull();
  }

  @Test
  void oneValidRecordAmongTheTxtRecordsOrNone() {
    var ttl = Duration.ofMinutes(5);
    assertThat(MtaSts.id(DnsAnswer.found(java.util.List.of("v=spf1 -all", "v=STSv1; id=x1"), ttl)))
        .isEqualTo("x1");
    assertThat(
            MtaSts.id(DnsAnswer.found(java.util.List.of("v=STSv1; id=x1", "v=STSv1; id=x2"), ttl)))
        .isNull();
    assertThat(MtaSts.id(DnsAnswer.failed("SERVFAIL"))).isNull();
  }

  @Test
  void certificateNamesFollowRfc6125() {
    assertThat(PkixCheck.matches("*.example.net", "mx.example.net")).isTrue();
    assertThat(PkixCheck.matches("*.example.net", "a.mx.example.net")).isFalse();
    assertThat(PkixCheck.matches("mx.example.net", "MX.EXAMPLE.NET")).isTrue();
    assertThat(PkixCheck.matches("*.net", "example.net")).isFalse();
    assertThat(PkixCheck.matches("m*.example.net", "mx.example.net")).isFalse();
  }
}
