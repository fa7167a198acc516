package dev.petrel.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import dev.petrel.model.Recipient;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.AttemptRecord;
import dev.petrel.queue.DeliveryJob;
import dev.petrel.queue.RecipientUpdate;
import dev.petrel.queue.Spool;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.StoredMessage;
import dev.petrel.status.StatusEngine;
import dev.petrel.status.bounce.BounceParser;
import dev.petrel.status.bounce.BounceReport;
import dev.petrel.status.bounce.BouncedRecipient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounces that come back by mail, read with the engine's parser from real bounce mails of the
 * Sisimai corpus (the recipient and return path filled in), against a real store.
 */
class AsyncBouncesTest {

  static final StatusEngine ENGINE = StatusEngine.standard();
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final Path BSD = Path.of("..", "corpus", "sisimai", "maildir", "bsd");

  @TempDir Path dir;
  SqliteMessageStore store;
  Verp verp;
  AsyncBounces bounces;

  @BeforeEach
  void open() throws Exception {
    store =
        SqliteMessageStore.open(
            dir, SqliteStoreOptions.defaults().withReserveBytes(0), InstantSource.fixed(T0));
    verp = new Verp("0123456789abcdef0123456789abcdef".getBytes(), "bounces.petrel.test");
    bounces =
        new AsyncBounces(
            verp,
            store,
            new BounceParser(ENGINE),
            new DsnWriter("petrel.test", InstantSource.fixed(T0)),
            InstantSource.fixed(T0.plusSeconds(600)));
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** A message from {@code sender}, every recipient delivered. */
  QueueId delivered(String sender, String... rcpts) throws Exception {
    Envelope e =
        new Envelope(
            sender == null ? null : EmailAddress.parse(sender),
            java.util.Arrays.stream(rcpts).map(r -> Recipient.of(EmailAddress.parse(r))).toList(),
            "7BIT",
            false,
            null,
            null,
            "default",
            null,
            "192.0.2.1",
            "client.test");
    QueueId id;
    try (Spool s = store.begin(e)) {
      s.body()
          .write(
              "Subject: hello\r\nMessage-ID: <m1@app.test>\r\n\r\nbody\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      id = s.commit();
    }
    for (DeliveryJob job : store.claimDue(T0, 100, Duration.ofMinutes(5)))
      for (var r : job.recipients())
        store.recordAttempt(
            job,
            r.position(),
            new AttemptRecord(
                T0,
                "mx.dest.test",
                "192.0.2.9",
                null,
                "end-of-data",
                250,
                "2.0.0",
                "ok",
                "none",
                "delivered",
                "none"),
            RecipientUpdate.finalState(RecipientState.DELIVERED));
    return id;
  }

  /**
   * Sisimai's Postfix bounce (550 5.1.1 from a remote MX) about {@code rcpt}, sent to {@code to}.
   */
  static byte[] postfixBounce(String rcpt, EmailAddress to) throws Exception {
    return Files.readString(BSD.resolve("lhost-postfix-04.eml"), StandardCharsets.ISO_8859_1)
        .replace("kijitora@example.co.jp", rcpt)
        .replace("To: shironeko@example.ne.jp", "To: " + to)
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  StoredMessage message(QueueId id) throws Exception {
    return store.find(id).orElseThrow();
  }

  List<AttemptRecord> attempts(QueueId id, int position) throws Exception {
    return store.deliveries(id).get(position).attempts();
  }

  /** Notices queued to senders: messages from the null sender. */
  List<StoredMessage> notices() throws Exception {
    return store.list(100).stream().filter(m -> m.sender() == null).toList();
  }

  @Test
  void refusalsSayWhyAndAGenuineTokenPasses() throws Exception {
    QueueId id = delivered("app@sender.test", "bob@dest.test");
    assertThat(bounces.refusal(verp.returnPath(id, 0))).isEmpty();
    assertThat(bounces.refusal(verp.returnPath(id))).isEmpty();
    assertThat(bounces.refusal(verp.returnPath(id, 1)))
        .get()
        .asString()
        .contains("no such recipient");
    assertThat(bounces.refusal(EmailAddress.parse("postmaster@bounces.petrel.test")))
        .get()
        .asString()
        .contains("No such mailbox");
    assertThat(bounces.refusal(EmailAddress.parse("bounces+abc-0-00@bounces.petrel.test")))
        .get()
        .asString()
        .contains("not issued here");
    assertThat(bounces.refusal(verp.returnPath(QueueId.generate(T0), 0)))
        .get()
        .asString()
        .contains("no longer in the queue");
    assertThat(bounces.isBounceAddress(EmailAddress.parse("x@Bounces.Petrel.Test"))).isTrue();
    assertThat(bounces.isBounceAddress(EmailAddress.parse("x@petrel.test"))).isFalse();
  }

  @Test
  void aFailureBouncesTheRecipientSuppressesItAndTellsTheSender() throws Exception {
    QueueId id = delivered("app@sender.test", "bob@dest.test");
    EmailAddress rp = verp.returnPath(id, 0);
    AsyncBounces.Outcome o = bounces.receive(List.of(rp), postfixBounce("bob@dest.test", rp));

    assertThat(message(id).recipients().getFirst().state()).isEqualTo(RecipientState.BOUNCED);
    AttemptRecord a = attempts(id, 0).getLast();
    assertThat(a.phase()).isEqualTo("async-bounce");
    assertThat(a.mx()).isEqualTo("mx01.example.co.jp");
    assertThat(a.code()).isEqualTo(550);
    assertThat(a.enhanced()).isEqualTo("5.1.1");
    assertThat(a.text()).contains("Address rejected");
    assertThat(a.bounce()).isEqualTo("hard");
    assertThat(a.reason()).isEqualTo("userunknown");
    assertThat(a.at()).isEqualTo(T0.plusSeconds(600));
    assertThat(store.findSuppression("default", "bob@dest.test").map(s -> s.reason()))
        .contains("userunknown");
    assertThat(o.notices()).hasSize(1);
    StoredMessage notice = notices().getFirst();
    assertThat(notice.recipients().getFirst().address().toString()).isEqualTo("app@sender.test");
    String text = new String(store.openBody(notice.id()).readAllBytes(), StandardCharsets.UTF_8);
    assertThat(text).contains("Final-Recipient: rfc822; bob@dest.test", "Status: 5.1.1");
    assertThat(o.summary()).contains("bounced after delivered", "suppressed <bob@dest.test>");

    // the same bounce again is recorded once more, but bounces nothing and tells nobody twice
    AsyncBounces.Outcome again = bounces.receive(List.of(rp), postfixBounce("bob@dest.test", rp));
    assertThat(again.notices()).isEmpty();
    assertThat(again.summary()).contains("already bounced");
    assertThat(notices()).hasSize(1);
  }

  @Test
  void aMessageTokenFindsTheRecipientTheBounceNames() throws Exception {
    QueueId id = delivered("app@sender.test", "ann@dest.test", "bob@dest.test", "cy@dest.test");
    EmailAddress rp = verp.returnPath(id);
    bounces.receive(List.of(rp), postfixBounce("BOB@dest.test", rp));
    assertThat(message(id).recipients())
        .extracting(r -> r.state())
        .containsExactly(
            RecipientState.DELIVERED, RecipientState.BOUNCED, RecipientState.DELIVERED);
    // a bounce naming nobody of the message changes nothing
    AsyncBounces.Outcome o = bounces.receive(List.of(rp), postfixBounce("zed@dest.test", rp));
    assertThat(o.summary()).contains("names no recipient");
    assertThat(attempts(id, 0)).hasSize(1);
    assertThat(attempts(id, 2)).hasSize(1);
  }

  @Test
  void aRecipientTokenStandsEvenWhenTheBounceNamesAnotherAddress() throws Exception {
    // forwarding: the remote side reports the address it forwarded to
    QueueId id = delivered("app@sender.test", "ann@dest.test", "bob@dest.test");
    EmailAddress rp = verp.returnPath(id, 1);
    bounces.receive(List.of(rp), postfixBounce("bob.real@elsewhere.test", rp));
    assertThat(message(id).recipients())
        .extracting(r -> r.state())
        .containsExactly(RecipientState.DELIVERED, RecipientState.BOUNCED);
  }

  @Test
  void aDelayNoticeIsRecordedButDeliveryGoesOn() throws Exception {
    QueueId id = delivered("app@sender.test", "bob@dest.test");
    EmailAddress rp = verp.returnPath(id, 0);
    byte[] delayed =
        new String(postfixBounce("bob@dest.test", rp), StandardCharsets.ISO_8859_1)
            .replace("Action: failed", "Action: delayed")
            .replace("Status: 5.1.1", "Status: 4.2.2")
            .replace("550 5.1.1 Address rejected", "452 4.2.2 Mailbox full, will retry")
            .getBytes(StandardCharsets.ISO_8859_1);
    AsyncBounces.Outcome o = bounces.receive(List.of(rp), delayed);
    assertThat(message(id).recipients().getFirst().state()).isEqualTo(RecipientState.DELIVERED);
    AttemptRecord a = attempts(id, 0).getLast();
    assertThat(a.phase()).isEqualTo("async-bounce");
    assertThat(a.enhanced()).isEqualTo("4.2.2");
    assertThat(a.bounce()).isEqualTo("soft");
    assertThat(o.summary()).contains("delayed report recorded, state unchanged");
    assertThat(notices()).isEmpty();
    assertThat(store.findSuppression("default", "bob@dest.test")).isEmpty();
  }

  @Test
  void anAutoReplyIsRecordedAndBouncesNothing() throws Exception {
    QueueId id = delivered("app@sender.test", "kijitora@example.net");
    EmailAddress rp = verp.returnPath(id, 0);
    byte[] mail = Files.readAllBytes(BSD.resolve("rfc3834-01.eml"));
    AsyncBounces.Outcome o = bounces.receive(List.of(rp), mail);
    assertThat(message(id).recipients().getFirst().state()).isEqualTo(RecipientState.DELIVERED);
    AttemptRecord a = attempts(id, 0).getLast();
    assertThat(a.phase()).isEqualTo("auto-reply");
    assertThat(a.reason()).isEqualTo("vacation");
    assertThat(o.summary()).contains("auto-reply recorded");
    assertThat(notices()).isEmpty();
    assertThat(store.findSuppression("default", "kijitora@example.net")).isEmpty();
  }

  /**
   * Auto-replies that come back to the return path, written for this test: an out-of-office reply
   * marked the way Postfix marks its bounces (Auto-Submitted: auto-replied, Precedence: bulk), and
   * one without any header cue but Outlook's subject prefix, each about a message with several
   * recipients (message token) and one (recipient token). None bounces, suppresses or notifies; the
   * attempt is recorded as an auto-reply.
   */
  @Test
  void outOfOfficeRepliesAtTheReturnPathNeverBounceOrSuppress() throws Exception {
    QueueId id = delivered("app@sender.test", "nora@dest.test", "otto@dest.test");
    String[] mails = {
      "From: Nora <nora@dest.test>\r\nTo: %s\r\nSubject: Out of Office: hello\r\n"
          + "Auto-Submitted: auto-replied\r\nPrecedence: bulk\r\nIn-Reply-To: <m1@app.test>\r\n"
          + "\r\nI am away until Monday; for urgent matters write to the following address:"
          + " desk@dest.test\r\n",
      "From: Otto <otto@dest.test>\r\nTo: %s\r\nSubject: Automatische Antwort: hello\r\n"
          + "\r\nIch bin bis 4.1. nicht im Haus.\r\n"
    };
    EmailAddress[] paths = {verp.returnPath(id), verp.returnPath(id, 1)};
    for (EmailAddress rp : paths) {
      for (String m : mails) {
        byte[] mail = String.format(m, rp).getBytes(StandardCharsets.UTF_8);
        assertThat(parser().parse(mail).kind()).isEqualTo(BounceReport.Kind.AUTO_REPLY);
        AsyncBounces.Outcome o = bounces.receive(List.of(rp), mail);
        assertThat(o.summary()).doesNotContain("bounced");
      }
    }
    for (int i = 0; i < 2; i++) {
      assertThat(message(id).recipients().get(i).state()).isEqualTo(RecipientState.DELIVERED);
      assertThat(attempts(id, i).getLast().phase()).isEqualTo("auto-reply");
      assertThat(attempts(id, i).getLast().reason()).isEqualTo("vacation");
      assertThat(attempts(id, i).getLast().bounce()).isEqualTo("none");
    }
    assertThat(store.findSuppression("default", "nora@dest.test")).isEmpty();
    assertThat(store.findSuppression("default", "otto@dest.test")).isEmpty();
    assertThat(notices()).isEmpty();
  }

  /**
   * An auto-reply whose text says the address is gone is read with that reason (Sisimai's
   * rfc3834-06 fact), but it is still an auto-reply: it never bounces the recipient nor suppresses
   * the address (whoever wants that must see a real bounce).
   */
  @Test
  void anAutoReplySayingTheAddressIsGoneStillBouncesNothing() throws Exception {
    QueueId id = delivered("app@sender.test", "kijitora@example.jp");
    EmailAddress rp = verp.returnPath(id, 0);
    byte[] mail = Files.readAllBytes(BSD.resolve("rfc3834-06.eml"));
    assertThat(parser().parse(mail).kind()).isEqualTo(BounceReport.Kind.AUTO_REPLY);
    AsyncBounces.Outcome o = bounces.receive(List.of(rp), mail);
    assertThat(o.summary()).contains("auto-reply recorded");
    assertThat(message(id).recipients().getFirst().state()).isEqualTo(RecipientState.DELIVERED);
    assertThat(attempts(id, 0).getLast().phase()).isEqualTo("auto-reply");
    assertThat(store.findSuppression("default", "kijitora@example.jp")).isEmpty();
    assertThat(store.findSuppression("default", "noreply@example.com")).isEmpty();
    assertThat(notices()).isEmpty();
  }

  static BounceParser parser() {
    return new BounceParser(ENGINE);
  }

  @Test
  void aComplaintSuppressesTheAddressWithoutBouncingIt() throws Exception {
    QueueId id = delivered("app@sender.test", "redacted@example.net");
    EmailAddress rp = verp.returnPath(id, 0);
    byte[] mail = Files.readAllBytes(BSD.resolve("arf-01.eml"));
    AsyncBounces.Outcome o = bounces.receive(List.of(rp), mail);
    assertThat(message(id).recipients().getFirst().state()).isEqualTo(RecipientState.DELIVERED);
    AttemptRecord a = attempts(id, 0).getLast();
    assertThat(a.phase()).isEqualTo("feedback");
    assertThat(a.reason()).isEqualTo("feedback");
    assertThat(a.text()).contains("abuse");
    assertThat(store.findSuppression("default", "redacted@example.net").map(s -> s.reason()))
        .contains("feedback");
    assertThat(o.summary()).contains("feedback report recorded");
    assertThat(notices()).isEmpty();
  }

  @Test
  void mailThatIsNoBounceWritesNothing() throws Exception {
    QueueId id = delivered("app@sender.test", "bob@dest.test");
    EmailAddress rp = verp.returnPath(id, 0);
    byte[] mail =
        "From: someone@else.test\r\nSubject: lunch?\r\n\r\nAre you free at noon?\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    AsyncBounces.Outcome o = bounces.receive(List.of(rp), mail);
    assertThat(o.summary()).contains("not a bounce");
    assertThat(attempts(id, 0)).hasSize(1);
    assertThat(message(id).recipients().getFirst().state()).isEqualTo(RecipientState.DELIVERED);
  }

  @Test
  void aMessageFromTheNullSenderBouncesWithoutANotice() throws Exception {
    QueueId id = delivered(null, "bob@dest.test");
    EmailAddress rp = verp.returnPath(id, 0);
    AsyncBounces.Outcome o = bounces.receive(List.of(rp), postfixBounce("bob@dest.test", rp));
    assertThat(message(id).recipients().getFirst().state()).isEqualTo(RecipientState.BOUNCED);
    assertThat(o.notices()).isEmpty();
    assertThat(store.list(100)).hasSize(1);
  }

  static BouncedRecipient entry(String action, String status, String reply) {
    return new BouncedRecipient(
        "bob@dest.test", action, status, "smtp", reply, null, ENGINE.classify(reply));
  }

  @Test
  void onlyFailuresEndDelivery() {
    var dsn = BounceReport.Kind.DSN;
    var other = BounceReport.Kind.NON_STANDARD;
    assertThat(AsyncBounces.endsDelivery(dsn, entry("failed", "5.1.1", "550 5.1.1 No such user")))
        .isTrue();
    // a soft failure that gave up is a failure too
    assertThat(AsyncBounces.endsDelivery(dsn, entry("failed", "5.2.2", "552 5.2.2 Mailbox full")))
        .isTrue();
    assertThat(AsyncBounces.endsDelivery(dsn, entry("delayed", "4.4.1", "421 4.4.1 Will retry")))
        .isFalse();
    assertThat(AsyncBounces.endsDelivery(dsn, entry("delivered", "2.0.0", "250 2.0.0 Ok")))
        .isFalse();
    // no action: the status or the reply decides
    assertThat(AsyncBounces.endsDelivery(other, entry(null, null, "550 5.1.1 User unknown")))
        .isTrue();
    assertThat(
            AsyncBounces.endsDelivery(
                other, entry(null, "4.2.2", "452 4.2.2 Over quota, retrying")))
        .isFalse();
    assertThat(AsyncBounces.endsDelivery(other, entry(null, null, "451 4.3.0 Try again later")))
        .isFalse();
    // auto-replies and complaints never do
    assertThat(
            AsyncBounces.endsDelivery(
                BounceReport.Kind.AUTO_REPLY, entry("failed", "5.1.1", "550 5.1.1 No such user")))
        .isFalse();
    assertThat(
            AsyncBounces.endsDelivery(
                BounceReport.Kind.FEEDBACK, entry("failed", "5.1.1", "550 5.1.1 No such user")))
        .isFalse();
  }
}
