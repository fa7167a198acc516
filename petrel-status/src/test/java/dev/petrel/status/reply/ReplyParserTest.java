package dev.petrel.status.reply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.status.Phase;
import dev.petrel.status.SmtpReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplyParserTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        // input | code | enhanced | text
        "550 5.1.1 <a@example.com>: Recipient address rejected: User unknown | 550 | 5.1.1 | <a@example.com>: Recipient address rejected: User unknown",
        "smtp; 550 5.1.1 User unknown | 550 | 5.1.1 | User unknown",
        "SMTP; 552 5.2.2 Mailbox full | 552 | 5.2.2 | Mailbox full",
        "X-Postfix; host mx.example.com[192.0.2.1] said: 554 5.7.1 Rejected (in reply to end of DATA command) | 554 | 5.7.1 | Rejected",
        "host mx.example.com[192.0.2.1] said: 550-The domain of the address does not 550 exist. (in reply to RCPT TO command) | 550 | | The domain of the address does not exist.",
        "550 Mailbox unavailable (in reply to a question) | 550 | | Mailbox unavailable (in reply to a question)",
        "System.Net.Mail.SmtpException: Exceeded storage allocation. The server response was: 5.3.4 This message of 30 MB is bigger than we take | 552 | 5.3.4 | This message of 30 MB is bigger than we take",
        "Mailbox unavailable. The server response was: 5.7.1 Sending as this sender is not allowed here | 0 | 5.7.1 | 5.7.1 Sending as this sender is not allowed here",
        "status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 No such user (in reply to RCPT TO command)) | 550 | 5.1.1 | No such user",
        "550-5.7.26 This mail is unauthenticated, 550-5.7.26 which poses a risk. 550 5.7.26 Learn more | 550 | 5.7.26 | This mail is unauthenticated, which poses a risk. Learn more",
        "SMTP error from remote mail server after RCPT TO:<bob@example.org>: 550 5.1.1 No such user | 550 | 5.1.1 | No such user",
        "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found' | 550 | 5.1.10 | RESOLVER.ADR.RecipientNotFound; Recipient not found'",
        "421 Service not available | 421 | | Service not available",
        "- 550 5.1.1 User unknown | 550 | 5.1.1 | User unknown",
        "Diagnostic-Code: smtp; 550 Mailbox unavailable | 550 | | Mailbox unavailable",
        "Sent 3 of 5; 250 left to go | 0 | | Sent 3 of 5; 250 left to go",
        "well-known 550 words | 0 | | well-known 550 words",
        "Error Sending Email - 422 try again | 0 | | Error Sending Email - 422 try again",
        "User unknown | 0 | | User unknown",
        "#5.1.1 user unknown | 0 | 5.1.1 | #5.1.1 user unknown",
        "550 Requested action not taken: mailbox unavailable (#5.1.1) | 550 | 5.1.1 | Requested action not taken: mailbox unavailable (#5.1.1)",
        "host 192.0.2.10 said: 451 4.3.0 Temporary failure | 451 | 4.3.0 | Temporary failure",
        "`` | 0 | | ``",
        "250 2.0.0 Ok: queued as ABC123 | 250 | 2.0.0 | Ok: queued as ABC123",
        "Connection to 192.0.2.55 timed out | 0 | | Connection to 192.0.2.55 timed out",
        "host 'mx.example.com' rejected command 'RCPT TO:<a@example.com>' with code 550 (5.1.1) 'Mailbox does not exist.' | 550 | 5.1.1 | (5.1.1) 'Mailbox does not exist.'",
        "relay: TempFail for 0123abcd: from=<a@example.org>, delay=3s, stat=451 Temporary failure, please try again later. | 451 | | Temporary failure, please try again later.",
        "SMTP Error (451): Failed to add recipient \"u@example.com\" (Temporary local problem - please try later). | 451 | | Failed to add recipient \"u@example.com\" (Temporary local problem - please try later).",
        "SMTP Error (450): Failed to add recipient \"u@example.org\" (4.1.1 <u@example.org>: User unknown). | 450 | 4.1.1 | Failed to add recipient \"u@example.org\" (4.1.1 <u@example.org>: User unknown).",
      })
  void parsesTheForms(String input, int code, String enhanced, String text) {
    SmtpReply r = ReplyParser.parse(input);
    assertThat(r.code()).isEqualTo(code);
    assertThat(r.enhanced() == null ? null : r.enhanced().toString()).isEqualTo(enhanced);
    assertThat(r.text()).isEqualTo(text);
    assertThat(r.enhancedInferred()).isFalse();
  }

  @Test
  void joinsMultiLineWireReplies() {
    SmtpReply r =
        ReplyParser.parse(
            "550-5.1.1 The email account that you tried to reach does not exist.\r\n"
                + "550-5.1.1 Please try double-checking the recipient's email address.\r\n"
                + "550 5.1.1 https://support.google.com/mail/?p=NoSuchUser");
    assertThat(r.code()).isEqualTo(550);
    assertThat(r.enhanced()).hasToString("5.1.1");
    assertThat(r.lines()).hasSize(3);
    assertThat(r.text())
        .isEqualTo(
            "The email account that you tried to reach does not exist. Please try"
                + " double-checking the recipient's email address."
                + " https://support.google.com/mail/?p=NoSuchUser");
  }

  @Test
  void doesNotMistakeNumbersInTextForCodes() {
    assertThat(ReplyParser.parse("Message size 25000000 exceeds limit").code()).isZero();
    assertThat(ReplyParser.parse("host 192.0.2.1 refused").enhanced()).isNull();
    assertThat(ReplyParser.parse("version 5.1.1.2 not found").enhanced()).isNull();
    // RFC 5321 §4.2.1: a reply code's second digit is 0 to 5, so a port is no code.
    SmtpReply port = ReplyParser.parse("Error: connect ETIMEDOUT 192.0.2.1:587");
    assertThat(port.code()).isZero();
    assertThat(port.text()).contains("ETIMEDOUT");
  }

  @Test
  void aCodeThatEndsTheLineKeepsTheWordsBeforeIt() {
    // PHPMailer's report puts the server's code last.
    SmtpReply r =
        ReplyParser.parse(
            "SMTP Error: data not accepted. Detail: Message rejected as spam SMTP code: 550");
    assertThat(r.code()).isEqualTo(550);
    assertThat(r.text()).contains("Message rejected as spam");
  }

  @Test
  void takesPhpMailersTrailingEnhancedCodeWithTheWordsBeforeIt() {
    // PHPMailer may end with "Additional SMTP info: <enhanced code>" after the basic code.
    SmtpReply r =
        ReplyParser.parse(
            "SMTP server error: MAIL FROM command failed Detail: Invalid Sender SMTP code: 550"
                + " Additional SMTP info: 5.1.0");
    assertThat(r.code()).isEqualTo(550);
    assertThat(r.enhanced()).hasToString("5.1.0");
    assertThat(r.text()).contains("Invalid Sender");
    // Any other words after the code are the reply's own text.
    SmtpReply other = ReplyParser.parse("Detail: x SMTP code: 550 Additional SMTP info: see below");
    assertThat(other.text()).isEqualTo("Additional SMTP info: see below");
  }

  @Test
  void readsPhaseAndHostFromLogForms() {
    ReplyOrigin p =
        ReplyOrigin.of(
            "host mx1.example.net[192.0.2.1] said: 550 5.1.1 unknown (in reply to RCPT TO command)");
    assertThat(p.phase()).isEqualTo(Phase.RCPT);
    assertThat(p.host()).isEqualTo("mx1.example.net");
    assertThat(
            ReplyOrigin.of("SMTP error from remote mail server after end of data: 554 no").phase())
        .isEqualTo(Phase.END_OF_DATA);
    assertThat(ReplyOrigin.of("550 no").phase()).isEqualTo(Phase.UNKNOWN);
  }

  @Test
  void readsTheTupleOfPythonsSmtplib() {
    SmtpReply refused =
        ReplyParser.parse(
            "smtplib.SMTPRecipientsRefused: {'u@example.com': (550, b'5.1.1 <u@example.com>:"
                + " Recipient address rejected: User unknown'), 'v@example.com': (450, b'x')}");
    assertThat(refused.code()).isEqualTo(550);
    assertThat(refused.enhanced()).hasToString("5.1.1");
    assertThat(refused.text())
        .isEqualTo("<u@example.com>: Recipient address rejected: User unknown");
    // smtplib joins the lines without their codes by a line break, which the tuple prints as \n.
    SmtpReply login =
        ReplyParser.parse(
            "SMTPAuthenticationError: (535, b'5.7.8 Username and Password not accepted. Learn more"
                + " at\\n5.7.8  https://support.google.com/mail/?p=BadCredentials x - gsmtp')");
    assertThat(login.code()).isEqualTo(535);
    assertThat(login.enhanced()).hasToString("5.7.8");
    assertThat(login.lines()).hasSize(2);
    assertThat(login.text())
        .isEqualTo(
            "Username and Password not accepted. Learn more at"
                + " https://support.google.com/mail/?p=BadCredentials x - gsmtp");
    // A str literal in double quotes, an escaped quote, and UTF-8 bytes in \x escapes.
    assertThat(ReplyParser.parse("(550, \"5.1.1 it doesn't exist\")").text())
        .isEqualTo("it doesn't exist");
    assertThat(ReplyParser.parse("(554, b'DT:SPM \\'x\\' \\xe9\\x80\\x80\\xe4\\xbf\\xa1')").text())
        .isEqualTo("DT:SPM 'x' 退信");
    // Cut off before its closing quote, or a backslash escaping nothing: the text as far as it
    // goes.
    assertThat(ReplyParser.parse("(451, b'Temporary \\q problem").text())
        .isEqualTo("Temporary \\q problem");
    // Not a tuple: a port in brackets, a count.
    assertThat(ReplyParser.parse("connect (587, timed out)").code()).isZero();
  }

  @Test
  void takesTheEnhancedCodeOfAPastedStatusField() {
    SmtpReply r =
        ReplyParser.parse(
            "Final-Recipient: rfc822; u@example.com\nAction: failed\nStatus: 5.1.1\n"
                + "Diagnostic-Code: smtp; 550 Mailbox unavailable");
    assertThat(r.code()).isEqualTo(550);
    assertThat(r.enhanced()).hasToString("5.1.1");
    assertThat(r.text()).isEqualTo("Mailbox unavailable");
    // The reply's own enhanced code wins, and a status of another class is not taken.
    assertThat(
            ReplyParser.parse("Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.7.1 Denied").enhanced())
        .hasToString("5.7.1");
    assertThat(ReplyParser.parse("Status: 4.4.1\nDiagnostic-Code: smtp; 550 Denied").enhanced())
        .isNull();
  }

  @Test
  void findsTheCodeInsideMarkdownsInlineQuote() {
    SmtpReply r = ReplyParser.parse("`550 5.1.1 User unknown`");
    assertThat(r.code()).isEqualTo(550);
    assertThat(r.enhanced()).hasToString("5.1.1");
  }

  @Test
  void readsRepliesQuotedAsMail() {
    SmtpReply r =
        ReplyParser.parse(
            "> 550-5.1.1 The email account that you tried to reach does not exist.\n"
                + "> > 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser x - gsmtp");
    assertThat(r.code()).isEqualTo(550);
    assertThat(r.enhanced()).hasToString("5.1.1");
    assertThat(r.text())
        .isEqualTo(
            "The email account that you tried to reach does not exist."
                + " https://support.google.com/mail/?p=NoSuchUser x - gsmtp");
    // sendmail's transcript is no quotation.
    assertThat(ReplyParser.parse(">>> DATA\n<<< 554 5.7.1 Rejected").code()).isEqualTo(554);
  }

  @Test
  void readsThePhaseFromTheNameOfPythonsException() {
    assertThat(ReplyOrigin.of("smtplib.SMTPSenderRefused: (553, b'no', 'a@b')").phase())
        .isEqualTo(Phase.MAIL);
    assertThat(ReplyOrigin.of("SMTPRecipientsRefused({'a@b': (550, b'no')})").phase())
        .isEqualTo(Phase.RCPT);
    assertThat(ReplyOrigin.of("smtplib.SMTPDataError: (554, b'no')").phase()).isEqualTo(Phase.DATA);
    assertThat(ReplyOrigin.of("SMTPAuthenticationError: (535, b'no')").phase())
        .isEqualTo(Phase.AUTH);
    assertThat(ReplyOrigin.of("ESMTP server ready (SMTPD)").phase()).isEqualTo(Phase.UNKNOWN);
  }

  @Test
  void readsThePhaseFromAClientLibrarysReportOfTheRefusedCommand() {
    assertThat(
            ReplyOrigin.of(
                    "msmtp: envelope from address a@b not accepted by the server\n"
                        + "msmtp: server message: 554 Email rejected")
                .phase())
        .isEqualTo(Phase.MAIL);
    assertThat(
            ReplyOrigin.of(
                    "msmtp: recipient address root not accepted by the server\n"
                        + "msmtp: server message: 501 <root>: recipient address must contain a domain")
                .phase())
        .isEqualTo(Phase.RCPT);
    assertThat(ReplyOrigin.of("Error: Mail command failed: 550 not local sender").phase())
        .isEqualTo(Phase.MAIL);
    assertThat(ReplyOrigin.of("SMTP ERROR: RCPT TO command failed: 550 no").phase())
        .isEqualTo(Phase.RCPT);
    assertThat(ReplyOrigin.of("DATA END command failed Detail: spam SMTP code: 550").phase())
        .isEqualTo(Phase.END_OF_DATA);
    // A program's name that ends in "mail", and libcurl's note that names no command.
    assertThat(ReplyOrigin.of("sendmail command failed: exit 75").phase()).isEqualTo(Phase.UNKNOWN);
    assertThat(ReplyOrigin.of("< 502 5.5.1 no\n* Command failed: 502").phase())
        .isEqualTo(Phase.UNKNOWN);
  }

  @Test
  void readsDotNetsLeadInBrokenAcrossLines() {
    SmtpReply r =
        ReplyParser.parse(
            "Exception calling \"Send\" with \"1\" argument(s): \"Service not available, closing"
                + " transmission channel. The server\nresponse was: 4.7.0 Try again later\"");
    assertThat(r.code()).isEqualTo(421);
    assertThat(r.enhanced()).hasToString("4.7.0");
    assertThat(r.text()).startsWith("Try again later");
  }

  @Test
  void readsTheFailingReplyOfLibcurlsTranscript() {
    SmtpReply r =
        ReplyParser.parse(
            "< 235 2.7.0 Authentication successful\n> VRFY a@example.org\n"
                + "< 502 5.5.1 VRFY command is disabled\n* Command failed: 502\n> QUIT\n"
                + "< 221 2.0.0 Bye");
    assertThat(r.code()).isEqualTo(502);
    assertThat(r.enhanced()).hasToString("5.5.1");
    assertThat(r.text()).isEqualTo("VRFY command is disabled");
    SmtpReply multi =
        ReplyParser.parse(
            "> RCPT TO:<a@example.org>\n< 550-5.1.1 first line\n< 550 5.1.1 second line\n"
                + "* RCPT failed: 550");
    assertThat(multi.code()).isEqualTo(550);
    assertThat(multi.text()).isEqualTo("first line second line");
    // Server lines alone are no transcript: the reply is read as it is.
    assertThat(ReplyParser.parse("< 550 5.1.1 no such user").code()).isEqualTo(550);
  }

  @Test
  void boundsHugeInput() {
    String big = "550 5.1.1 " + "x".repeat(5_000_000);
    SmtpReply r = ReplyParser.parse(big);
    assertThat(r.code()).isEqualTo(550);
    assertThat(r.text().length()).isLessThanOrEqualTo(ReplyParser.MAX_INPUT);
  }
}
