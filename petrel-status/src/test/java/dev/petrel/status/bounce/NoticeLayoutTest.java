package dev.petrel.status.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.status.Bounce;
import dev.petrel.status.StatusEngine;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Layouts of notices found on a second sample of bounces (docs/bounce-formats.md, "A second
 * sample"), each as a minimal notice written for the test from the layout the MTA documents: the
 * text of a notice handed over without its mail header, a recipient's entry whose indented
 * description quotes another address, wording wrapped onto two lines, and Exchange's notice in
 * another language.
 */
class NoticeLayoutTest {

  private static final BounceParser PARSER = new BounceParser(StatusEngine.standard());

  record Case(String name, String source, String mail, Set<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        // ------------------------------------------------ the notice's text without its header
        new Case(
            "Postfix's notice text alone, its opening sentence wrapped onto two lines",
            "Postfix bounce(5), the default template: https://www.postfix.org/bounce.5.html",
            """
            This is the mail system at host relay.sender.example.

            I'm sorry to have to inform you that your message could not
            be delivered to one or more recipients. It's attached below.

                               The mail system

            <carol@dest.example>: host mx.dest.example[192.0.2.7] said: 550 5.1.1
                <carol@dest.example>: Recipient address rejected: User unknown (in reply
                to RCPT TO command)
            """,
            Set.of("carol@dest.example")),
        new Case(
            "Gmail's notice text alone, which opens with a blank line",
            "https://support.google.com/mail/answer/6596 (Gmail's bounce wording)",
            """

            ** Address not found **

            Your message wasn't delivered to dave@dest.example because the address couldn't \
            be found, or is unable to receive mail.
            """,
            Set.of("dave@dest.example")),
        new Case(
            "a role mailbox of another domain is the recipient of a notice without a header",
            "RFC 2142 (role mailboxes); Postfix bounce(5) for the layout",
            """
            This is the mail system at host relay.sender.example.

            I'm sorry to have to inform you that your message could not
            be delivered to one or more recipients.

            For further assistance, please send mail to postmaster.

            <help@dest.example>: host mx.dest.example[192.0.2.7] said: 550 No such
                user here (in reply to RCPT TO command)
            """,
            Set.of("help@dest.example")),
        new Case(
            "a role mailbox of the host that wrote the notice stays a contact",
            "RFC 2142; Postfix bounce(5)",
            """
            This is the mail system at host relay.sender.example.

            Your message could not be delivered. For help write to
            postmaster@relay.sender.example.

            <erin@dest.example>: host mx.dest.example[192.0.2.7] said: 550 5.1.1 No such
                user (in reply to RCPT TO command)
            """,
            Set.of("erin@dest.example")),
        new Case(
            "Exchange's notice in Dutch, read by its English section for administrators",
            "https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/"
                + "non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online",
            """
            Uw bericht kan niet worden bezorgd bij de volgende geadresseerden of groepen:

            frank@dest.example

            Diagnostische gegevens voor beheerders:

            Bronserver: mx01.dest.example

            frank@dest.example
            Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not \
            found by SMTP address lookup'
            """,
            Set.of("frank@dest.example")),
        // ------------------------------------ addresses quoted in a recipient's description
        new Case(
            "Postfix: the remote reply names the sender's bounce address",
            "Postfix bounce(5); RFC 5321 §4.2 (a reply may name the address it is about)",
            """
            From: MAILER-DAEMON@relay.sender.example (Mail Delivery System)
            To: bounces+x1@sender.example
            Subject: Undelivered Mail Returned to Sender

            This is the mail system at host relay.sender.example.

            <grace@relay.dest.example>: host mx.relay.dest.example[192.0.2.9] said: 550
                5.7.1 <bounces+x1@lists.sender.example>: sender not permitted (in reply
                to RCPT TO command)
            """,
            Set.of("grace@relay.dest.example")),
        new Case(
            "Exim: the address of the failed RCPT TO under the address that failed",
            "Exim specification, chapter 'Bounce messages' and the '(generated from ...)' line:"
                + " https://www.exim.org/exim-html-current/doc/html/spec_html/ch-message_processing.html",
            """
            From: Mail Delivery System <Mailer-Daemon@mx.dest.example>
            To: alice@sender.example
            Subject: Mail delivery failed: returning message to sender

            This message was created automatically by mail delivery software.

            A message that you sent could not be delivered to one or more of its
            recipients. This is a permanent error. The following address(es) failed:

              heidi@store.dest.example
                (generated from heidi@dest.example)
                LMTP error after RCPT TO:<heidi@lmtp.dest.example>:
                550 5.1.1 <heidi@lmtp.dest.example> User doesn't exist
              ivan@dest.example
                Unrouteable address
            """,
            Set.of("heidi@store.dest.example", "ivan@dest.example")),
        new Case(
            "Postfix: two entries, each with its folded reply",
            "Postfix bounce(5)",
            """
            From: MAILER-DAEMON@relay.sender.example (Mail Delivery System)
            To: alice@sender.example
            Subject: Undelivered Mail Returned to Sender

            <judy@a.example>: host mx.a.example[192.0.2.1] said: 550 5.1.1 <judy@a.example>:
                Recipient address rejected: User unknown (in reply to RCPT TO command)

            <ken@b.example>: host mx.b.example[192.0.2.2] said: 552 5.2.2 Mailbox full
                (in reply to RCPT TO command)
            """,
            Set.of("judy@a.example", "ken@b.example")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void reportsExactlyTheFailedRecipients(Case c) {
    BounceReport r = PARSER.parse(c.mail().getBytes(StandardCharsets.UTF_8));
    Set<String> got =
        r.recipients().stream()
            .map(BouncedRecipient::recipient)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(r.kind()).as(c.name()).isEqualTo(BounceReport.Kind.NON_STANDARD);
    assertThat(got).as(c.name() + " (" + c.source() + ")").isEqualTo(new TreeSet<>(c.expected()));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void quotedSenderNeverMakesTheRecipientHard(Case c) {
    // the sender's refused address in a reply is not the recipient's: no hard bounce from it
    if (!c.name().startsWith("Postfix: the remote reply names")) return;
    BounceReport r = PARSER.parse(c.mail().getBytes(StandardCharsets.UTF_8));
    assertThat(r.recipients()).allMatch(x -> x.classification().bounce() != Bounce.HARD);
  }

  /** A mail header with a line that is no field is still a header: the mail is not plain text. */
  @org.junit.jupiter.api.Test
  void aHeaderWithAStrayLineIsStillAHeader() {
    String mail =
        """
        From: MAILER-DAEMON@relay.sender.example
        To: alice@sender.example
        this line is no field
        Subject: Undelivered Mail Returned to Sender
        Content-Type: text/plain

        <lee@dest.example>: host mx.dest.example[192.0.2.7] said: 550 5.1.1 User unknown
            (in reply to RCPT TO command)
        """;
    MailPart root = MimeReader.read(mail.getBytes(StandardCharsets.UTF_8));
    assertThat(root.header("Subject")).isEqualTo("Undelivered Mail Returned to Sender");
    BounceReport r = PARSER.parse(mail.getBytes(StandardCharsets.UTF_8));
    assertThat(r.recipients()).extracting(BouncedRecipient::recipient).contains("lee@dest.example");
  }

  /** RFC 5321 §4.2.1's multi-line reply, flattened into one paragraph by the notice. */
  @org.junit.jupiter.api.Test
  void aFlattenedMultiLineReplyIsReadAsItsLines() {
    assertThat(Replies.unflatten("550-First line of the reply 550-second line 550 last line."))
        .isEqualTo("550-First line of the reply\n550-second line\n550 last line.");
    assertThat(Replies.unflatten("550-5.1.1 No such user. Please try 550-5.1.1 again 550 5.1.1 x"))
        .isEqualTo("550-5.1.1 No such user. Please try\n550-5.1.1 again\n550 5.1.1 x");
    // a single-line reply, and a code that is a word of the text, stay as they are
    assertThat(Replies.unflatten("550 5.1.1 User unknown, 550 attempts"))
        .isEqualTo("550 5.1.1 User unknown, 550 attempts");
    assertThat(Replies.unflatten("550-Refused. Id x550-1 550 done"))
        .isEqualTo("550-Refused. Id x550-1\n550 done");
  }

  @org.junit.jupiter.api.Test
  void aWrappedMultiLineReplyReadsAsOneSentence() {
    // a cPanel Exim refusal (rules-mta.txt, exim-cpanel-cannot-route) quoted by Postfix, its
    // last line's code in the middle of the words
    String mail =
        """
        From: MAILER-DAEMON@relay.sender.example (Mail Delivery System)
        To: alice@sender.example
        Subject: Undelivered Mail Returned to Sender

        <nina@dest.example>: host dest.example[192.0.2.5] said: 550-The mail server
            could not deliver mail to nina@dest.example.  The account 550-or domain may
            not exist, they may be blacklisted, or missing the proper dns 550 entries.
            (in reply to RCPT TO command)
        """;
    BounceReport r = PARSER.parse(mail.getBytes(StandardCharsets.UTF_8));
    assertThat(r.recipients()).hasSize(1);
    assertThat(r.recipients().getFirst().classification().reason())
        .isEqualTo(dev.petrel.status.Reason.HOSTUNKNOWN);
  }

  /** Plain text that is no notice stays no bounce, header or not. */
  @org.junit.jupiter.api.Test
  void textWithoutBounceWordsIsNoBounce() {
    String text =
        """
        Hello team,

        please write to mia@example.org about the meeting on Tuesday.
        """;
    assertThat(PARSER.parse(text.getBytes(StandardCharsets.UTF_8)).kind())
        .isEqualTo(BounceReport.Kind.NOT_A_BOUNCE);
  }
}
