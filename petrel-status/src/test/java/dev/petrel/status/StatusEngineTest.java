package dev.petrel.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.status.codes.CodeBook;
import java.io.StringReader;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine's decisions on replies whose meaning the RFCs fix, and on the code/text disagreements
 * docs/classification.md names. Provider texts are covered by ProviderRulesTest, MTA texts by the
 * bounce tests.
 */
class StatusEngineTest {

  static final StatusEngine ENGINE = StatusEngine.standard();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // reply | bounce | reason | action
        "250 2.0.0 Ok: queued as 4ZXq1k | none | delivered | none",
        "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown | hard | userunknown | suppress",
        "smtp; 550 5.1.1 User unknown | hard | userunknown | suppress",
        "User unknown | hard | userunknown | suppress",
        "450 4.1.1 <bob@example.org>: Recipient address rejected: User unknown | soft | userunknown | retry",
        "556 5.1.10 Recipient address has null MX | hard | notaccept | suppress",
        "550 5.1.2 Host unknown | hard | hostunknown | suppress",
        "552 5.3.4 Message size exceeds fixed maximum message size | soft | emailtoolarge | fix-message",
        "452 4.5.3 Too many recipients | soft | ratelimited | split-recipients",
        // The code alone (RFC 5321 §4.5.3.1.10) asks for the same: the rest in a new transaction.
        "452 4.5.3 Requested action not taken | soft | ratelimited | split-recipients",
        "553 5.5.3 Requested action not taken | soft | ratelimited | split-recipients",
        "554 5.7.1 Relay access denied | soft | norelaying | fix-sender",
        "452 4.2.2 The email account that you tried to reach is over quota | soft | mailboxfull | retry",
      })
  void classifiesByCodeAndText(String reply, String bounce, String reason, String action) {
    ReplyStatus s = ENGINE.classify(reply);
    assertThat(s.bounce().id()).as("bounce").isEqualTo(bounce);
    assertThat(s.reason().id()).as("reason").isEqualTo(reason);
    assertThat(s.action().id()).as("action").isEqualTo(action);
    assertThat(s.meaning()).isNotBlank();
    assertThat(s.solution()).isNotBlank();
    assertThat(s.matched()).isNotNull();
  }

  @Test
  void transientRepliesAreNeverHard() {
    for (String r :
        new String[] {
          "450 4.1.1 No such user", "421 4.2.1 mailbox disabled", "451 4.1.2 no such domain"
        }) {
      ReplyStatus s = ENGINE.classify(r);
      assertThat(s.bounce()).as(r).isNotEqualTo(Bounce.HARD);
      assertThat(s.action()).as(r).isNotEqualTo(Action.SUPPRESS);
    }
  }

  @Test
  void honoursAStatedDelay() {
    ReplyStatus s = ENGINE.classify("421 4.7.0 Too many connections, try again in 10 minutes");
    assertThat(s.retryAfter()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.bounce()).isEqualTo(Bounce.SOFT);
  }

  @Test
  void greylistingAsksForAShortRetry() {
    ReplyStatus s =
        ENGINE.classify("450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted");
    assertThat(s.reason()).isEqualTo(Reason.GREYLISTED);
    assertThat(s.action()).isEqualTo(Action.RETRY_AFTER);
    assertThat(s.retryAfter()).isPositive();
  }

  @Test
  void infersTheEnhancedCodeWhenNoneWasGiven() {
    ReplyStatus s =
        ENGINE.classify("550 Requested action not taken: mailbox unavailable, user unknown");
    assertThat(s.enhanced()).hasToString("5.1.1");
    assertThat(s.reply().enhancedInferred()).isTrue();
    ReplyStatus given = ENGINE.classify("550 5.1.1 user unknown");
    assertThat(given.reply().enhancedInferred()).isFalse();
  }

  @Test
  void explainsTheDigits() {
    ReplyStatus s = ENGINE.classify("554 5.7.1 rejected");
    assertThat(s.classMeaning()).isNotBlank();
    assertThat(s.subjectMeaning()).isNotBlank();
    assertThat(s.codeTitle()).isNotBlank();
    assertThat(s.enhancedSubjectMeaning()).isNotBlank();
    assertThat(s.enhancedTitle()).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        211, 214, 220, 221, 250, 251, 252, 354, 421, 450, 451, 452, 454, 455, 500, 501, 502, 503,
        504, 521, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556
      })
  void everyBasicCodeHasACompleteExplanation(int code) {
    CodeBook.BasicCode c = ENGINE.codes().basic(code);
    assertThat(c).as("code %d", code).isNotNull();
    assertThat(c.meaning()).isNotBlank();
    assertThat(c.solution()).isNotBlank();
    assertThat(c.source()).isNotBlank();
    ReplyStatus s = ENGINE.classify(code + " something");
    assertThat(s.meaning()).isNotBlank();
    assertThat(s.solution()).isNotBlank();
  }

  @Test
  void everyRegistryEntryExplainsInBothClasses() {
    assertThat(ENGINE.codes().enhancedCodes()).hasSizeGreaterThan(70);
    ENGINE
        .codes()
        .enhancedCodes()
        .forEach(
            (key, entry) -> {
              for (int klass : new int[] {4, 5}) {
                EnhancedCode e = EnhancedCode.parse(klass + key.substring(1));
                ReplyStatus s = ENGINE.classify(klass + "00 " + e + " x");
                assertThat(s.enhancedTitle()).as(e.toString()).isEqualTo(entry.title());
                assertThat(s.meaning()).as(e.toString()).isNotBlank();
                if (klass == 4) assertThat(s.bounce()).as(e.toString()).isNotEqualTo(Bounce.HARD);
              }
            });
  }

  @Test
  void operatorRulesComeFirst() throws Exception {
    StatusEngine custom =
        StatusEngine.withOperatorRules(
            new StringReader(
                """
                id: our-relay-says-full
                text: user unknown
                code: 550
                reason: mailboxfull
                source: our own relay's documentation
                """),
            "test-rules");
    assertThat(custom.classify("550 5.1.1 User unknown").reason()).isEqualTo(Reason.MAILBOXFULL);
    assertThat(custom.classify("550 5.1.1 User unknown").matched().kind())
        .isEqualTo("operator-rule");
    assertThat(ENGINE.classify("550 5.1.1 User unknown").reason()).isEqualTo(Reason.USERUNKNOWN);
  }

  @Test
  void invalidOperatorRulesNameFileAndLine() {
    assertThatThrownBy(
            () ->
                StatusEngine.withOperatorRules(
                    new StringReader("\n\nid: x1\ntext: abc\nreason: nonsense\nsource: s\n"),
                    "ops.txt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ops.txt:3")
        .hasMessageContaining("nonsense");
  }

  @Test
  void neverThrowsOnJunk() {
    for (String junk :
        new String[] {
          "", " ", "\n\n", "999 9.9.9", "5.", "550-", "\u0000\u0001", "550 5.1.1", "#"
        }) {
      assertThat(ENGINE.classify(junk)).isNotNull();
    }
  }
}
