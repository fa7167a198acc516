package dev.petrel.status.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PhraseMatcherTest {

  static final List<String> PHRASES =
      List.of("user unknown", "mailbox full", "über quota", "no such user here", "here");

  static List<String> found(String text) {
    PhraseMatcher m = new PhraseMatcher(PHRASES);
    long[] set = m.match(text);
    return PHRASES.stream().filter(p -> PhraseMatcher.has(set, PHRASES.indexOf(p))).toList();
  }

  @Test
  void foldsCaseAndWhiteSpaceLikeTheNormalizer() {
    assertThat(found("550 5.1.1 User   UNKNOWN")).containsExactly("user unknown");
    assertThat(found("Mailbox\r\n\tFULL")).containsExactly("mailbox full");
    assertThat(found("Mailbox\u00a0full")).containsExactly("mailbox full");
    assertThat(found("ÜBER QUOTA")).containsExactly("über quota");
  }

  @Test
  void foldsTypographicQuotesAndDashesToAscii() {
    PhraseMatcher m = new PhraseMatcher(List.of("doesn't exist", "\"user\"", "e-mail"));
    for (String t :
        List.of(
            "User doesn\u2019t exist",
            "User doesn\u00b4t exist",
            "\u201cUSER\u201d",
            "E\u2013mail",
            "E\u2010mail")) {
      assertThat(m.match(t)).as(t).isNotEqualTo(m.match("nothing"));
    }
    assertThat(TextNormalizer.normalize("Doesn\u2019t \u201cexist\u201d \u2014 ok"))
        .isEqualTo("doesn't \"exist\" - ok");
  }

  @Test
  void findsOverlappingPhrases() {
    assertThat(found("No such user here")).containsExactlyInAnyOrder("no such user here", "here");
  }

  @Test
  void rawAndNormalisedTextGiveTheSameResult() {
    for (String t :
        List.of("  User\tunknown ", "MAILBOX  full", "nothing", "", "über\n\nquota", "x here")) {
      assertThat(found(t)).as(t).isEqualTo(found(TextNormalizer.normalize(t)));
    }
  }

  @Test
  void unknownCharactersResetTheMatch() {
    assertThat(found("user-unknown")).isEmpty();
    assertThat(found("user ☃unknown")).isEmpty();
  }

  @Test
  void aWordBeforeAnEqualsSignIsAFieldNameWhenAsked() {
    List<String> phrases = List.of("relay", "relay denied", "dmarc=", "user", "found for domain");
    PhraseMatcher m = new PhraseMatcher(phrases, true, true, true);
    long[] set = m.match("User unknown, relay=mx.example.org, dmarc=fail, ctladdr=<user=x>");
    assertThat(phrases.stream().filter(p -> PhraseMatcher.has(set, phrases.indexOf(p))))
        .containsExactly("dmarc=", "user");
    // a phrase of several words is prose even where "=" follows it
    assertThat(PhraseMatcher.has(m.match("No MX found for domain=example.org"), 4)).isTrue();
    long[] prose = m.match("Relay denied");
    assertThat(PhraseMatcher.has(prose, 0)).isTrue();
    assertThat(PhraseMatcher.has(prose, 1)).isTrue();
    // without the flag, the field name is a word like any other
    assertThat(PhraseMatcher.has(new PhraseMatcher(phrases).match("relay=mx"), 0)).isTrue();
  }

  @Test
  void aWordInsideAnAddressIsNotProseWhenAsked() {
    List<String> phrases = List.of("dmarc", "spam", "unknown", "spamhaus.org", "rejected");
    PhraseMatcher m = new PhraseMatcher(phrases, true, true, true);
    long[] set = m.match("550 5.0.1 <dmarc@example.org>: Recipient rejected (no-spam_list@x.test)");
    assertThat(phrases.stream().filter(p -> PhraseMatcher.has(set, phrases.indexOf(p))))
        .containsExactly("rejected");
    // a local part of letters and digits ends at "@" only: a domain after prose stays prose
    long[] prose = m.match("listed at zen.spamhaus.org; user unknown, spam");
    assertThat(phrases.stream().filter(p -> PhraseMatcher.has(prose, phrases.indexOf(p))))
        .containsExactly("spam", "unknown", "spamhaus.org");
    // a word right before an address in angle brackets is prose
    assertThat(PhraseMatcher.has(m.match("unknown <a@b.c>"), 2)).isTrue();
  }

  @Test
  void aWordInsideALongerWordIsNotFoundWhenAsked() {
    List<String> phrases = List.of("relay", "spam", "用户不存在", "relay denied");
    PhraseMatcher m = new PhraseMatcher(phrases, true, true, true);
    long[] set = m.match("host smtp1.privaterelay.example.com said: nospam 该用户不存在");
    assertThat(phrases.stream().filter(p -> PhraseMatcher.has(set, phrases.indexOf(p))))
        .containsExactly("用户不存在");
    // a capital letter begins a word of a camel-case name; other marks end a word
    long[] camel = m.match("MCSpamSignature, anti-relay, (relay denied)");
    assertThat(phrases.stream().filter(p -> PhraseMatcher.has(camel, phrases.indexOf(p))))
        .containsExactly("relay", "spam", "relay denied");
    // without the flag, phrases match inside words
    assertThat(PhraseMatcher.has(new PhraseMatcher(phrases).match("privaterelay"), 0)).isTrue();
  }
}
