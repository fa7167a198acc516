package dev.petrel.status.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.status.Bounce;
import dev.petrel.status.Reason;
import dev.petrel.status.StatusEngine;
import dev.petrel.status.eval.BounceScoring;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bounce parser on small hand-written mails, one per layout, and on hostile input. */
class BounceParserTest {

  private static final BounceParser PARSER = new BounceParser(StatusEngine.standard());

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = BounceParserTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void postfixDsnGivesEachRecipientWithStatusAndOriginal() throws IOException {
    BounceReport r = PARSER.parse(fixture("postfix-dsn.eml"));
    assertThat(r.kind()).isEqualTo(BounceReport.Kind.DSN);
    assertThat(r.originalMessageId()).isEqualTo("q1-2026@sender.test");
    assertThat(r.originalReturnPath()).isEqualTo("alice@sender.test");
    assertThat(r.originalSubject()).isEqualTo("Quarterly figures");
    assertThat(r.reportingMta()).isEqualTo("mx.sender.test");
    assertThat(r.recipients()).hasSize(2);
    BouncedRecipient bob = r.recipients().get(0);
    assertThat(bob.recipient()).isEqualTo("bob@receiver.test");
    assertThat(bob.action()).isEqualTo("failed");
    assertThat(bob.status()).isEqualTo("5.1.1");
    assertThat(bob.diagnosticType()).isEqualTo("smtp");
    assertThat(bob.remoteMta()).isEqualTo("mx.receiver.test");
    assertThat(bob.classification().reason()).isEqualTo(Reason.USERUNKNOWN);
    assertThat(bob.classification().bounce()).isEqualTo(Bounce.HARD);
    BouncedRecipient carol = r.recipients().get(1);
    assertThat(carol.classification().reason()).isEqualTo(Reason.MAILBOXFULL);
    assertThat(carol.classification().bounce()).isEqualTo(Bounce.SOFT);
  }

  @Test
  void eximNoticeWithRetryTimeoutIsExpired() throws IOException {
    BounceReport r = PARSER.parse(fixture("exim-text.eml"));
    assertThat(r.kind()).isEqualTo(BounceReport.Kind.NON_STANDARD);
    assertThat(r.format()).isEqualTo("exim");
    assertThat(r.recipients())
        .extracting(BouncedRecipient::recipient)
        .containsExactly("dave@gone.test");
    assertThat(r.recipients().getFirst().classification().reason()).isEqualTo(Reason.EXPIRED);
    assertThat(r.originalMessageId()).isEqualTo("E1abc-0001@relay.sender.test");
  }

  @Test
  void qmailNoticeIsReadFromItsText() throws IOException {
    BounceReport r = PARSER.parse(fixture("qmail-text.eml"));
    assertThat(r.format()).isEqualTo("qmail");
    assertThat(r.recipients())
        .extracting(BouncedRecipient::recipient)
        .containsExactly("erin@receiver.test");
    assertThat(r.recipients().getFirst().classification().reason()).isEqualTo(Reason.USERUNKNOWN);
    assertThat(r.originalMessageId()).isEqualTo("lunch-1@sender.test");
  }

  @Test
  void lineEndingsDoNotMatter() throws IOException {
    String lf = new String(fixture("qmail-text.eml"), StandardCharsets.UTF_8);
    for (String eol : List.of("\r\n", "\r")) {
      BounceReport r = PARSER.parse(lf.replace("\n", eol).getBytes(StandardCharsets.UTF_8));
      assertThat(r.recipients())
          .extracting(BouncedRecipient::recipient)
          .containsExactly("erin@receiver.test");
    }
  }

  @Test
  void feedbackReportNamesTheComplainingRecipient() throws IOException {
    BounceReport r = PARSER.parse(fixture("arf.eml"));
    assertThat(r.kind()).isEqualTo(BounceReport.Kind.FEEDBACK);
    assertThat(r.feedbackType()).isEqualTo("abuse");
    assertThat(r.recipients())
        .extracting(BouncedRecipient::recipient)
        .containsExactly("frank@isp.test");
    assertThat(r.recipients().getFirst().classification().reason()).isEqualTo(Reason.FEEDBACK);
    assertThat(r.originalMessageId()).isEqualTo("offer-9@sender.test");
  }

  @Test
  void autoReplyIsVacation() throws IOException {
    BounceReport r = PARSER.parse(fixture("vacation.eml"));
    assertThat(r.kind()).isEqualTo(BounceReport.Kind.AUTO_REPLY);
    assertThat(r.recipients())
        .extracting(BouncedRecipient::recipient)
        .containsExactly("grace@receiver.test");
    assertThat(r.recipients().getFirst().classification().reason()).isEqualTo(Reason.VACATION);
  }

  /**
   * RFC 3834 §5 gives "Auto-Submitted: auto-replied" to any message generated in response to
   * another, and Postfix writes it on its bounce and delay notices: with the field alone, a mail in
   * the words of a delivery notice is read as one. The notice follows Postfix's delay template
   * (https://www.postfix.org/bounce.5.html); its From names no mailer daemon, as after a gateway
   * that rewrites it.
   */
  @Test
  void aDelayNoticeMarkedAutoRepliedIsNoVacation() {
    String mail =
        """
        From: Mail System <mailsys@mx.sender.test>
        To: alice@sender.test
        Subject: Delayed Mail (still being retried)
        Auto-Submitted: auto-replied

        This is the mail system at host mx.sender.test.

        # THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #

        Your message could not be delivered for more than 4 hour(s).
        It will be retried until it is 5 day(s) old.

        <bob@receiver.test>: host mx.receiver.test[192.0.2.1] said: 452 4.2.2 Mailbox full
            (in reply to RCPT TO command)
        """;
    BounceReport r = PARSER.parse(mail.getBytes(StandardCharsets.UTF_8));
    assertThat(r.kind()).isEqualTo(BounceReport.Kind.NON_STANDARD);
    assertThat(r.recipients())
        .extracting(BouncedRecipient::recipient)
        .containsExactly("bob@receiver.test");
    assertThat(r.recipients().getFirst().classification().bounce()).isEqualTo(Bounce.SOFT);

    String vacation =
        """
        From: Grace <grace@receiver.test>
        To: alice@sender.test
        Subject: Re: the offer
        Auto-Submitted: auto-replied

        I am away until Monday and will answer your message then.
        """;
    assertThat(PARSER.parse(vacation.getBytes(StandardCharsets.UTF_8)).kind())
        .isEqualTo(BounceReport.Kind.AUTO_REPLY);
  }

  /**
   * Exim's notice for a pipe that a system filter set up names no mail address as failed: its
   * X-Failed-Recipients is the filter ("system-filter"), and what follows "The following text was
   * generated during the delivery attempt:" is the program's output (its arguments, environment and
   * the message it read). Neither those addresses nor the returned message's recipient failed; the
   * notice reports a failure whose recipient cannot be named.
   */
  @Test
  void anEximPipeFailureOfTheSystemFilterNamesNoRecipient() {
    String mail =
        """
        From: Mail Delivery System <Mailer-Daemon@sender.example>
        To: alice@sender.example
        X-Failed-Recipients: system-filter
        Auto-Submitted: auto-replied
        Subject: Mail delivery failed: returning message to sender

        This message was created automatically by mail delivery software.

        A message that you sent could not be delivered to one or more of its
        recipients. This is a permanent error. The following address(es) failed:

          pipe to |/usr/local/bin/archive $thisaddress
            generated by system-filter

        The following text was generated during the delivery attempt:

        ------ pipe to |/usr/local/bin/archive $thisaddress
               generated by system-filter ------

        archive: cannot open spool for
          dave@receiver.example
        RECIPIENT=system-filter@sender.example
        SENDER=alice@sender.example

        ------ This is a copy of the message, including all the headers. ------

        Return-path: <alice@sender.example>
        Received: from alice by mx.sender.example with local (Exim 4.96)
        \tfor dave@receiver.example; Tue, 2 Mar 2021 09:44:33 +0000
        To: dave@receiver.example
        From: Alice <alice@sender.example>
        Subject: hello

        hi
        """;
    BounceReport r = PARSER.parse(mail.getBytes(StandardCharsets.UTF_8));
    assertThat(BounceScoring.failedRecipients(r)).isEmpty();
    assertThat(r.recipients()).hasSize(1);
    assertThat(r.recipients().getFirst().recipient()).isNull();
    assertThat(r.recipients().getFirst().classification().reason()).isEqualTo(Reason.MAILERERROR);
  }

  /**
   * A Final-Recipient that is no valid address (a character no domain may hold) is still the
   * recipient that failed (RFC 3464 §2.3.2): it is reported as written, never replaced by another
   * address of the mail such as the sender's.
   */
  @Test
  void aMalformedFinalRecipientIsReportedAsWritten() {
    String mail =
        """
        From: Mail Delivery Subsystem <MAILER-DAEMON@mx.sender.test>
        To: alice@sender.test
        Subject: Returned mail: see transcript for details
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

        --b1
        Content-Type: text/plain

        The original message was received from alice@sender.test.

           ----- The following addresses had permanent fatal errors -----
        bob@receiver..test

        --b1
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.sender.test

        Final-Recipient: RFC822; bob@receiver..test
        Action: failed
        Status: 5.1.2

        --b1
        Content-Type: text/rfc822-headers

        From: alice@sender.test
        To: bob@receiver..test
        Subject: hello

        --b1--
        """;
    BounceReport r = PARSER.parse(mail.getBytes(StandardCharsets.UTF_8));
    assertThat(r.recipients())
        .extracting(BouncedRecipient::recipient)
        .containsExactly("bob@receiver..test");
  }

  /**
   * A recipient group whose address cannot be read is never given the sender's address, even when a
   * Received field of the returned message names the sender in its "for" clause (a hop that carried
   * the message for the sender, as a copy to self or a list does).
   */
  @Test
  void anUnreadableFinalRecipientIsNeverTheSender() {
    String mail =
        """
        From: Mail Delivery Subsystem <MAILER-DAEMON@mx.sender.test>
        To: alice@sender.test
        Subject: Returned mail: see transcript for details
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

        --b1
        Content-Type: text/plain

           ----- The following addresses had permanent fatal errors -----
        bob at receiver

        --b1
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.sender.test

        Final-Recipient: RFC822; bob at receiver
        Action: failed
        Status: 5.1.3

        --b1
        Content-Type: message/rfc822

        Received: from client.sender.test (client.sender.test [192.0.2.9])
        	by mx.sender.test with ESMTP id 12345
        	for <alice@sender.test>; Mon, 1 Jan 2024 10:00:00 +0000
        From: Alice <alice@sender.test>
        To: bob at receiver
        Subject: hello

        hi
        --b1--
        """;
    BounceReport r = PARSER.parse(mail.getBytes(StandardCharsets.UTF_8));
    assertThat(r.recipients())
        .extracting(BouncedRecipient::recipient)
        .doesNotContain("alice@sender.test");
  }

  /**
   * A notice that names no address but the sender's (the bounce's own recipient) reports no
   * recipient address rather than the sender as failed: the sender is never a failed recipient.
   */
  @Test
  void aNoticeNamingOnlyTheSenderDoesNotReportTheSender() {
    String mail =
        """
        From: MAILER-DAEMON@mx.sender.test
        To: alice@sender.test
        Subject: failure notice

        Hi. This is the mail system at mx.sender.test.
        I'm afraid I wasn't able to deliver the message you sent as

          <alice@sender.test>

        to one of its recipients: 550 5.1.1 mailbox unavailable, user unknown
        """;
    BounceReport r = PARSER.parse(mail.getBytes(StandardCharsets.UTF_8));
    assertThat(r.kind()).isEqualTo(BounceReport.Kind.NON_STANDARD);
    assertThat(r.recipients())
        .extracting(BouncedRecipient::recipient)
        .doesNotContain("alice@sender.test");
  }

  @Test
  void ordinaryMailIsNotABounce() {
    String mail = "From: a@x.test\nTo: b@y.test\nSubject: hi\n\nSee you at 5.\n";
    assertThat(PARSER.parse(mail.getBytes(StandardCharsets.UTF_8)).kind())
        .isEqualTo(BounceReport.Kind.NOT_A_BOUNCE);
  }

  @Test
  void garbageNeverThrows() {
    Random random = new Random(42);
    for (int i = 0; i < 300; i++) {
      byte[] b = new byte[random.nextInt(3000)];
      random.nextBytes(b);
      assertThat(PARSER.parse(b)).isNotNull();
    }
    assertThat(PARSER.parse(new byte[0]).kind()).isEqualTo(BounceReport.Kind.NOT_A_BOUNCE);
    assertThat(PARSER.parse(null).kind()).isEqualTo(BounceReport.Kind.NOT_A_BOUNCE);
  }

  @Test
  void megabytesOfAddressesAndDigitsAreHandled() throws IOException {
    StringBuilder sb =
        new StringBuilder("From: MAILER-DAEMON@x.test\nSubject: Undelivered Mail\n\n");
    String junk = "a".repeat(5000) + "@" + "550 ".repeat(2000) + "5.1.1 ";
    while (sb.length() < 4_000_000) sb.append(junk).append('\n');
    BounceReport r = PARSER.parse(sb.toString().getBytes(StandardCharsets.US_ASCII));
    assertThat(r).isNotNull();
    byte[] deep =
        ("Content-Type: multipart/mixed; boundary=x\n\n"
                + "--x\nContent-Type: message/rfc822\n\n".repeat(20000))
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(PARSER.parse(deep)).isNotNull();
    assertThat(PARSER.parse(fixture("postfix-dsn.eml"))).isNotNull();
  }

  @Test
  void mailInputsReadFilesMboxesAndFolders(@TempDir Path dir) throws IOException {
    Files.write(dir.resolve("one.eml"), fixture("qmail-text.eml"));
    String mbox =
        "From MAILER-DAEMON Mon Mar  2 10:00:00 2026\n"
            + new String(fixture("qmail-text.eml"), StandardCharsets.UTF_8)
            + "\nFrom MAILER-DAEMON Mon Mar  2 10:00:01 2026\n"
            + new String(fixture("exim-text.eml"), StandardCharsets.UTF_8);
    Files.createDirectories(dir.resolve("maildir/cur"));
    Files.writeString(dir.resolve("maildir/cur/box.mbox"), mbox);
    List<MailInputs.Mail> mails = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    MailInputs.read(dir, mails::add, (p, m) -> errors.add(p));
    MailInputs.read(dir.resolve("missing.eml"), mails::add, (p, m) -> errors.add(p));
    assertThat(mails)
        .extracting(MailInputs.Mail::name)
        .containsExactly(
            dir.resolve("maildir/cur/box.mbox") + "#1",
            dir.resolve("maildir/cur/box.mbox") + "#2",
            dir.resolve("one.eml").toString());
    assertThat(errors).containsExactly(dir.resolve("missing.eml").toString());
    assertThat(PARSER.parse(mails.get(1).bytes()).recipients())
        .extracting(BouncedRecipient::recipient)
        .containsExactly("dave@gone.test");
  }

  /**
   * A human-readable notice sent with the message/delivery-status type (RFC 3464 section 2 gives
   * that type to the fields only) is read as the notice: its words describe the failure, and the
   * fields of the real delivery-status part are not taken for a notice.
   */
  @Test
  void aNoticeTypedAsDeliveryStatusIsReadAsTheNotice() {
    assertThat(
            DsnFields.noticeMistypedAsDsn(
                "This Message was undeliverable due to the following reason:\n\n"
                    + "<heidi@sms.example> has restricted SMS e-mail\n"))
        .isTrue();
    assertThat(
            DsnFields.noticeMistypedAsDsn(
                "Reporting-MTA: dns; mta.sms.example\n\n"
                    + "Final-Recipient: rfc822; heidi@sms.example\nAction: failed\n"))
        .isFalse();
    assertThat(DsnFields.noticeMistypedAsDsn("Reporting-MTA: dns; mta.sms.example\n")).isFalse();
    String mail =
        """
        From: Mail Administrator <Postmaster@sms.example>
        To: alice@sender.example
        Subject: Mail System Error - Returned Mail
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b"

        --b
        Content-Type: message/delivery-status;

        <heidi@sms.example> has restricted SMS e-mail

        --b
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mta.sms.example

        Final-Recipient: RFC822; <heidi@sms.example>
        Action: failed
        Status: 5.3.0

        --b--
        """;
    MailPart root = MimeReader.read(mail.getBytes(StandardCharsets.UTF_8));
    List<MailPart> all = root.flatten();
    String notice = NoticeText.collect(root, all, null).text();
    assertThat(notice).contains("has restricted SMS e-mail").doesNotContain("Final-Recipient");
  }

  /**
   * Amazon SES reports an address it did not send to because the address is on a suppression list
   * with the status and words of the bounces that put it there: the notice repeats an earlier
   * decision, so it is suppressed (soft), not a dead address found today.
   */
  @Test
  void anSesBounceOfASuppressedAddressIsSuppressedNotHard() {
    String json =
        "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\","
            + "\"bounceSubType\":\"Suppressed\",\"bouncedRecipients\":[{\"emailAddress\":"
            + "\"bob@receiver.test\",\"action\":\"failed\",\"status\":\"5.1.1\","
            + "\"diagnosticCode\":\"The address is on the suppression list after bouncing as an"
            + " invalid address\"}]},\"mail\":{\"source\":\"alice@sender.test\"}}";
    String mail =
        "From: Bounces <no-reply@sns.example.test>\nTo: alice@sender.test\n"
            + "Subject: AWS Notification Message\n\n"
            + json
            + "\n";
    BounceReport r = PARSER.parse(mail.getBytes(StandardCharsets.UTF_8));
    assertThat(r.format()).isEqualTo("amazonses");
    assertThat(r.recipients()).hasSize(1);
    BouncedRecipient b = r.recipients().getFirst();
    assertThat(b.recipient()).isEqualTo("bob@receiver.test");
    assertThat(b.classification().reason()).isEqualTo(Reason.SUPPRESSED);
    assertThat(b.classification().bounce()).isEqualTo(Bounce.SOFT);
  }
}
