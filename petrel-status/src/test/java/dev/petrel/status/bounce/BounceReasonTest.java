package dev.petrel.status.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.status.Action;
import dev.petrel.status.Bounce;
import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import dev.petrel.status.ReplyContext;
import dev.petrel.status.StatusEngine;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The corrections the bounce parser makes from what a bounce says around the reply (phase, DSN
 * action and status, diagnostic type), and the engine's phase-aware basic-code defaults, on small
 * mails written for these tests (docs/bounce-formats.md, docs/classification.md).
 */
class BounceReasonTest {

  private static final StatusEngine ENGINE = StatusEngine.standard();
  private static final BounceParser PARSER = new BounceParser(ENGINE);

  /** A multipart/report DSN for one recipient; {@code notice} is the human-readable part. */
  private static BouncedRecipient dsn(String notice, String fields) {
    String mail =
        """
        From: Mail Delivery System <MAILER-DAEMON@mx.sender.test>
        To: alice@sender.test
        Subject: Undelivered Mail Returned to Sender
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

        --b1
        Content-Type: text/plain

        %s

        --b1
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.sender.test

        Final-Recipient: rfc822; bob@receiver.test
        %s

        --b1--
        """
            .formatted(notice, fields);
    BounceReport r = PARSER.parse(mail.getBytes(StandardCharsets.UTF_8));
    assertThat(r.recipients()).hasSize(1);
    return r.recipients().getFirst();
  }

  private static BouncedRecipient notice(String subject, String body) {
    String mail =
        """
        From: MAILER-DAEMON@mx.sender.test
        To: alice@sender.test
        Subject: %s

        %s
        """
            .formatted(subject, body);
    BounceReport r = PARSER.parse(mail.getBytes(StandardCharsets.UTF_8));
    assertThat(r.recipients()).hasSize(1);
    return r.recipients().getFirst();
  }

  @Test
  void userUnknownAfterTheMessageWithoutAddressStatusIsFiltered() {
    BouncedRecipient b =
        dsn(
            "<bob@receiver.test>: host mx.receiver.test[192.0.2.7] said: 550 : User unknown (in"
                + " reply to end of DATA command)",
            "Action: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550 : User unknown");
    assertThat(b.classification().reason()).isEqualTo(Reason.FILTERED);
    assertThat(b.classification().bounce()).isEqualTo(Bounce.SOFT);
  }

  @Test
  void userUnknownWithNoPhaseAndNoAddressStatusIsFiltered() {
    BouncedRecipient b =
        dsn(
            "The message could not be delivered.",
            "Action: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550 No such user");
    assertThat(b.classification().reason()).isEqualTo(Reason.FILTERED);
  }

  /**
   * Words that name the address as refused without saying why are soft already; with no phase that
   * places the refusal after DATA, the address stays their likeliest subject (userunknown, soft),
   * as in InterScan's notice (Sisimai corpus, lhost-trendmicro-02.eml).
   */
  @Test
  void anAddressRefusedWithoutCauseAndWithoutPhaseStaysUserUnknownButSoft() {
    BouncedRecipient b =
        notice(
            "Mail could not be delivered",
            """
            Message from InterScan Messaging Security Suite

            Unable to deliver message to <bob@receiver.test> (and other recipients in the same \
            domain). Please check if address is correct.
            """);
    assertThat(b.classification().reason()).isEqualTo(Reason.USERUNKNOWN);
    assertThat(b.classification().bounce()).isEqualTo(Bounce.SOFT);
  }

  /**
   * A reply that says no more than the recipient's address and "Rejected" refuses the address
   * without a cause, as "Recipient address rejected" does (Symantec Email Security.cloud's notice,
   * Sisimai corpus rhost-messagelabs-03.eml).
   */
  @Test
  void aReplyOfTheAddressAndRejectedIsARefusedAddressWithoutCause() {
    BouncedRecipient b =
        dsn(
            "I was unable to deliver your message to the following addresses:\n\n"
                + "bob@receiver.test\n\nReason: 542 bob@receiver.test Rejected",
            "Action: failed");
    assertThat(b.classification().reason()).isEqualTo(Reason.USERUNKNOWN);
    assertThat(b.classification().bounce()).isEqualTo(Bounce.SOFT);
    assertThat(
            BounceParser.addressRefusedOnly("<bob@receiver.test>: Rejected", "bob@receiver.test"))
        .isTrue();
    assertThat(
            BounceParser.addressRefusedOnly(
                "bob@receiver.test rejected: spam", "bob@receiver.test"))
        .isFalse();
    assertThat(BounceParser.addressRefusedOnly("alice@sender.test rejected", "bob@receiver.test"))
        .isFalse();
  }

  /**
   * RFC 3464 §2.3.3: "delayed" says the reporting MTA goes on trying. The reply it quotes was not
   * final for it, whatever its class, so a delay notice is never a hard bounce (sendmail's
   * "Warning: could not send message for past 4 hours" layout).
   */
  @Test
  void aDelayNoticeNeverMakesAnAddressHard() {
    BouncedRecipient b =
        dsn(
            "THIS IS A WARNING MESSAGE ONLY. YOU DO NOT NEED TO RESEND YOUR MESSAGE.",
            "Action: delayed\nStatus: 4.2.0\nDiagnostic-Code: SMTP; 550 5.1.1 <bob@receiver.test>..."
                + " User unknown");
    assertThat(b.classification().reason()).isEqualTo(Reason.USERUNKNOWN);
    assertThat(b.classification().bounce()).isEqualTo(Bounce.SOFT);
  }

  /**
   * A delay notice written for people is read as a DSN's "Action: delayed": Postfix with
   * soft_bounce=yes (https://www.postfix.org/postconf.5.html#soft_bounce) defers what would have
   * bounced and sends its delay notice (bounce(5)'s delay template) quoting the 5xx reply; the
   * sender still retries, and the final bounce, if any, comes later.
   */
  @Test
  void aDelayNoticeForPeopleNeverMakesAnAddressHard() {
    BouncedRecipient b =
        notice(
            "Delayed Mail (still being retried)",
            """
            This is the mail system at host mx.sender.test.

            # THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #

            Your message could not be delivered for more than 4 hour(s).
            It will be retried until it is 5 day(s) old.

            <bob@receiver.test>: host mx.receiver.test[192.0.2.1] said: 550 5.1.1
                <bob@receiver.test>: Recipient address rejected: User unknown in local
                recipient table (in reply to RCPT TO command)
            """);
    assertThat(b.classification().reason()).isEqualTo(Reason.USERUNKNOWN);
    assertThat(b.classification().bounce()).isEqualTo(Bounce.SOFT);
    assertThat(b.action()).isEqualTo("delayed");
  }

  @Test
  void userUnknownInReplyToRcptIsUserUnknown() {
    BouncedRecipient b =
        dsn(
            "<bob@receiver.test>: host mx.receiver.test[192.0.2.7] said: 550 No such user (in"
                + " reply to RCPT TO command)",
            "Action: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550 No such user");
    assertThat(b.classification().reason()).isEqualTo(Reason.USERUNKNOWN);
    assertThat(b.classification().bounce()).isEqualTo(Bounce.HARD);
  }

  @Test
  void anErrorNameThatSaysNoSuchUserInOneWordIsADeadAddress() {
    // A local diagnostic whose number is the server's own, not an SMTP reply: its 500 must not
    // turn the finding into a syntax error.
    BouncedRecipient b =
        dsn(
            "Delivery failed: rc.nosuchuser for bob@receiver.test",
            "Action: failed\nDiagnostic-Code: X-LOCAL; 500 (rc.nosuchuser)");
    assertThat(b.classification().reason()).isEqualTo(Reason.USERUNKNOWN);
    assertThat(b.classification().bounce()).isEqualTo(Bounce.HARD);
  }

  @Test
  void aReplyThatNamesNoSuchUserInOneWordIsUserUnknown() {
    assertThat(reason("550 mailbox lookup: nosuchuser", Phase.RCPT)).isEqualTo(Reason.USERUNKNOWN);
  }

  @Test
  void aLocalDiagnosticWithoutRemoteMtaIsTheReportingHostsOwnVerdict() {
    // No other server took part: the generic words are the host's own lookup, not a refusal of
    // the message after DATA.
    BouncedRecipient b =
        dsn(
            "The message could not be delivered to bob@receiver.test.",
            "Action: failed\nDiagnostic-Code: X-Local; User unknown");
    assertThat(b.classification().reason()).isEqualTo(Reason.USERUNKNOWN);
    assertThat(b.classification().bounce()).isEqualTo(Bounce.HARD);
  }

  @Test
  void anAddressStatusKeepsUserUnknownWhateverThePhase() {
    BouncedRecipient b =
        dsn(
            "The message could not be delivered.",
            "Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown");
    assertThat(b.classification().reason()).isEqualTo(Reason.USERUNKNOWN);
  }

  @Test
  void aProductsOwnDirectoryTextStaysUserUnknown() {
    BouncedRecipient b =
        dsn(
            "The message could not be delivered.",
            "Action: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550 <bob@receiver.test>:"
                + " Recipient address rejected: User unknown in local recipient table");
    assertThat(b.classification().reason()).isEqualTo(Reason.USERUNKNOWN);
  }

  @Test
  void sendmailTranscriptGivesThePhase() {
    BouncedRecipient b =
        notice(
            "Returned mail: see transcript for details",
            """
               ----- The following addresses had permanent fatal errors -----
            <bob@receiver.test>
                (reason: 550 Unknown user bob@receiver.test)

               ----- Transcript of session follows -----
            ... while talking to mx.receiver.test.:
            >>> DATA
            <<< 550 Unknown user bob@receiver.test
            554 5.0.0 Service unavailable
            """);
    assertThat(b.classification().reason()).isEqualTo(Reason.FILTERED);
  }

  @Test
  void qmailRemoteRecipientRefusalIsRcpt() {
    BouncedRecipient b =
        notice(
            "failure notice",
            """
            Hi. This is the qmail-send program at mx.sender.test.
            I'm afraid I wasn't able to deliver your message to the following addresses.
            This is a permanent error; I've given up. Sorry it didn't work out.

            <bob@receiver.test>:
            192.0.2.7 does not like recipient.
            Remote host said: 550 <bob@receiver.test>... User unknown
            Giving up on 192.0.2.7.
            """);
    assertThat(b.classification().reason()).isEqualTo(Reason.USERUNKNOWN);
  }

  @Test
  void aNoticeWithoutAnyCodeIsReadByTheSamePhraseRulesAsAReply() {
    // A notice that quotes no SMTP code and no Status field: the words alone decide, through the
    // same rules as a reply (Orange's French wordings and recipient filters from Sisimai's lists).
    String[][] cases = {
      {"Boite du destinataire pleine", "MAILBOXFULL"},
      {"Taille limite du message atteinte", "EMAILTOOLARGE"},
      {"Message rejected due to user rules", "FILTERED"},
      {"Emetteur invalide", "REJECTED"},
    };
    for (String[] c : cases) {
      BouncedRecipient b =
          notice(
              "failure notice",
              """
              Hi. This is the qmail-send program at mx.sender.test.
              I'm afraid I wasn't able to deliver your message to the following addresses.
              This is a permanent error; I've given up. Sorry it didn't work out.

              <bob@receiver.test>:
              %s
              """
                  .formatted(c[0]));
      assertThat(b.classification().reason()).as(c[0]).isEqualTo(Reason.valueOf(c[1]));
      assertThat(b.classification().bounce()).as(c[0]).isEqualTo(Bounce.SOFT);
    }
  }

  @Test
  void qmailGivingUpOnAHostThatNeverTookAConnectionIsExpired() {
    // qmail-send's words when qmail-remote could reach no mail exchanger until queuelifetime ran
    // out (qmail-remote(8), "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)").
    BouncedRecipient b =
        notice(
            "failure notice",
            """
            Hi. This is the qmail-send program at mx.sender.test.
            I'm afraid I wasn't able to deliver your message to the following addresses.
            This is a permanent error; I've given up. Sorry it didn't work out.

            <bob@receiver.test>:
            Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)
            I'm not going to try again; this message has been in the queue too long.
            """);
    assertThat(b.classification().reason()).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void aDeadAddressStatusDecidesWhenTheWordsAreVague() {
    // RFC 3464 §2.3.4: the Status field is the reporting MTA's own verdict; X.1.1 is "bad
    // destination mailbox address" (RFC 3463 §3.2), evidence enough whatever the reply says.
    for (String diagnostic :
        new String[] {
          "smtp; 550 Requested action not taken: mailbox unavailable",
          "smtp; 550 Rejected",
          "smtp; 550 5.1.1 <bob@receiver.test>: sorry"
        }) {
      BouncedRecipient b =
          dsn(
              "<bob@receiver.test>: host mx.receiver.test[192.0.2.7] said: "
                  + diagnostic.substring(6)
                  + " (in reply to RCPT TO command)",
              "Action: failed\nStatus: 5.1.1\nDiagnostic-Code: " + diagnostic);
      assertThat(b.classification().reason()).as(diagnostic).isEqualTo(Reason.USERUNKNOWN);
      assertThat(b.classification().bounce()).as(diagnostic).isEqualTo(Bounce.HARD);
    }
    // The same vague words with a status that names no cause stay soft.
    BouncedRecipient vague =
        dsn(
            "<bob@receiver.test>: host mx.receiver.test[192.0.2.7] said: 550 Rejected (in reply"
                + " to RCPT TO command)",
            "Action: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550 Rejected");
    assertThat(vague.classification().bounce()).isEqualTo(Bounce.SOFT);
  }

  @Test
  void aDelayNoticeKeepsItsNetworkCause() {
    BouncedRecipient b =
        dsn(
            "<bob@receiver.test>: connect to mx.receiver.test[192.0.2.7]:25: No route to host",
            "Action: delayed\nStatus: 4.4.1\nDiagnostic-Code: X-Postfix; connect to"
                + " mx.receiver.test[192.0.2.7]:25: No route to host");
    assertThat(b.classification().reason()).isEqualTo(Reason.NETWORKERROR);
  }

  @Test
  void aTimeOutReportedInAFinalBounceIsExpired() {
    BouncedRecipient b =
        dsn(
            "<bob@receiver.test>: connect to mx.receiver.test[192.0.2.7]:25: Connection timed out",
            "Action: failed\nStatus: 4.4.1\nDiagnostic-Code: X-Postfix; connect to"
                + " mx.receiver.test[192.0.2.7]:25: Connection timed out");
    assertThat(b.classification().reason()).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void aLocalProgramsExitStatusIsAMailerError() {
    BouncedRecipient b =
        dsn(
            "The message could not be delivered to a program.",
            "Action: failed\nStatus: 5.0.0\nDiagnostic-Code: X-Unix; 255");
    assertThat(b.classification().reason()).isEqualTo(Reason.MAILERERROR);
    assertThat(b.classification().reply().code()).isZero();
  }

  @Test
  void aStatusCommentDescribesARecipientWithoutDiagnostic() {
    BouncedRecipient b =
        dsn(
            "The message could not be delivered yet.",
            "Action: delayed\nStatus: 4.0.0 (receiver.test: host name lookup failure)");
    assertThat(b.classification().reason()).isEqualTo(Reason.NETWORKERROR);
  }

  @Test
  void aNoticeWithoutAReadableCauseIsOnHold() {
    BouncedRecipient b =
        notice(
            "Undeliverable: Lunch",
            """
            Your message

              To: bob@receiver.test
              Subject: Lunch

            did not reach the following recipient: bob@receiver.test
            """);
    assertThat(b.classification().reason()).isEqualTo(Reason.ONHOLD);
  }

  @Test
  void aBare550ReadsThePhase() {
    // A bare 550 at RCPT says nothing about why: no evidence that the address is dead.
    assertThat(reason("550 Rejected", Phase.RCPT)).isEqualTo(Reason.ONHOLD);
    assertThat(reason("550 Rejected", Phase.UNKNOWN)).isEqualTo(Reason.ONHOLD);
    assertThat(ENGINE.classify("550 Rejected", new ReplyContext(Phase.RCPT, null, null)).bounce())
        .isEqualTo(Bounce.SOFT);
    assertThat(reason("550 Rejected", Phase.MAIL)).isEqualTo(Reason.REJECTED);
    assertThat(reason("550 Rejected", Phase.CONNECT)).isEqualTo(Reason.BLOCKED);
    assertThat(reason("550 Rejected", Phase.EHLO)).isEqualTo(Reason.BLOCKED);
    assertThat(reason("550 Rejected", Phase.END_OF_DATA)).isEqualTo(Reason.FILTERED);
    assertThat(ENGINE.classify("550 Rejected", new ReplyContext(Phase.MAIL, null, null)).bounce())
        .isEqualTo(Bounce.SOFT);
  }

  @Test
  void aBare450IsOnHoldAndRetried() {
    var s = ENGINE.classify("450 Please come back later, sorry");
    assertThat(s.reason()).isEqualTo(Reason.ONHOLD);
    assertThat(s.bounce()).isEqualTo(Bounce.SOFT);
  }

  @Test
  void aTemporarilyLockedAccountIsSuspendButSoft() {
    var s =
        ENGINE.classify(
            "550 5.7.1 <bob@receiver.test>: Recipient address rejected: User bob@receiver.test"
                + " temporary locked. Please try again later!");
    assertThat(s.reason()).isEqualTo(Reason.SUSPEND);
    assertThat(s.bounce()).isEqualTo(Bounce.SOFT);
    assertThat(s.action()).isEqualTo(Action.RETRY);
  }

  @Test
  void aDisabledMailboxStatusOutranksAGenericUserUnknown() {
    BouncedRecipient b =
        dsn(
            "The message could not be delivered.",
            "Action: failed\nStatus: 5.2.1 (mailbox disabled, not accepting messages)\n"
                + "Diagnostic-Code: smtp;550 5.2.1 <bob@receiver.test>... User Unknown");
    assertThat(b.classification().reason()).isEqualTo(Reason.SUSPEND);
    assertThat(b.classification().bounce()).isEqualTo(Bounce.HARD);
  }

  @Test
  void docomosUnknownUserAfterTheMessageRefusesTheSender() {
    BouncedRecipient b =
        dsn(
            "<bob@docomo.ne.jp>: host mfsmax.docomo.ne.jp[192.0.2.7] said: 550 Unknown user"
                + " bob@docomo.ne.jp (in reply to end of DATA command)",
            "Action: failed\nStatus: 5.0.0\nRemote-MTA: dns; mfsmax.docomo.ne.jp\n"
                + "Diagnostic-Code: smtp; 550 Unknown user bob@docomo.ne.jp");
    assertThat(b.classification().reason()).isEqualTo(Reason.REJECTED);
    assertThat(b.classification().bounce()).isEqualTo(Bounce.SOFT);
    assertThat(b.classification().action()).isEqualTo(Action.CONTACT_RECIPIENT);
  }

  @Test
  void sendmailsRemoteProtocolErrorReadsTheRemoteReplyAboveIt() {
    BouncedRecipient b =
        notice(
            "Returned mail: Remote protocol error",
            """
               ----- Transcript of session follows -----
            While talking to mx.receiver.test:
            >>> MAIL From:<alice@sender.test>
            <<< 550 Insecure Mail Relay
            554 <bob@receiver.test>... Remote protocol error
            421 other.test (smtp)... Deferred: Connection timed out during user open with other.test
            """);
    assertThat(b.classification().reason()).isEqualTo(Reason.NORELAYING);
  }

  /**
   * sendmail logs one host's error after another without a blank line; a recipient's description
   * ends where a line about another target begins. Layout of the V5 sendmail transcript in the
   * Sisimai corpus (lhost-v5sendmail-05.eml): the first recipient's session broke after DATA, and
   * the next line, another domain's "Host unknown", is not its cause.
   */
  @Test
  void aRecipientsTranscriptEndsAtSendmailsLineAboutAnotherTarget() {
    String mail =
        """
        From: Mail Delivery Subsystem <MAILER-DAEMON@mx.sender.test>
        To: alice@sender.test
        Subject: Returned mail: User unknown

           ----- Transcript of session follows -----
        While talking to receiver.test:
        >>> DATA
        <<< 550 Message refused
        421 receiver.test (smtp)... Deferred: Connection reset by peer during result wait
        554 <bob@receiver.test>... Remote protocol error: Connection reset by peer
        550 other.test (smtp)... 550 Host unknown
        554 <carol@other.test>... 550 Host unknown (Authoritative answer from name server)
        554 <dave@third.test>... 554 Service unavailable
        550 fourth.test (smtp)... 550 Host unknown
        554 <erin@fourth.test>... 550 Host unknown (Authoritative answer from name server)

           ----- Unsent message follows -----
        From: alice@sender.test
        To: bob@receiver.test, carol@other.test, dave@third.test, erin@fourth.test
        Subject: hello
        """;
    BounceReport r = PARSER.parse(mail.getBytes(StandardCharsets.UTF_8));
    assertThat(r.recipients())
        .extracting(BouncedRecipient::recipient)
        .containsExactly(
            "bob@receiver.test", "carol@other.test", "dave@third.test", "erin@fourth.test");
    assertThat(r.recipients())
        .extracting(b -> b.classification().bounce())
        .containsExactly(Bounce.SOFT, Bounce.HARD, Bounce.SOFT, Bounce.HARD);
    assertThat(r.recipients().get(1).classification().reason()).isEqualTo(Reason.HOSTUNKNOWN);
    assertThat(TextNotice.sendmailTarget("550 other.test (smtp)... 550 Host unknown"))
        .isEqualTo("other.test");
    assertThat(TextNotice.sendmailTarget("550 5.1.1 <Bob@receiver.test>... User unknown"))
        .isEqualTo("bob@receiver.test");
    assertThat(TextNotice.sendmailTarget("<<< 550 Message refused")).isNull();
  }

  /**
   * A gateway that quotes the next server's reply inside a verdict of its own ("5.1.0 - Unknown
   * address error 550-'...'"): the quoted reply's codes and words decide, not the gateway's summary
   * code. Exchange Online's directory refusal needs its own 5.4.1 to be read as a missing
   * recipient; under the gateway's 5.1.0 the same words are an access map's refusal.
   */
  @Test
  void aReplyQuotedInAGatewaysVerdictIsReadWithItsOwnCodes() {
    BouncedRecipient b =
        dsn(
            "Delivery to <bob@receiver.test> failed.\nCause:\n5.1.0 - Unknown address error"
                + " 550-'5.4.1 Recipient address rejected: Access denied. [edge.receiver.test]'",
            "Action: failed\nStatus: 5.0.0 (permanent failure)\nRemote-MTA: dns; [192.0.2.9]\n"
                + "Diagnostic-Code: smtp; 5.1.0 - Unknown address error 550-'5.4.1 Recipient"
                + " address rejected: Access denied. [edge.receiver.test]' (delivery attempts: 0)");
    assertThat(b.classification().reason()).isEqualTo(Reason.USERUNKNOWN);
    assertThat(b.classification().enhanced().toString()).isEqualTo("5.4.1");
    assertThat(b.classification().bounce()).isEqualTo(Bounce.HARD);
    // the diagnostic shown is what the bounce wrote
    assertThat(b.diagnostic()).startsWith("5.1.0 - Unknown address error");

    // the same framing in a notice without a DSN part
    BouncedRecipient t =
        notice(
            "Delivery failure",
            """
            The message to <bob@receiver.test> could not be delivered.
            The cause:
            5.1.0 - Unknown address error 550-'5.2.2 <bob@receiver.test>... Mailbox full'
            """);
    assertThat(t.classification().reason()).isEqualTo(Reason.MAILBOXFULL);

    assertThat(
            Replies.framedReply(
                "5.1.0 - Unknown address error 550-'5.1.1 <b@r.test>: User unknown' (attempts: 1)"))
        .isEqualTo("550 5.1.1 <b@r.test>: User unknown");
    assertThat(Replies.framedReply("5.3.0 - Other mail system problem 554-'Too many hops'"))
        .isEqualTo("554 Too many hops");
    // not that shape: a reply of its own, a quote without the basic code in front of it
    assertThat(Replies.framedReply("550 5.1.1 <b@r.test>: User unknown")).isNull();
    assertThat(Replies.framedReply("5.1.0 - Unknown address error 'no code here'")).isNull();
    assertThat(Replies.framedReply("5.1.0 - see 550-'x' and it's 12 more")).isNull();
  }

  /**
   * A DSN without Remote-MTA and Diagnostic-Code reports the reporting host's own verdict: its
   * "Unknown user" (Exim's text for a local part it cannot route) is its own lookup of the address,
   * not a generic refusal given after DATA by another server (which reads as filtered).
   */
  @Test
  void theReportingHostsOwnUnknownUserIsAMissingAddress() {
    BouncedRecipient own =
        dsn(
            "A message that you sent could not be delivered to one or more of its\n"
                + "recipients. This is a permanent error. The following address(es) failed:\n\n"
                + "  bob@receiver.test\n    Unknown user",
            "Action: failed\nStatus: 5.0.0");
    assertThat(own.classification().reason()).isEqualTo(Reason.USERUNKNOWN);
    assertThat(own.classification().bounce()).isEqualTo(Bounce.HARD);

    // another server's generic words, after DATA, stay filtered (the test above); and with a
    // Remote-MTA the words are that server's, whose phase the report does not give
    BouncedRecipient remote =
        dsn(
            "The following address(es) failed:\n\n  bob@receiver.test\n    Unknown user",
            "Action: failed\nStatus: 5.0.0\nRemote-MTA: dns; mx.receiver.test");
    assertThat(remote.classification().reason()).isEqualTo(Reason.FILTERED);
  }

  /**
   * A delay notice that names no cause: the sender still retries, nothing has expired yet, and no
   * cause can be read, so it is undefined (soft). One that names its cause keeps it, and one that
   * failed after the retry period is expired.
   */
  @Test
  void aDelayNoticeWithoutACauseIsUndefinedNotExpired() {
    BouncedRecipient waiting =
        dsn(
            "Your message has not been delivered to one of its recipients yet; the mail system"
                + " keeps trying and will tell you if it gives up.\n\n  bob@receiver.test",
            "Action: delayed\nStatus: 4.0.0");
    assertThat(waiting.classification().reason()).isEqualTo(Reason.UNDEFINED);
    assertThat(waiting.classification().bounce()).isEqualTo(Bounce.SOFT);

    BouncedRecipient withCause =
        dsn(
            "Still trying to deliver your message to bob@receiver.test.",
            "Action: delayed\nStatus: 4.2.2\nDiagnostic-Code: smtp; 452 4.2.2 Mailbox full");
    assertThat(withCause.classification().reason()).isEqualTo(Reason.MAILBOXFULL);

    BouncedRecipient gaveUp =
        dsn(
            "Delivery to bob@receiver.test failed; no further attempts will be made.",
            "Action: failed\nStatus: 4.4.7");
    assertThat(gaveUp.classification().reason()).isEqualTo(Reason.EXPIRED);

    // the same warning in words only, without a report part
    BouncedRecipient warning =
        notice(
            "Warning: message 1abcde-000001-AB delayed 24 hours",
            """
            A message that you sent has not yet been delivered to one or more of its
            recipients after more than 24 hours on the queue.

              bob@receiver.test

            No action is required on your part. Delivery attempts will continue for
            some time.
            """);
    assertThat(warning.classification().reason()).isEqualTo(Reason.UNDEFINED);
    assertThat(warning.classification().bounce()).isEqualTo(Bounce.SOFT);
  }

  private static Reason reason(String reply, Phase phase) {
    return ENGINE.classify(reply, new ReplyContext(phase, null, null)).reason();
  }

  @Test
  void dominoDirectoryRefusalInGermanIsAnUnknownUser() {
    BouncedRecipient b =
        dsn(
            "Ihre Nachricht wurde nicht zugestellt an bob@receiver.test",
            "Action: failed\nStatus: 5.0.0\nDiagnostic-Code: X-Notes; Benutzer Bob"
                + " (bob@receiver.test) nicht im Domino-Verzeichnis aufgef\u00fchrt");
    assertThat(b.classification().reason()).isEqualTo(Reason.USERUNKNOWN);
    assertThat(b.classification().bounce()).isEqualTo(Bounce.HARD);
  }

  @Test
  void diagnosticFoldedWithoutLeadingWhiteSpaceIsReadWhole() {
    BouncedRecipient b =
        dsn(
            "The following address had delivery problems: <bob@receiver.test>",
            "Action: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550 <bob@receiver.test> is"
                + " not a\nknown recipient of this gateway\nRemote-MTA: dns; mx.receiver.test");
    assertThat(b.diagnostic())
        .isEqualTo("550 <bob@receiver.test> is not a known recipient of this gateway");
    assertThat(b.remoteMta()).isEqualTo("mx.receiver.test");
  }

  @Test
  void reportTypedDeliveryStatusWithoutItsPartIsAFailureWithoutCause() {
    String mail =
        """
        From: Mail Delivery System <MAILER-DAEMON@mx.sender.test>
        To: alice@sender.test
        Subject: Returned mail
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

        --b1
        Content-Type: text/plain

        Your mail came back.

        --b1
        Content-Type: message/rfc822

        From: alice@sender.test
        Subject: hello

        hello

        --b1--
        """;
    BounceReport r = PARSER.parse(mail.getBytes(StandardCharsets.UTF_8));
    assertThat(r.kind()).isNotEqualTo(BounceReport.Kind.NOT_A_BOUNCE);
    assertThat(r.recipients()).hasSize(1);
    assertThat(r.recipients().getFirst().recipient()).isNull();
    assertThat(r.recipients().getFirst().classification().reason()).isEqualTo(Reason.UNDEFINED);
    assertThat(r.recipients().getFirst().classification().bounce()).isEqualTo(Bounce.SOFT);
  }

  @Test
  void reportTypedDeliveryStatusThatNamesOnlyDeliveredRecipientsStaysNoFailure() {
    String mail =
        """
        From: Mail Delivery System <MAILER-DAEMON@mx.sender.test>
        To: alice@sender.test
        Subject: Successful Mail Delivery Report
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

        --b1
        Content-Type: text/plain

        Your message was delivered.

        --b1
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.sender.test

        Final-Recipient: rfc822; bob@receiver.test
        Action: delivered
        Status: 2.0.0

        --b1--
        """;
    BounceReport r = PARSER.parse(mail.getBytes(StandardCharsets.UTF_8));
    assertThat(r.recipients().stream().filter(x -> "failed".equals(x.action()))).isEmpty();
  }
}
