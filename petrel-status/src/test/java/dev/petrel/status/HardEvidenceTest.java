package dev.petrel.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine's rules for a hard verdict (positive evidence about the recipient only), for the
 * enhanced code's subject bounding a rule's reason, for {@code final} beside {@code bounce}, and
 * for words that follow the deciding evidence. The replies here are built from RFC 3463 and RFC
 * 5321 wordings and from the MTA wordings the rules cite (their sources are in the rule files),
 * with words about other things (the sender, its domains and account, a login, a service) put
 * around them to check that those never read as a dead recipient.
 */
class HardEvidenceTest {

  private static final StatusEngine ENGINE = StatusEngine.standard();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // An address in the text and another cause: never hard.
        "550 5.7.1 <bob@example.org>: sender not authorised | soft",
        "550 <bob@example.org>: sender not authorised | soft",
        "550 5.7.1 <bob@example.org>: Recipient address rejected: Access denied | soft",
        "554 <bob@example.org>: Relay access denied | soft",
        // A bare permanent code says nothing about the address.
        "550 Requested action not taken | soft",
        "550 5.1.0 Address rejected | soft",
        "551 User not local | soft",
        // Sender-side limits behind a recipient address and X.1.1.
        "550 5.1.1 <bob@example.org> 192.0.2.1 has sent to too many recipients this hour | soft",
        // Another cause named after the address, even under a dead-address code.
        "550 5.1.1 <bob@example.org>: SPF check failed for the sender | soft",
        "554 5.7.1 <bob@example.org>: Client host rejected: cannot find your reverse hostname | soft",
        "550 5.1.1 <bob@example.org>: Sender address rejected: not owned by user | soft",
        "550 5.6.0 <bob@example.org>: malformed header | soft",
        // Words of a dead or disabled account about the sender or its outgoing mail.
        "550 Unknown or illegal alias in MAIL FROM | soft",
        "550 5.7.1 Account disabled for outbound mail | soft",
        // A submission relay speaks of the login or the message, even under X.2.1 or with
        // "mailbox".
        "5.2.1 Subject is Mandatory. | soft",
        "550 5.2.1 Subject is required | soft",
        "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. | soft",
        "Invalid login: Mailbox cannot be accessed | soft",
        // A null MX of the sender's domain (RFC 7505 §4.2) refuses the sender.
        "550 5.7.27 Sender address has null MX | soft",
        // Words of a dead mailbox after "sender email address" speak of the sender.
        "550 Sender email address rejected: no such user | soft",
        "553 5.1.1 <alice@example.com>: envelope sender unknown user | soft",
        // Too many unknown recipients from the sender is its list's reputation, not this address.
        "550 Message rejected: Too many invalid recipients | soft",
        // "is not a valid user" about the sender's address (X.1.7), and an access map's verdict on
        // the sender's reserved or unknown top-level domain: the sender, never this recipient.
        "553 5.1.7 <alice@example.com> is not a valid user | soft",
        "550 5.7.1 sender <alice@example.invalid> from RFC2606 reserved domain #128 | soft",
        "550 sender <alice@example.zz> from unknown TLD #129 | soft",
        // A destination whose delivery an MTA has suspended is not a suspended account.
        "550 5.0.0 delivery to example.org is currently suspended | soft",
        "delivery temporarily suspended: connect to mx.example.org[192.0.2.1]: Connection refused | soft",
        // A sender verification quotes the probe's answer about the sender (Exim callouts).
        "550-Verification failed for <alice@example.com> 550-Response: 550 User unknown 550 Sender verify failed | soft",
        "550 5.1.1 <bob@example.org>: DKIM signature missing | soft",
        // Positive evidence: a dead-address enhanced code, or words that say so.
        "550 5.1.1 Mailbox unavailable | hard",
        "550 5.2.1 Mailbox disabled, not accepting messages | hard",
        "550 Requested action not taken: no such user here | hard",
        "550 5.7.1 <bob@example.org>: User unknown | hard",
        // The common wordings of a dead mailbox or domain, whatever MTA writes them (the rules
        // generic-user-unknown, generic-domain-not-found and dns-nxdomain cite their sources).
        "550 5.1.1 User unknown | hard",
        "550 No such user - psmtp | hard",
        "550 Requested action not taken: mailbox unavailable (user does not exist) | hard",
        "550 5.1.1 Mailbox does not exist | hard",
        "550 5.1.1 Recipient not found | hard",
        "550 Invalid recipient <bob@example.org> | hard",
        "550 Addressee unknown | hard",
        "550 The account does not exist | hard",
        "550 5.1.1 No such mailbox | hard",
        "550 5.1.1 Mailbox not found | hard",
        "550 User not found | hard",
        "550 5.1.1 Recipient's mailbox does not exist | hard",
        "550 Unknown user | hard",
        "550 recipient does not exist here | hard",
        "550 The mailbox is unavailable because it does not exist | hard",
        "550 Mailbox unavailable for an unknown reason | soft",
        // A mailbox that has moved (RFC 3463 X.1.6, RFC 5321 §3.4), with or without the new
        // address.
        "550 User has moved; please try <alice@new.example> | hard",
        "554 5.7.17 Mailbox owner has changed | hard",
        "550 5.7.1 Sender has moved to another provider | soft",
        "550 5.1.2 No such domain | hard",
        "550 5.1.2 Domain not found | hard",
        "550 Host or domain name not found. Name service error for name=example.invalid type=A:"
            + " Host not found | hard",
        "554 5.4.4 DNS type 'mx' lookup of example.invalid responded with code NXDOMAIN | hard",
        // A name that exists without an IPv6 address record, a DNS lookup that dma reports the same
        // way for its smarthost and for a network that is down, and Exchange's own DNS lookup
        // quoted by its front end: no proof that the recipient's domain is dead. The forms above
        // (no such name at all) stay hard.
        "Host or domain name not found. Name service error for name=mx.example.org type=AAAA:"
            + " Host found but no data record of requested type | soft",
        "remote delivery deferred: DNS lookup failure: host example.org not found | soft",
        "DNS lookup failure: host example.org not found | soft",
        "550 5.7.0 Proxy session setup failed on Frontend with '554 5.4.4"
            + " SMTPSEND.DNS.NonExistentDomain; nonexistent domain' | soft",
        "Host or domain name not found. Name service error for name=example.invalid type=MX:"
            + " Host not found | hard",
        // "Mailbox unavailable" alone is RFC 5321's wording for any 550: no evidence.
        "550 Requested action not taken: mailbox unavailable | soft",
        "550 <bob@example.org>: mailbox unavailable | soft",
        // Block lists, and transient trouble of the server, name the address and stay soft.
        "550 5.7.1 <bob@example.org>: Your IP is blacklisted | soft",
        "550 Your domain does not exist in DNS, please fix your DNS records | soft",
        "550 5.7.1 Reverse DNS: domain does not exist | soft",
        "550 rejected: the sending domain does not exist | soft",
        "550 5.7.1 Message rejected: the From header domain does not exist | soft",
        "550 5.7.1 Rejected: HELO hostname domain not found | soft",
        "550 5.7.1 Cannot resolve PTR record: NXDOMAIN | soft",
        "550 5.7.1 DMARC: the From domain does not exist | soft",
        "550 5.1.8 <s@example.net>: Sender address rejected: Domain not found | soft",
        "550 5.7.1 <bob@example.org>: Helo command rejected: Host not found | soft",
        "554 5.7.1 <bob@example.org>: Client host rejected: blocked using zen.spamhaus.org | soft",
        "451 4.3.0 Temporary system failure. Please try again later. | soft",
        "421 Server busy, try again later | soft",
        // Words of non-existence about the sender's addresses or lists.
        "550 5.7.1 Sorry, the IP address does not exist in our allow list | soft",
        "550 5.7.1 Your return address does not exist | soft",
        "550 Invalid recipient: bob@example.org rejected because the sender is blocklisted | soft",
        "550 5.1.1 <bob@example.org> sender is blocklisted | soft",
        "551 Sender is on domain's blacklist | soft",
        // A sending service's own notice that it found no mail exchanger for the domain, and a
        // recipient refused without a cause: no finding about the address. (Its notices that an
        // address is on its suppression list are "suppressed", whose action is to keep it there;
        // pasted-replies.tsv holds them.)
        "No MX for example.org | soft",
        "unable to get mx info: failed to get IPs from PTR record | soft",
        "550 bob@example.org That recipient is not allowed | soft",
        // Postal's note that it put the address on its suppression list stands beside the remote
        // reply that made it give up: that reply decides.
        "Permanent SMTP delivery error when sending to mx.example.org (192.0.2.1) Recipient added to"
            + " suppression list (too many hard fails). 550 5.1.1 <bob@example.org>: Recipient address"
            + " rejected: User unknown in virtual alias table | hard",
        // NXDOMAIN in bare text (no code) about the recipient's domain is final and hard; about the
        // reverse DNS or the HELO name it is no evidence.
        "Host example.org not found: 3(NXDOMAIN) | hard",
        "Cannot resolve PTR record for 192.0.2.1: NXDOMAIN | soft",
        "HELO hostname example.org: NXDOMAIN | soft",
        "451 4.4.0 Host example.org not found: 3(NXDOMAIN) | soft",
        // Postfix's answer to DATA when no recipient was accepted, for whatever reason.
        "554 Error: no valid recipients | soft",
        // A server that accepts no mail from some senders says nothing of the recipient's domain.
        "550 5.7.1 This server does not accept mail from your IP address | soft",
        "554 5.7.1 example.org does not accept mail from unauthenticated senders | soft",
        "554 5.7.1 The recipient does not accept mail from this sender | soft",
        "550 5.1.10 example.org does not accept mail (nullMX) | hard",
        "550 This domain does not accept email | hard",
        // Disabled or deactivated services, IP addresses and features are no disabled mailbox.
        "550 5.7.1 Service temporarily disabled for your IP | soft",
        "550 5.7.1 Relaying temporarily disabled | soft",
        "550 5.7.1 Your IP address has been deactivated | soft",
        "550 Sender domain is no longer active | soft",
        "550 5.7.1 TLS is temporarily disabled | soft",
        "550 User account is inactive | hard",
        "550 5.2.1 Mailbox disabled, not accepting messages | hard",
        // The sending account (ours) locked by a relay: the sender's problem.
        "550 5.7.1 Your account has been disabled for sending | soft",
        "554 5.7.1 Your account is suspended due to abuse | soft",
        "550 5.7.1 Sending account suspended | soft",
        "550 5.7.1 Sender account is locked | soft",
        // A reply to our login (RFC 4954 §6) is about our account, never the recipient's.
        "535 5.7.8 Authentication failed: no such account | soft",
        "535 Error: authentication failed: user unknown | soft",
        "535 5.7.8 Error: authentication failed: account disabled | soft",
        // The fifth pasted sample's widenings keep their vetoes: a misspelt "adress unknown" of the
        // sender, an "Inactive mbox" beside a sender or an IP, a PEC box closed to ordinary mail, a
        // locked mailbox (a lock, never proof), and Strato's recipient wording, which is hard.
        "553 5.1.8 Sender adress unknown | soft",
        "550 recipient e-mail adress unknown | hard",
        "550 5.7.1 Sender address rejected: inactive mbox | soft",
        "550 5.1.1 Inactive mbox | hard",
        "550 Indirizzo destinatario sconosciuto o non abilitato alla ricezione di posta non certificata | soft",
        "550 Mailbox is locked | soft",
        // The sixth sample's: a hedge of an unknown recipient OR a full mailbox states no finding,
        // in
        // English and in other languages; "wurde nicht in ... gefunden" needs both parts; a success
        // code (X.1.5) in a refusal decides nothing by itself; "no user found" is hard, and a
        // sender's unknown domain or "User unknown in local sender table" stays soft.
        "550 <bob@example.org>: Destinatario desconocido o mailbox lleno | soft",
        "550 <bob@example.org>: User unknown or mailbox full | soft",
        "550 Utilisateur inexistant ou boîte pleine | soft",
        "550 Server wurde nicht gefunden | soft",
        "550 5.1.5 Destination address valid | soft",
        "550 No user found | hard",
        "550 550 5.1.1 <>: Sender address rejected: User unknown in local sender table | soft",
        "<bob@example.org>: Sender address rejected: Domain not found | soft",
        // The twelfth sample's: a frozen mailbox or account is a lock its owner can lift (soft),
        // in English and Chinese, unless a dead-address code says more; a suspended user is
        // hard; a sender's address on a black list under 5.1.1 refuses the sender.
        "550 Mailbox is frozen | soft",
        "550 5.2.1 Account is frozen | hard",
        "550 帐号已冻结 | soft",
        "550 5.1.1 Suspended user | hard",
        "550 5.7.1 Sender account is frozen | soft",
        "550 5.1.1 <alice@example.com> sender is blacklisted | soft",
        "553 host denies relay. | soft",
        // The fourteenth sample's: a recipient domain the server could not find is hard, the
        // sender's domain under the same check is not; a 503 answers a command out of order and
        // only
        // repeats what RCPT TO was told; a passing authentication failure is no dead address.
        "553 sorry, your envelope recipient domain must exist (#5.7.1) | hard",
        "553 sorry, your envelope sender domain must exist (#5.7.1) | soft",
        "550 Invalid address | hard",
        "503-All RCPT commands were rejected with this error: 503-<bob@example.org>: User unknown 503 Valid RCPT command must precede DATA | soft",
        "550 5.1.1 <bob@example.org>: User unknown | hard",
        "454 4.7.0 Temporary authentication failure: no such user | soft",
        // The fifteenth sample's: a reply about the command itself (500 to 504) is no finding
        // about a mailbox unless its enhanced code names the destination address; IndiMail's "No
        // Account ... here by that name" needs both parts.
        "504 User Account has been disabled by the mail administrator | soft",
        "503 5.5.1 Mailbox disabled | soft",
        "504 5.1.1 <bob@example.org>: User unknown | hard",
        "No Account bob@example.org here by that name. indimail (#5.1.5) | hard",
        "550 No account | soft",
      })
  void hardOnlyOnEvidence(String reply, String bounce) {
    ReplyStatus s = ENGINE.classify(reply);
    assertThat(s.bounce().id()).as("%s (matched %s)", reply, s.matched()).isEqualTo(bounce);
    if (s.bounce() != Bounce.HARD) assertThat(s.action()).isNotEqualTo(Action.SUPPRESS);
  }

  @Test
  void aProviderRuleWithoutItsHostYieldsToTheGeneralRuleWithTheSameReason() {
    String reply = "550 5.1.1 <bob@example.org>: user does not exist";
    // On iCloud's own host its provider rule decides, with the higher confidence.
    ReplyStatus placed =
        ENGINE.classify(reply, new ReplyContext(Phase.RCPT, "mx01.mail.icloud.com", null));
    assertThat(placed.matched().kind()).isEqualTo("provider-rule");
    assertThat(placed.bounce()).isEqualTo(Bounce.HARD);
    // Elsewhere every MTA's rule for the same words decides, and its evidence counts.
    ReplyStatus s = ENGINE.classify("550 Requested action not taken: user does not exist");
    assertThat(s.matched().kind()).as("%s", s.matched()).isEqualTo("mta-rule");
    assertThat(s.reason()).isEqualTo(Reason.USERUNKNOWN);
    assertThat(s.bounce()).isEqualTo(Bounce.HARD);
    // A provider rule whose reason no general rule shares stays unplaced evidence: soft.
    ReplyStatus outlook = ENGINE.classify("550 Requested action not taken: mailbox unavailable");
    assertThat(outlook.bounce()).isEqualTo(Bounce.SOFT);
  }

  @Test
  void aReplyBeforeAnyRecipientIsNeverADeadRecipient() {
    // Before RCPT TO no recipient has been named: dead-address words or codes speak of the sender.
    for (String reply :
        List.of(
            "host mx.example.net[192.0.2.1] said: 550 5.1.1 <s@example.org>... User unknown (in"
                + " reply to MAIL FROM command)",
            "host mx.example.net[192.0.2.1] said: 550 Domain does not exist (in reply to MAIL FROM"
                + " command)",
            "smtplib.SMTPSenderRefused: (550, b'5.1.1 No such user', 's@example.org')")) {
      ReplyStatus s = ENGINE.classify(reply);
      assertThat(s.bounce()).as("%s (matched %s)", reply, s.matched()).isEqualTo(Bounce.SOFT);
      assertThat(s.reason()).as(reply).isEqualTo(Reason.REJECTED);
    }
    ReplyStatus greeting =
        ENGINE.classify("550 5.1.1 User unknown", new ReplyContext(Phase.EHLO, null, null));
    assertThat(greeting.bounce()).isEqualTo(Bounce.SOFT);
    // The same words in reply to RCPT TO are about the recipient.
    ReplyStatus rcpt =
        ENGINE.classify(
            "host mx.example.net[192.0.2.1] said: 550 5.1.1 <u@example.org>... User unknown (in"
                + " reply to RCPT TO command)");
    assertThat(rcpt.reason()).isEqualTo(Reason.USERUNKNOWN);
    assertThat(rcpt.bounce()).isEqualTo(Bounce.HARD);
  }

  @Test
  void typographicApostrophesReadLikeAscii() {
    // Replies copied from web pages come with the apostrophes a word processor puts in.
    for (String reply : List.of("550 User doesn\u2019t exist", "550 User doesn\u00b4t exist")) {
      ReplyStatus s = ENGINE.classify(reply);
      assertThat(s.reason()).as(reply).isEqualTo(Reason.USERUNKNOWN);
      assertThat(s.bounce()).as(reply).isEqualTo(Bounce.HARD);
    }
  }

  @Test
  void postfixsNoteOfTheCommandIsNotTheServersWords() {
    // Rules that veto "rcpt" or "mail from" read the same reply the same way with or without it.
    for (String reply :
        List.of(
            "554 mail address invalid.",
            "550 [192.0.2.1] is not a fully qualified domain name (\"FQDN\")",
            "554 Message rejected: Stream is more than 10485760 bytes long.")) {
      ReplyStatus bare = ENGINE.classify(reply);
      ReplyStatus noted =
          ENGINE.classify(
              "host mx.example.net[192.0.2.1] said: "
                  + reply
                  + " (in reply to end of DATA command)");
      assertThat(noted.reason()).as(reply).isEqualTo(bare.reason());
      assertThat(noted.bounce()).as(reply).isEqualTo(bare.bounce());
    }
  }

  @Test
  void bareFiveFiftyIsSoftWithALowConfidence() {
    ReplyStatus s = ENGINE.classify("550 Requested action not taken");
    assertThat(s.reason()).isEqualTo(Reason.ONHOLD);
    assertThat(s.bounce()).isEqualTo(Bounce.SOFT);
    assertThat(s.confidence()).isLessThan(0.5);
    assertThat(s.matched().kind()).isEqualTo("basic-code");
    assertThat(s.isFinal()).isTrue();
  }

  @Test
  void aCodeAloneIsAGuess() {
    assertThat(ENGINE.classify("550 5.2.2 x").confidence()).isLessThan(0.5);
    assertThat(ENGINE.classify("550 5.2.2 Mailbox full").confidence()).isGreaterThan(0.5);
  }

  @Test
  void fullMailboxIsFinalButSoft() {
    ReplyStatus s = ENGINE.classify("552 5.2.2 Mailbox full");
    assertThat(s.isFinal()).isTrue();
    assertThat(s.bounce()).isEqualTo(Bounce.SOFT);
    ReplyStatus t = ENGINE.classify("452 4.2.2 Mailbox full");
    assertThat(t.isFinal()).isFalse();
  }

  @Test
  void aRuleStaysInsideTheEnhancedSubjectUnlessItsWordsAreStrong() {
    // "mailer error" (mailererror: subjects 2, 3) does not decide a 5.7.1: the code's subject does.
    ReplyStatus s = ENGINE.classify("550 5.7.1 mailer error");
    assertThat(s.reason()).isEqualTo(Reason.BLOCKED);
    assertThat(s.matched().kind()).isEqualTo("enhanced-code");
    // "user unknown" is strong: it decides even under 5.7.1.
    assertThat(ENGINE.classify("550 5.7.1 User unknown").reason()).isEqualTo(Reason.USERUNKNOWN);
  }

  @Test
  void operatorRulesAreNotBoundBySubject() throws Exception {
    StatusEngine custom =
        StatusEngine.withOperatorRules(
            new StringReader("id: ours\ntext: mailer error\nreason: mailboxfull\nsource: ours\n"),
            "ops");
    assertThat(custom.classify("550 5.7.1 mailer error").reason()).isEqualTo(Reason.MAILBOXFULL);
  }

  @Test
  void wordsFollowTheDecidingRule() {
    ReplyStatus grey = ENGINE.classify("450 4.2.0 Greylisted, please try again later");
    assertThat(grey.reason()).isEqualTo(Reason.GREYLISTED);
    assertThat(grey.meaning()).doesNotContainIgnoringCase("mailbox");
    assertThat(grey.meaning()).isEqualTo(ENGINE.codes().reason(Reason.GREYLISTED).meaning());
    ReplyStatus unknown =
        ENGINE.classify(
            "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in local"
                + " recipient table");
    assertThat(unknown.solution()).doesNotContainIgnoringCase("try again");
  }

  @Test
  void otherCodesSayWhichKindOfProblem() {
    // No rule, X.1.0: the meaning is the addressing subject's, not the basic code's.
    ReplyStatus s = ENGINE.classify("550 5.1.0 zzz");
    assertThat(s.meaning()).isEqualTo(ENGINE.codes().enhancedCodes().get("X.1.0").meaning());
  }

  @Test
  void sizeTlsAndLogins() {
    assertThat(ENGINE.classify("530 5.7.0 Must issue a STARTTLS command first").reason())
        .isEqualTo(Reason.FAILEDSTARTTLS);
    assertThat(ENGINE.classify("535 5.7.8 Authentication credentials invalid").reason())
        .isEqualTo(Reason.SECURITYERROR);
    assertThat(ENGINE.classify("552 5.3.4 Message size exceeds fixed limit").reason())
        .isEqualTo(Reason.EMAILTOOLARGE);
  }

  @Test
  void threeLimitsThreeActions() {
    assertThat(ENGINE.classify("421 4.7.0 Too many connections from your IP").action())
        .isEqualTo(Action.REDUCE_CONNECTIONS);
    assertThat(ENGINE.classify("421 4.7.0 Too many messages in this session").action())
        .isEqualTo(Action.RECONNECT);
    assertThat(ENGINE.classify("452 4.5.3 Error: too many recipients").action())
        .isEqualTo(Action.SPLIT_RECIPIENTS);
  }

  @Test
  void senderVerificationRefusesTheSender() {
    ReplyStatus s =
        ENGINE.classify(
            "550-Verification failed for <a@example.net>\n550-Unrouteable address\n550 Sender verify"
                + " failed");
    assertThat(s.reason()).isEqualTo(Reason.REJECTED);
    assertThat(s.bounce()).isEqualTo(Bounce.SOFT);
  }
}
