package dev.petrel.status.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.status.StatusEngine;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which recipients a bounce reports: exactly the ones that failed. Each case is a short notice
 * built from a bounce pasted in public (the source is cited; addresses anonymised), with the set of
 * failed recipients it reports. The cases go by kind of mistake: addresses a notice gives as
 * contacts or quotes from the returned message's header, Exchange and X.400 address forms, notices
 * that name the mailbox only, and DSN groups that are not failures.
 */
class BounceRecipientsTest {

  private static final BounceParser PARSER = new BounceParser(StatusEngine.standard());

  record Case(String name, String source, String mail, Set<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        // ------------------------------------------------------------ contacts in the notice
        new Case(
            "contact address in the remote reply (Microsoft's delisting address)",
            "https://github.com/haraka/Haraka/issues/848",
            """
            From: MAILER-DAEMON@mx.sender.example
            To: alice@sender.example
            Subject: failure notice

            Hi. This is the Haraka Mailer program at mx.sender.example.
            I'm afraid I wasn't able to deliver your message to the following addresses.
            This is a permanent error; I've given up. Sorry it didn't work out.

            Intended Recipients: <hanna@receiver.example>
            Failure Reason: 550 5.7.1 Service unavailable; Client host [192.0.2.128] blocked \
            using FBLW15; To request removal from this list please forward this message to \
            delist@messaging.microsoft.com
            """,
            Set.of("hanna@receiver.example")),
        new Case(
            "contact address beside a recipient named in running text",
            "https://github.com/EnterpriseDB/barman/issues/860 (notice),"
                + " https://github.com/Mailu/Mailu/issues/1614 (T-Online's reply)",
            """
            From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
            To: alice@sender.example
            Subject: Delivery Status Notification (Failure)

            Address not found

            Your message wasn't delivered to bob@t-online.example because the address \
            couldn't be found, or is unable to receive mail.

            The response from the remote server was:
            554 IP=192.0.2.1 - A problem occurred. (Ask your postmaster for help or to contact \
            tosa@rx.t-online.example to clarify.) (BL)
            """,
            Set.of("bob@t-online.example")),
        new Case(
            "postmaster of the reporting host on a line of its own",
            "https://github.com/openhatch/oh-mainline/issues/605",
            """
            From: MAILER-DAEMON@mail.relay.example (Mail Delivery System)
            To: alice@sender.example
            Subject: Undelivered Mail Returned to Sender

            This is the mail system at host mail.relay.example.

            I'm sorry to have to inform you that your message could not
            be delivered to one or more recipients. It's attached below.

            For further assistance, please send mail to
            postmaster@relay.example

            If you do so, please include this problem report. You can
            delete your own text from the attached returned message.

                               The mail system

            Lordfrags.PmgDoC0V@forwarder.example: host
                linode.forwarder.example[192.0.2.254] said: 550 5.1.1
                User unknown in virtual alias table (in reply to RCPT TO command)
            """,
            Set.of("lordfrags.pmgdoc0v@forwarder.example")),
        new Case(
            "a role address of another domain can be the failed recipient",
            "https://github.com/haraka/Haraka/issues/568",
            """
            From: MAILER-DAEMON@mail.relay.example
            To: alice@sender.example
            Subject: failure notice

            Hi. This is the Haraka Mailer program at mail.relay.example.
            I'm afraid I wasn't able to deliver your message to the following addresses.
            This is a permanent error; I've given up. Sorry it didn't work out.

            <abuse@receiver.example>: 550 5.1.1 mailbox unavailable
            """,
            Set.of("abuse@receiver.example")),
        // ------------------------------------------------------------ the original's header
        new Case(
            "Exchange 5.5 quotes the original's To and a folded Cc",
            "https://mskb.pkisolutions.com/kb/251152",
            """
            From: System Administrator <postmaster@testdomain.example>
            To: user@testdomain2.example
            Subject: Undeliverable: test

            Your message

              To:      testuser@receiver.example
              Cc:      carol@receiver.example,
                       dave@other.example
              Subject: test
              Sent:    Mon, 17 Jan 2000 16:48:45 -0500

            did not reach the following recipient(s):

            testuser@receiver.example on Mon, 17 Jan 2000 16:49:22 -0500
                The recipient name is ambiguous.
            """,
            Set.of("testuser@receiver.example")),
        new Case(
            "an indented line after a quoted To: without a comma is the notice's own",
            "https://mskb.pkisolutions.com/kb/251152",
            """
            From: System Administrator <postmaster@testdomain.example>
            To: user@testdomain2.example
            Subject: Undeliverable: test

            Your message
              To: testuser@receiver.example
              did not reach the following recipient(s):
              testuser@receiver.example on Mon, 17 Jan 2000 16:49:22 -0500
                The recipient name is ambiguous.
            """,
            Set.of("testuser@receiver.example")),
        new Case(
            "header of the original (Delivered-To, List-Post) copied without a separator",
            "https://github.com/haraka/Haraka/issues/568 (notice),"
                + " https://github.com/odoo/odoo/pull/42340 (Delivered-To first in the header)",
            """
            From: MAILER-DAEMON@mail.relay.example
            To: list-bounces@lists.example
            Subject: failure notice

            Hi. This is the Haraka Mailer program at mail.relay.example.
            I'm afraid I wasn't able to deliver your message to the following addresses.
            This is a permanent error; I've given up. Sorry it didn't work out.

            <user@receiver.example>: 550 5.1.1 Too many failures (Tried all MXs)

            Delivered-To: team@lists.example
            List-Post: <team@lists.example>
            Received: (Haraka outbound); Tue, 29 Apr 2014 12:27:44 -0400
            Received: from lists.example by mail.relay.example
            Subject: minutes
            """,
            Set.of("user@receiver.example")),
        new Case(
            "notice names a display name only: the original's Received names the recipient",
            "https://ftp.zx.net.nz/pub/archive/ftp.microsoft.com/MISC/KB/en-us/284/204.HTM",
            """
            From: System Administrator <postmaster@receiver.example>
            To: alice@sender.example
            Subject: Undeliverable: Quarterly figures
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b6"

            --b6
            Content-Type: text/plain

            Your message did not reach some or all of the intended recipients.

                  Subject:  Quarterly figures
                  Sent:     7/11/2001 9:20 AM

            The following recipient(s) could not be reached:

                  'Bob Smith' on 7/11/2001 9:20 AM
                        The e-mail account does not exist at the organization this message             was sent to.
                        <server.receiver.example #5.1.1>
            --b6
            Content-Type: message/rfc822

            Received: from mail.sender.example by server.receiver.example
                for <bob@receiver.example>; Wed, 11 Jul 2001 09:20:00 -0400
            From: Alice <alice@sender.example>
            To: Bob Smith <bob@receiver.example>, Carol <carol@other.example>
            Subject: Quarterly figures

            figures attached
            --b6--
            """,
            Set.of("bob@receiver.example")),
        // ------------------------------------------------------------ Exchange and X.400 forms
        new Case(
            "IMCEA-encapsulated SMTP address (Exchange 5.5 NDR)",
            "https://mskb.pkisolutions.com/kb/189492",
            """
            From: System Administrator <postmaster@corp.example>
            To: alice@corp.example
            Subject: Undeliverable: Test Message

            Your message did not reach some or all of the intended recipients.

                  Subject:   Test Message
                  Sent:   11/3/97 12:03 PM

               The following recipient(s) could not be reached:

                  IMCEASMTP-swadmin+40corporate+2Eexample@* on 11/3/97 12:03 PM
                     The recipient name is not recognized
                     MSEXCH:IMC:Microsoft:CIRCUS:CLOWNS 3553 553 malformed address:
                        IMCEASMTP-swadmin+40corporate+2Eexample@*
            """,
            Set.of("swadmin@corporate.example")),
        new Case(
            "X.400 address with an SMTP domain-defined attribute (Exchange 2003 NDR)",
            "https://ftp.zx.net.nz/pub/archive/ftp.microsoft.com/MISC/KB/en-us/284/204.HTM"
                + " (notice); X.400 DDA form: https://mskb.pkisolutions.com/kb/263563",
            """
            From: System Administrator <postmaster@nwtraders.example>
            To: alice@nwtraders.example
            Subject: Undeliverable: Original Message

            Your message did not reach some or all of the intended recipients.

                  Subject:  Original Message
                  Sent:     7/11/2001 9:20 AM

            The following recipient(s) could not be reached:

                  c=US;a= ;p=Nwtraders;o=Exchange;dda:SMTP=user@receiver.example; on 7/11/2001
                        The e-mail account does not exist at the organization this message \
            was sent to.
                        <server.nwtraders.example #5.1.1>
            """,
            Set.of("user@receiver.example")),
        new Case(
            "X.400 RFC-822 attribute writes (a) for @",
            "https://library.thedatadungeon.com/msdn-2000-04/kbmsg/source/pcmail/q118858.content.htm"
                + " (the (a) form); notice layout of Microsoft KB 284204",
            """
            From: System Administrator <postmaster@nwtraders.example>
            To: alice@nwtraders.example
            Subject: Undeliverable: Original Message

            The following recipient(s) could not be reached:

                  c=US;a= ;p=Nwtraders;o=Exchange;dda:RFC-822=user(a)receiver.example;
                        The recipient name is not recognized
            """,
            Set.of("user@receiver.example")),
        // ------------------------------------------------------------ the mailbox only
        new Case(
            "sendmail local delivery names the mailbox only",
            "http://help.westelcom.com/articles/e-mail_bounce.htm",
            """
            Return-Path: <MAILER-DAEMON>
            From: Mail Delivery Subsystem <MAILER-DAEMON@westelcom.example>
            To: <alice@sender.example>
            Subject: Returned mail: User unknown
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain

            The original message was received at Thu, 10 Apr 1997 08:59:38 -0400
            (EDT) from brickbat9.westelcom.example [192.0.2.12]

               ----- The following addresses had permanent fatal errors -----
            xxxxxxx

               ----- Transcript of session follows -----
            550 xxxxxxx... User unknown

            --b1
            Content-Type: message/rfc822

            From: alice@sender.example
            To: xxxxxxx@westelcom.example
            Cc: yyyy@westelcom.example
            Subject: hello

            hi
            --b1--
            """,
            Set.of("xxxxxxx@westelcom.example")),
        new Case(
            "DSN that names the mailbox only",
            "https://github.com/sympa-community/sympa/issues/447 (layout);"
                + " RFC 3464 section 2.3.2 (Final-Recipient)",
            """
            From: MAILER-DAEMON@monserveur.example (Mail Delivery System)
            To: alice@sender.example
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b2"

            --b2
            Content-Type: text/plain

            <camille>: unknown user: "camille"

            --b2
            Content-Type: message/delivery-status

            Reporting-MTA: dns; monserveur.example

            Final-Recipient: rfc822; camille
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: X-Postfix; unknown user: "camille"

            --b2
            Content-Type: message/rfc822

            From: alice@sender.example
            To: camille@monserveur.example, other@elsewhere.example
            Subject: hello

            hi
            --b2--
            """,
            Set.of("camille@monserveur.example")),
        // ------------------------------------------------------------ structured evidence
        new Case(
            "DSN groups relayed or delivered beside the failed ones",
            "https://github.com/sympa-community/sympa/issues/447 (layout);"
                + " RFC 3464 section 2.3.3 (Action)",
            """
            From: MAILER-DAEMON@monserveur.example (Mail Delivery System)
            To: list-owner@listes.example
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b3"

            --b3
            Content-Type: text/plain

            <camille.ct@gmail.example>: Spam message rejected

            --b3
            Content-Type: message/delivery-status

            Reporting-MTA: dns; monserveur.example

            Final-Recipient: rfc822; camille.ct@gmail.example
            Action: failed
            Status: 5.7.1
            Diagnostic-Code: X-Postfix; Spam message rejected

            Final-Recipient: rfc822; lm0@sfr.example
            Action: relayed
            Status: 2.0.0
            Diagnostic-Code: smtp; 250 2.0.0 Ok: queued

            Final-Recipient: rfc822; noel-ro@orange.example
            Action: delivered
            Status: 2.0.0
            --b3--
            """,
            Set.of("camille.ct@gmail.example")),
        new Case(
            "DSN group naming the domain only: the one recipient of the notice's text",
            "http://help.westelcom.com/articles/e-mail_bounce.htm (notice and DSN fields)",
            """
            From: Mail Delivery Subsystem <MAILER-DAEMON@westelcom.example>
            To: <support@westelcom.example>
            Subject: Returned mail: Host unknown
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b5"

            --b5
            Content-Type: text/plain

               ----- The following addresses had permanent fatal errors -----
            <jdoe@home.example>

               ----- Transcript of session follows -----
            550 5.1.2 <jdoe@home.example>... Host unknown (Name server: mail.home.example:             host not found)

            --b5
            Content-Type: message/delivery-status

            Reporting-MTA: dns; camel10.westelcom.example
            Received-From-MTA: DNS; brickbat9.westelcom.example

            Final-Recipient: RFC822; @mail.home.example
            Action: failed
            Status: 5.1.2
            --b5--
            """,
            Set.of("jdoe@home.example")),
        new Case(
            "Exim: DSN names the pipe, X-Failed-Recipients the address",
            "https://github.com/nriley/Pester/issues/14 (Exim's notice)",
            """
            X-Failed-Recipients: xxxxx@xxxx.example
            From: Mail Delivery System <Mailer-Daemon@relay.example>
            To: alice@sender.example
            Subject: Mail delivery failed: returning message to sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b4"

            --b4
            Content-Type: text/plain

            This message was created automatically by mail delivery software.

            A message that you sent could not be delivered to one or more of
            its recipients. This is a permanent error. The following address
            failed:

              pipe to |/usr/local/bin/filter
                generated by xxxxx@xxxx.example
                Child process of address_pipe transport returned 69

            --b4
            Content-Type: message/delivery-status

            Reporting-MTA: dns; relay.example

            Action: failed
            Final-Recipient: rfc822;|/usr/local/bin/filter
            Status: 5.0.0
            --b4--
            """,
            Set.of("xxxxx@xxxx.example")),
        // ------------------------------------------------- final and original recipient differ
        new Case(
            "DSN: Final-Recipient is the host's internal name, Original-Recipient the address sent to",
            "RFC 3464 sections 2.3.1 and 2.3.2 (a minimal notice written for this test)",
            """
            From: MAILER-DAEMON@store.example (Mail Delivery System)
            To: alice@sender.example
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b6"

            --b6
            Content-Type: text/plain

            <carol@public.example>: the mailbox store refused the message: quota full.

            --b6
            Content-Type: message/delivery-status

            Reporting-MTA: dns; store.example

            Final-Recipient: rfc822; carol@cluster7.internal
            Original-Recipient: rfc822;carol@public.example
            Action: failed
            Status: 5.2.2

            --b6
            Content-Type: message/rfc822

            From: alice@sender.example
            To: carol@public.example
            Subject: hello

            hi
            --b6--
            """,
            Set.of("carol@public.example")),
        new Case(
            "DSN: an address forwarded to keeps its Final-Recipient",
            "RFC 3464 sections 2.3.1 and 2.3.2 (a minimal notice written for this test)",
            """
            From: MAILER-DAEMON@fwd.example (Mail Delivery System)
            To: alice@sender.example
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b7"

            --b7
            Content-Type: text/plain

            <dave@elsewhere.example> (expanded from <dave@fwd.example>): host
                mx.elsewhere.example said: 550 5.1.1 no such user here

            --b7
            Content-Type: message/delivery-status

            Reporting-MTA: dns; fwd.example

            Final-Recipient: rfc822; dave@elsewhere.example
            Original-Recipient: rfc822;dave@fwd.example
            Action: failed
            Status: 5.1.1

            --b7--
            """,
            Set.of("dave@elsewhere.example")),
        new Case(
            "DSN: an unreadable Final-Recipient and an Original-Recipient named nowhere else",
            "RFC 3464 sections 2.3.1 and 2.3.2 (a minimal notice written for this test, after the"
                + " masked report in the mail gem's fixtures)",
            """
            From: MAILER-DAEMON@mx.box.example (Mail Delivery System)
            To: alice@sender.example
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b7m"

            --b7m
            Content-Type: text/plain

            <frank@box.example>: Message delivery failed

            --b7m
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.box.example

            Final-Recipient: rfc822; *****@*****
            Original-Recipient: rfc822;frank@old.example
            Action: failed
            Status: 5.2.0

            --b7m
            Content-Type: message/rfc822

            Received: from mx.sender.example by mx.box.example
            	for <frank@box.example>; Tue, 27 Jun 2023 21:25:53 +0000
            From: alice@sender.example
            To: frank@box.example
            Subject: hello

            hi
            --b7m--
            """,
            Set.of("frank@box.example")),
        new Case(
            "DSN: an Original-Recipient the notice also names keeps it",
            "RFC 3464 sections 2.3.1 and 2.3.2 (a minimal notice written for this test)",
            """
            From: MAILER-DAEMON@mx.box.example (Mail Delivery System)
            To: alice@sender.example
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b7n"

            --b7n
            Content-Type: text/plain

            <grace@box.example>: mailbox unavailable. Please write to help@box.example.

            --b7n
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.box.example

            Final-Recipient: rfc822; *****@*****
            Original-Recipient: rfc822;grace@box.example
            Action: failed
            Status: 5.2.0

            --b7n--
            """,
            Set.of("grace@box.example")),
        new Case(
            "a notice part typed message/delivery-status beside the real fields",
            "RFC 3464 section 2 and RFC 6522 section 3 (a minimal notice written for this test,"
                + " after an InterMail report in the mail gem's fixtures)",
            """
            From: Mail Administrator <Postmaster@sms.example>
            To: alice@sender.example
            Subject: Mail System Error - Returned Mail
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b7p"

            --b7p
            Content-Type: message/delivery-status;

            This Message was undeliverable due to the following reason:

            <heidi@sms.example> has restricted SMS e-mail

            Please reply to <Postmaster@sms.example>
            if you feel this message to be in error.

            --b7p
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mta.sms.example

            Original-Recipient: rfc822;heidi@sms.example
            Final-Recipient: RFC822; <heidi@sms.example>
            Action: failed
            Status: 5.3.0

            --b7p--
            """,
            Set.of("heidi@sms.example")),
        // ------------------------------------------------- a mail saved with a blank line on top
        new Case(
            "Exchange DSN saved with a line of spaces above its header",
            "RFC 3464 section 2 (a minimal notice written for this test)",
            "\n      \n"
                + """
                From: postmaster@corp.example
                To: alice@sender.example
                Subject: Delivery Status Notification (Failure)
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="b8"

                --b8
                Content-Type: text/plain

                Delivery to the following recipients failed.

                       erin@corp.example

                --b8
                Content-Type: message/delivery-status

                Reporting-MTA: dns;mail.corp.example

                Final-Recipient: rfc822;erin@corp.example
                Action: failed
                Status: 5.1.1

                --b8
                Content-Type: message/rfc822

                From: alice@sender.example
                To: frank@other.example, erin@corp.example
                Subject: two recipients

                hi
                --b8--
                """,
            Set.of("erin@corp.example")),
        // ------------------------------------------- a recipient whose domain is a single label
        new Case(
            "Exim DSN for an address of a one-label domain refused after HELO",
            "https://github.com/Exim/exim/blob/1c5b14999af72b5e2471f708b91631738f07dfb7/test/mail/0211.CALLER",
            """
            From: Mail Delivery System <Mailer-Daemon@sender.example>
            To: alice@sender.example
            X-Failed-Recipients: bob@mailhost,
              carol@intranet
            Subject: Mail delivery failed: returning message to sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b9"

            --b9
            Content-type: text/plain; charset=us-ascii

            A message that you sent could not be delivered to one or more of its
            recipients. This is a permanent error. The following address(es) failed:

              bob@mailhost
              host 192.0.2.7 [192.0.2.7]
                SMTP error from remote mail server after HELO mx.sender.example:
                550 Go away
              carol@intranet
              host 192.0.2.7 [192.0.2.7]
                SMTP error from remote mail server after HELO mx.sender.example:
                550 Go away

            --b9
            Content-type: message/delivery-status

            Reporting-MTA: dns; mx.sender.example

            Action: failed
            Final-Recipient: rfc822;bob@mailhost
            Status: 5.0.0
            Remote-MTA: dns; 192.0.2.7
            Diagnostic-Code: smtp; 550 Go away

            Action: failed
            Final-Recipient: rfc822;carol@intranet
            Status: 5.0.0
            Remote-MTA: dns; 192.0.2.7
            Diagnostic-Code: smtp; 550 Go away

            --b9
            Content-type: message/rfc822

            From: alice@sender.example
            Subject: two local hosts

            hi
            --b9--
            """,
            Set.of("bob@mailhost", "carol@intranet")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsExactlyTheFailedRecipients(Case c) {
    BounceReport r = PARSER.parse(c.mail().getBytes(StandardCharsets.UTF_8));
    Set<String> got = new TreeSet<>();
    for (BouncedRecipient b : r.recipients()) got.add(String.valueOf(b.recipient()));
    assertThat(got).as(c.name() + " (" + c.source() + ")").isEqualTo(new TreeSet<>(c.expected()));
  }

  @ParameterizedTest
  @MethodSource("forms")
  void addressFormsOfExchangeAndX400(String text, List<String> expected) {
    assertThat(Addresses.find(text)).extracting(Addresses.Found::address).isEqualTo(expected);
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> forms() {
    return Stream.of(
        org.junit.jupiter.params.provider.Arguments.of(
            "dda:SMTP=bob@example.org;", List.of("bob@example.org")),
        org.junit.jupiter.params.provider.Arguments.of(
            "[smtp:bob@example.org]", List.of("bob@example.org")),
        org.junit.jupiter.params.provider.Arguments.of(
            "IMCEASMTP-j+2Edoe+40example+2Eorg@gw.example.net", List.of("j.doe@example.org")),
        org.junit.jupiter.params.provider.Arguments.of(
            "IMCEAEX-_o=Org_ou=Admin_cn=Recipients_cn=bob@corp.example",
            List.of("imceaex-_o=org_ou=admin_cn=recipients_cn=bob@corp.example")),
        org.junit.jupiter.params.provider.Arguments.of(
            "RFC-822=bob(a)example.org; and c=US", List.of("bob@example.org")),
        org.junit.jupiter.params.provider.Arguments.of(
            "a=b@example.org", List.of("a=b@example.org")),
        // internationalised addresses (RFC 6531/6532), example from
        // https://en.wikipedia.org/wiki/International_email
        org.junit.jupiter.params.provider.Arguments.of(
            "Final-Recipient: rfc822; 用户@例子.广告", List.of("用户@例子.广告")),
        org.junit.jupiter.params.provider.Arguments.of(
            "<bob+\uD83D\uDC08@example.org>", List.of("bob+\uD83D\uDC08@example.org")),
        // Japanese notices write no space between a word and the address
        org.junit.jupiter.params.provider.Arguments.of(
            "宛先bob@example.jp", List.of("bob@example.jp")),
        // a UTF-8 local part copied into a 7-bit notice as an RFC 2047 encoded word
        org.junit.jupiter.params.provider.Arguments.of(
            "<=?utf-8?Q?j=C3=B6rg?=@example.org>... User unknown", List.of("jörg@example.org")),
        org.junit.jupiter.params.provider.Arguments.of(
            "RCPT To:<=?utf-8?B?8J+QiA==?=@example.org>", List.of("\uD83D\uDC08@example.org")));
  }
}
