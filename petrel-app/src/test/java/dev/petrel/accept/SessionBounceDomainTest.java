package dev.petrel.accept;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.model.EmailAddress;
import dev.petrel.queue.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The listener's rules for the bounce domain: return paths are taken from anyone without AUTH,
 * unknown ones get 550 5.1.1, the mail goes to the bounce reader and never into the queue, and the
 * two kinds of recipients never share a transaction.
 */
class SessionBounceDomainTest {

  static final String GOOD = "bounces+good@bounces.petrel.test";

  /** A reader that knows one good token and keeps what it was given. */
  static final class FakeMailbox implements BounceMailbox {
    final List<List<EmailAddress>> recipients = new ArrayList<>();
    final List<String> mails = new ArrayList<>();
    boolean failing;

    @Override
    public boolean isBounceAddress(EmailAddress address) {
      return address.domain().equals("bounces.petrel.test");
    }

    @Override
    public Optional<String> refusal(EmailAddress address) {
      if (address.localPart().equals("bounces+good")) return Optional.empty();
      if (!address.localPart().startsWith("bounces+")) return Optional.of("No token here");
      return Optional.of("Unknown return path");
    }

    @Override
    public String receive(List<EmailAddress> to, byte[] mail) throws StorageException {
      if (failing) throw new StorageException("disk on fire", null);
      recipients.add(to);
      mails.add(new String(mail, UTF_8));
      return "read";
    }
  }

  final FakeMailbox mailbox = new FakeMailbox();

  SessionHarness outsider() {
    SessionHarness h = new SessionHarness().untrusted().secure();
    h.bounces = mailbox;
    return h;
  }

  @Test
  void aReturnPathTakesABounceFromAnyoneWithoutAuthAndNothingIsQueued() {
    SessionHarness h =
        outsider()
            .send(
                "EHLO mx.remote.example\r\nMAIL FROM:<>\r\nRCPT TO:<"
                    + GOOD
                    + ">\r\nDATA\r\nSubject: failure\r\n\r\n..dotted\r\n.\r\nQUIT\r\n");
    assertThat(h.run().codes())
        .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0", "221 2.0.0");
    assertThat(h.store.messages()).isEmpty();
    assertThat(mailbox.recipients).containsExactly(List.of(EmailAddress.parse(GOOD)));
    assertThat(mailbox.mails).containsExactly("Subject: failure\r\n\r\n.dotted\r\n");
    assertThat(h.events).anyMatch(e -> e.startsWith("bounce from=<> size=") && e.endsWith("read"));
  }

  @Test
  void unknownOrForgedReturnPathsGet550_5_1_1WithTheReason() {
    SessionHarness h =
        outsider()
            .send(
                "EHLO mx.remote.example\r\nMAIL FROM:<>\r\n"
                    + "RCPT TO:<bounces+forged@bounces.petrel.test>\r\n"
                    + "RCPT TO:<postmaster@bounces.petrel.test>\r\nDATA\r\n");
    var out = h.run();
    assertThat(out.codes())
        .containsExactly("220", "250", "250 2.1.0", "550 5.1.1", "550 5.1.1", "554 5.5.1");
    assertThat(out.replies()).contains("550 5.1.1 Unknown return path", "550 5.1.1 No token here");
    assertThat(mailbox.mails).isEmpty();
  }

  @Test
  void bouncesAndOtherMailNeverShareATransaction() {
    // a trusted client may relay, yet not in the same transaction as a bounce
    SessionHarness h = new SessionHarness();
    h.bounces = mailbox;
    h.send(
        "EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<"
            + GOOD
            + ">\r\nRCPT TO:<bob@example.net>\r\nRSET\r\n"
            + "MAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.net>\r\nRCPT TO:<"
            + GOOD
            + ">\r\nDATA\r\nhi\r\n.\r\n");
    var out = h.run();
    assertThat(out.codes())
        .containsExactly(
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "452 4.5.3",
            "250 2.0.0",
            "250 2.1.0",
            "250 2.1.5",
            "452 4.5.3",
            "354",
            "250 2.0.0");
    assertThat(out.replies().get(4)).contains("separate transactions");
    // the ordinary message was queued for bob alone; the bounce reader saw nothing
    assertThat(h.store.messages()).hasSize(1);
    assertThat(h.store.messages().getFirst().envelope().recipients())
        .extracting(r -> r.address().toString())
        .containsExactly("bob@example.net");
    assertThat(mailbox.mails).isEmpty();
  }

  @Test
  void anOutsiderIsAskedToAuthenticateAtRcptForOtherRecipients() {
    SessionHarness h =
        outsider().send("EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.net>\r\n");
    assertThat(h.run().codes()).containsExactly("220", "250", "250 2.1.0", "530 5.7.0");
    SessionHarness plain = new SessionHarness().untrusted();
    plain.bounces = mailbox;
    plain.send("EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.net>\r\n");
    assertThat(plain.run().codes()).containsExactly("220", "250", "250 2.1.0", "554 5.7.1");
    SessionHarness starttls = new SessionHarness().untrusted().tls();
    starttls.bounces = mailbox;
    starttls.send("EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.net>\r\n");
    var out = starttls.run();
    assertThat(out.codes()).containsExactly("220", "250", "250 2.1.0", "530 5.7.0");
    assertThat(out.last()).contains("STARTTLS");
  }

  @Test
  void aStoreFailureAnswers451SoTheBounceComesAgain() {
    mailbox.failing = true;
    SessionHarness h =
        outsider().send("EHLO m\r\nMAIL FROM:<>\r\nRCPT TO:<" + GOOD + ">\r\nDATA\r\nx\r\n.\r\n");
    assertThat(h.run().lastCode()).isEqualTo("451 4.3.0");
  }

  @Test
  void aBounceMayComeInChunks() {
    SessionHarness h =
        outsider()
            .send("EHLO m\r\nMAIL FROM:<>\r\nRCPT TO:<" + GOOD + ">\r\n")
            .send("BDAT 6\r\nline1\n")
            .send("BDAT 7 LAST\r\nline2\r\n")
            .send("MAIL FROM:<>\r\n");
    assertThat(h.run().codes())
        .containsExactly(
            "220", "250", "250 2.1.0", "250 2.1.5", "250 2.0.0", "250 2.0.0", "250 2.1.0");
    assertThat(mailbox.mails).containsExactly("line1\nline2\r\n");
    assertThat(h.store.messages()).isEmpty();
  }

  @Test
  void anOversizedBounceGets552() {
    SessionHarness h =
        outsider()
            .config(c -> SessionHarness.withMaxSize(c, 1024))
            .send("EHLO m\r\nMAIL FROM:<>\r\nRCPT TO:<" + GOOD + ">\r\nDATA\r\n")
            .send(("x".repeat(100) + "\r\n").repeat(20) + ".\r\n");
    assertThat(h.run().lastCode()).isEqualTo("552 5.3.4");
    assertThat(mailbox.mails).isEmpty();
  }

  @Test
  void theCappedBufferKeepsTheStartAndSaysItCut() {
    var b = new BounceIntake.CappedBuffer(4);
    b.write("ab".getBytes(UTF_8), 0, 2);
    assertThat(b.cut()).isFalse();
    b.write("cdef".getBytes(UTF_8), 0, 4);
    b.write('g');
    assertThat(new String(b.bytes(), UTF_8)).isEqualTo("abcd");
    assertThat(b.cut()).isTrue();
  }
}
