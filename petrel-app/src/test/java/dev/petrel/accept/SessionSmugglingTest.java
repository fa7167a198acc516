package dev.petrel.accept;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SMTP smuggling (CVE-2023-51764 and relatives): a message whose body holds a fake end of data
 * followed by a second transaction. Whatever the fake terminator, the session must store exactly
 * one message with the legitimate envelope and the smuggled commands as body text, or, in strict
 * mode, refuse it; never store two.
 */
class SessionSmugglingTest {

  private static final String SMUGGLED =
      "MAIL FROM:<ceo@victim.example>\r\nRCPT TO:<target@example.net>\r\nDATA\r\n"
          + "Subject: smuggled\r\n\r\nsend money\r\n";

  static Stream<String> fakeTerminators() {
    return Stream.of(
        "\n.\n",
        "\n.\r\n",
        "\r.\r",
        "\r\n.\n",
        "\r\n.\r",
        "\r.\r\n",
        "\n.\r",
        "\r.\n",
        "\r\n.\r\r\n",
        "\r\n\n.\r\n",
        "\r\n\r.\r\n",
        "\n\r\n.\n",
        "\r\n. \r\n",
        "\r\n.\u0000\r\n",
        "\r\n..\r\n");
  }

  private static String printable(String s) {
    return s.replace("\r", "<CR>").replace("\n", "<LF>").replace("\u0000", "<NUL>");
  }

  private static SessionHarness session(String fake) {
    return new SessionHarness()
        .send("EHLO client.example\r\n")
        .send("MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n")
        .send("Subject: hello\r\n\r\nfirst part" + fake + SMUGGLED + ".\r\nQUIT\r\n");
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("fakeTerminators")
  void fakeTerminatorIsBodyText(String fake) {
    SessionHarness h = session(fake);
    SessionHarness.Outcome out = h.run();
    if (fake.indexOf('\u0000') >= 0) {
      // A NUL octet is body text too, and no message may hold one: refused, nothing stored.
      assertThat(out.codes())
          .as(printable(fake))
          .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "554 5.6.0", "221 2.0.0");
      assertThat(h.store.messages()).isEmpty();
      return;
    }
    assertThat(out.codes())
        .as(printable(fake))
        .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0", "221 2.0.0");
    assertThat(h.store.messages()).hasSize(1);
    SessionTestStore.Message m = h.store.messages().getFirst();
    assertThat(m.envelope().sender().toString()).isEqualTo("alice@example.org");
    assertThat(m.envelope().recipients()).hasSize(1);
    assertThat(m.text()).contains("first part").contains("MAIL FROM:<ceo@victim.example>");
    assertThat(m.text()).contains("send money");
    // Every line ending in the stored message is CRLF.
    assertThat(m.text().replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("fakeTerminators")
  void strictModeRefusesBareEndingsAndStillStoresNoSecondMessage(String fake) {
    SessionHarness h = session(fake).config(SessionHarness::strict);
    SessionHarness.Outcome out = h.run();
    boolean bare =
        fake.replace("\r\n", "").contains("\r") || fake.replace("\r\n", "").contains("\n");
    boolean nul = fake.indexOf('\u0000') >= 0;
    assertThat(out.codes())
        .as(printable(fake))
        .containsExactly(
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "354",
            bare ? "550 5.5.2" : nul ? "554 5.6.0" : "250 2.0.0",
            "221 2.0.0");
    assertThat(h.store.messages()).hasSize(bare || nul ? 0 : 1);
  }
}
