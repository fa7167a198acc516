package dev.petrel.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Replies of each kind whose reason, bounce and action must be right whatever MTA words them: whose
 * limit (the sender's rate, connections, messages per session, recipients per transaction, a full
 * mailbox), DNS (NXDOMAIN against temporary failures), size, TLS, logins, sender checks,
 * greylisting and block lists. Each group names the documents its wordings come from; the two
 * characters \n stand for a line break of a multi-line reply.
 */
class ReplyKindsTest {

  private static final StatusEngine ENGINE = StatusEngine.standard();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // Whose limit: the sender's sending rate (Gmail 5.4.5,
        // https://support.google.com/a/answer/3726730;
        // Exchange Online's SubmissionQuotaExceeded,
        // https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online),
        // connections at once, messages per session and recipients per transaction (RFC 5321
        // §4.5.3.1.10, https://www.rfc-editor.org/rfc/rfc5321#section-4.5.3.1.10; Postfix anvil,
        // https://www.postfix.org/postconf.5.html#smtpd_client_connection_count_limit), and a full
        // mailbox (RFC 3463 X.2.2, https://www.rfc-editor.org/rfc/rfc3463#section-3.3).
        "550 5.4.5 Daily user sending quota exceeded. a1si - gsmtp | ratelimited | soft | slow-down",
        "452 4.2.2 The email account that you tried to reach is over quota | mailboxfull | soft | retry",
        "421 4.7.0 Too many messages from your IP, try again later | ratelimited | soft | slow-down",
        "554 5.7.1 Message rejected: Sending limit exceeded | ratelimited | soft | slow-down",
        "550 5.7.1 Sender exceeded rate limit | ratelimited | soft | slow-down",
        "452 4.5.3 Too many recipients | ratelimited | soft | split-recipients",
        "421 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later | ratelimited | soft | reduce-connections",
        "451 4.7.1 Too many messages per connection | ratelimited | soft | reconnect",
        "550 5.7.0 Your account has exceeded the maximum number of messages per day | ratelimited | soft | slow-down",
        "550 5.4.6 Outgoing message limit exceeded | ratelimited | soft | slow-down",
        "451 Ratelimit exceeded for sender | ratelimited | soft | slow-down",
        "421 Rate limit reached. Please try again later | ratelimited | soft | slow-down",
        "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception | ratelimited | soft | slow-down",
        "550 5.7.1 Daily sending quota exceeded | ratelimited | soft | slow-down",
        "452 4.2.2 Quota exceeded (mailbox for user is full) | mailboxfull | soft | retry",
        "552 5.2.2 Mailbox full | mailboxfull | soft | contact-recipient",
        "550 5.2.2 user@example.org: user is over quota | mailboxfull | soft | contact-recipient",
        "452 4.3.1 Insufficient system resources | systemfull | soft | retry",
        "421 4.7.0 Too many connections, slow down | ratelimited | soft | reduce-connections",
        "450 4.7.1 Error: too much mail from 192.0.2.1 | ratelimited | soft | slow-down",
        "421 4.7.0 Message rate limit exceeded | ratelimited | soft | slow-down",
        "550 5.7.1 Message limit per hour exceeded | ratelimited | soft | slow-down",
        "451 4.3.2 Too many recipients this hour | ratelimited | soft | slow-down",
        "550 Too many emails sent today | ratelimited | soft | slow-down",
        "554 5.7.1 Your sending quota is exhausted | ratelimited | soft | slow-down",
        "452 Too many recipients received this hour | ratelimited | soft | slow-down",
        // DNS: NXDOMAIN in any MTA's words is a dead domain; a temporary failure (SERVFAIL,
        // timeouts,
        // Postfix's TRY_AGAIN) is soft (https://www.rfc-editor.org/rfc/rfc8020,
        // https://www.postfix.org/postconf.5.html#smtp_host_lookup; Exchange Online's
        "451 4.4.0 DNS query failed | networkerror | soft | retry",
        "Host or domain name not found. Name service error for name=example.org type=MX: Host not found | hostunknown | hard | suppress",
        "DNS Error: DNS type 'mx' lookup of example.org responded with code SERVFAIL | networkerror | soft | retry",
        "550 5.1.2 DNS lookup failed: NXDOMAIN | hostunknown | hard | suppress",
        "Name service error for name=example.org type=MX: Malformed or unexpected name server reply | networkerror | soft | retry",
        "connect to mx.example.org[192.0.2.1]:25: Connection timed out | networkerror | soft | retry",
        "connect to mx.example.org[192.0.2.1]:25: Connection refused | networkerror | soft | retry",
        "connect to mx.example.org[192.0.2.1]:25: No route to host | networkerror | soft | retry",
        // The sending MTA's own deferrals in Exim's, sendmail's, Haraka's and Stalwart's words
        // (Exim's retry configuration,
        // https://www.exim.org/exim-html-current/doc/html/spec_html/ch-retry_configuration.html):
        // a lookup or a retry that is not due yet is a network problem for now, while Exim's
        // words of a retry period that ran out stay expired.
        "R=dnslookup defer (-1): host lookup did not complete | networkerror | soft | retry",
        "R=dnslookup T=remote_smtp defer (-53): retry time not reached for any host for 'example.org' | networkerror | soft | retry",
        "retry time not reached for any host after a long failure period | expired | soft | none",
        "host map: lookup (example.org): deferred | networkerror | soft | retry",
        "Temp fail for: Tried all MXs | networkerror | soft | retry",
        "connect to mx.example.org[2001:db8::1]:25: Cannot assign requested address | networkerror | soft | retry",
        "451 4.4.0 SMTPSEND.SuspiciousRemoteServerError; remote server disconnected abruptly | networkerror | soft | retry",
        // A reply in place of the greeting (Postfix: "refused to talk to me") refuses the client
        // (RFC 5321 lets a server open with 554); the same bare 554 with no phase keeps the
        // documented 554 choice, and a rule that names a cause still decides.
        "host mx.example.org[192.0.2.1] refused to talk to me: 554 mx.example.org | blocked | soft | fix-sender",
        "554 mx.example.org | policyviolation | soft | fix-message",
        "host mx.example.org[192.0.2.1] refused to talk to me: 554 5.7.1 Bad DNS PTR resource record | requireptr | soft | fix-sender",
        // Postfix's "Temporary lookup failure" is one of its own tables that could not be read
        // (its smtpd_check tests expect it from a failing access map), not DNS: the server's fault.
        "451 Temporary lookup failure | systemerror | soft | retry",
        "550 Unrouteable address | hostunknown | hard | suppress",
        "451 4.4.0 DNS resolution failed | networkerror | soft | retry",
        "550 5.1.2 Domain example.org does not exist | hostunknown | hard | suppress",
        "454 4.7.1 <bob@example.org>: Relay access denied | norelaying | soft | retry",
        "450 4.1.2 <bob@example.org>: Recipient address rejected: Domain not found | hostunknown | soft | retry",
        "451 4.4.3 Temporary DNS error | networkerror | soft | retry",
        "550 5.4.4 Unable to route: no mail hosts for domain | hostunknown | soft | none",
        // Size limits in any wording (RFC 3463 X.3.4 and X.2.3; Postfix message_size_limit,
        // https://www.postfix.org/postconf.5.html#message_size_limit; Gmail 5.2.3,
        // https://support.google.com/a/answer/3726730).
        "552 5.3.4 Message size exceeds fixed maximum message size | emailtoolarge | soft | fix-message",
        "552 5.2.3 Message exceeds maximum size | emailtoolarge | soft | fix-message",
        "552 Message size exceeds maximum permitted | emailtoolarge | soft | fix-message",
        "554 5.3.4 Message too big for system | emailtoolarge | soft | fix-message",
        "552-5.2.3 Your message exceeded Google's message size limits. Please visit https://support.google.com/mail/?p=MaxSizeError | emailtoolarge | soft | fix-message",
        "550 5.7.0 Message rejected: message size too large | emailtoolarge | soft | fix-message",
        "552 Message exceeds the maximum size of 10MB | emailtoolarge | soft | fix-message",
        "552 5.3.4 Error: message file too big | emailtoolarge | soft | fix-message",
        "550 Message rejected: Attachment too large | emailtoolarge | soft | fix-message",
        "552 5.3.4 Size limit exceeded | emailtoolarge | soft | fix-message",
        "523 5.3.4 Message size exceeds limit | emailtoolarge | soft | fix-message",
        "552 Message is larger than the allowed size | emailtoolarge | soft | fix-message",
        "554 5.2.3 The message is too large for the recipient's mailbox | emailtoolarge | soft | fix-message",
        "552 5.3.4 Message length exceeds administrative limit | emailtoolarge | soft | fix-message",
        "550 5.3.4 Message size limit reached | emailtoolarge | soft | fix-message",
        "552 Message too long | emailtoolarge | soft | fix-message",
        "552 Mail size exceeds the limit | emailtoolarge | soft | fix-message",
        "552 5.3.4 Maximum data size exceeded | emailtoolarge | soft | fix-message",
        "554 Transaction failed: Message length exceeds 10485760 bytes | emailtoolarge | soft | fix-message",
        // TLS required by policy and not available (RFC 3207 §4 "530 5.7.0 Must issue a STARTTLS
        // command first", https://www.rfc-editor.org/rfc/rfc3207#section-4; RFC 4954 §6 538 5.7.11;
        // Postfix's "TLS not available due to local problem").
        "530 5.7.0 Must issue a STARTTLS command first | failedstarttls | soft | fix-sender",
        "454 4.7.0 TLS not available due to local problem | failedstarttls | soft | retry",
        // Postfix with DANE or a TLS policy table (https://www.postfix.org/TLS_README.html), and
        // Stalwart's queue: the TLS the sender requires could not be set up.
        "no TLSA records found | failedstarttls | soft | fix-sender",
        "TLS error from 'mx.example.org': STARTTLS not advertised by host. | failedstarttls | soft | fix-sender",
        "550 5.7.0 TLS required but not available | failedstarttls | soft | fix-sender",
        "538 5.7.11 Encryption required for requested authentication mechanism | failedstarttls | soft | fix-sender",
        "TLS negotiation failed with error SocketError | failedstarttls | soft | fix-sender",
        "Cannot start TLS: handshake failure | failedstarttls | soft | fix-sender",
        "530 5.7.0 STARTTLS is required to send mail | failedstarttls | soft | fix-sender",
        "451 4.7.5 TLS handshake failed | failedstarttls | soft | retry",
        "450 4.7.5 certificate verification failed for mx.example.org | failedstarttls | soft | retry",
        "454 4.3.3 TLS not available | failedstarttls | soft | retry",
        "550 5.7.3 Requested action aborted; user not authenticated (TLS required) | failedstarttls | soft | fix-sender",
        "530 Must issue a STARTTLS command first | failedstarttls | soft | fix-sender",
        "421 4.7.0 TLS required for this domain | failedstarttls | soft | retry",
        // Refused logins are the sender's credentials (RFC 4954 §6,
        // https://www.rfc-editor.org/rfc/rfc4954#section-6; Gmail 535 5.7.8 and 534 5.7.9,
        // https://support.google.com/a/answer/3726730; Exchange Online 5.7.139 and 5.7.57).
        "535 5.7.8 Username and Password not accepted. Learn more at https://support.google.com/mail/?p=BadCredentials | securityerror | soft | fix-sender",
        "535 5.7.3 Authentication unsuccessful | securityerror | soft | fix-sender",
        "535 Incorrect authentication data | securityerror | soft | fix-sender",
        "535 5.7.0 Invalid login or password | securityerror | soft | fix-sender",
        "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant | securityerror | soft | fix-sender",
        "530 5.7.0 Authentication Required | securityerror | soft | fix-sender",
        "530 5.7.57 Client not authenticated to send mail | securityerror | soft | fix-sender",
        "534 5.7.9 Application-specific password required | securityerror | soft | fix-sender",
        "535 Authentication credentials invalid | securityerror | soft | fix-sender",
        "535 5.7.1 Authentication failed | securityerror | soft | fix-sender",
        "535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6 | securityerror | soft | fix-sender",
        "534 5.7.14 Please log in via your web browser and then try again | securityerror | soft | fix-sender",
        "550 5.7.1 Client does not have permissions to send as this sender | rejected | soft | fix-sender",
        // Sender checks refuse the sender, not the recipient (Postfix reject_unknown_sender_domain
        // and
        // reject_unverified_sender,
        // https://www.postfix.org/postconf.5.html#reject_unverified_sender;
        // Exim's sender verify callouts,
        // https://www.exim.org/exim-html-current/doc/html/spec_html/ch-access_control_lists.html).
        "450 4.1.8 <alice@example.com>: Sender address rejected: Domain not found | rejected | soft | retry",
        "550-Verification failed for <alice@example.com>\\n550 Sender verify failed | rejected | soft | fix-sender",
        "450 4.1.7 <alice@example.com>: Sender address rejected: unverified address: host mx.example.com[192.0.2.1] said: 550 5.1.1 User unknown | rejected | soft | retry",
        "553 5.1.8 Domain of sender address alice@example.com does not exist | rejected | soft | fix-sender",
        "550 5.7.1 Sender address unroutable | rejected | soft | fix-sender",
        "451 Could not complete sender verify callout | rejected | soft | retry",
        "550 Unroutable sender address | rejected | soft | fix-sender",
        "553 5.1.8 <alice@example.com>: Sender address rejected: Domain not found | rejected | soft | fix-sender",
        "550 5.1.0 <alice@example.com> sender rejected | rejected | soft | fix-sender",
        "451 4.1.8 Sender address verification failed | rejected | soft | retry",
        "550 5.7.1 Sender verification failed | rejected | soft | fix-sender",
        "550 Sender address does not exist | rejected | soft | fix-sender",
        // Greylisting (RFC 6647, https://www.rfc-editor.org/rfc/rfc6647; postgrey and
        // milter-greylist
        // wordings, https://postgrey.schweikert.ch/).
        "450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html | greylisted | soft | retry-after",
        "451 4.7.1 Greylisting in action, please come back later | greylisted | soft | retry-after",
        "451 Greylisted, please try again in 300 seconds | greylisted | soft | retry-after",
        "451 4.7.1 Please try again later | greylisted | soft | retry-after",
        "451 Temporary local problem - please try later | systemerror | soft | retry",
        // Failed connection attempts: SmarterMail's count that ends delivery is expiry; a limit on
        // failed attempts that asks to try again is not.
        "Failed four Attempts to connect to recipients mail server | expired | soft | none",
        "421 Too many failed attempts to connect, try again later | systemerror | soft | retry",
        "421 4.7.0 Try again later, closing connection. | ratelimited | soft | slow-down",
        "450 4.2.0 Temporarily rejected, try again later | greylisted | soft | retry-after",
        // Look-alikes of the sixteenth pasted sample's rules, which must keep their reading: load
        // words
        // beside greylisting, a quota error behind Postfix local's failed mailbox update, a count
        // of
        // invalid recipients per session (the list's reputation), "overloaded" said of the client.
        "451 4.7.1 Greylisted due to high load, please try again later | greylisted | soft | retry-after",
        "452 4.2.2 cannot update mailbox /var/mail/u for user u. error writing message: Disk quota exceeded | mailboxfull | soft | retry",
        "550 5.7.1 Too many invalid recipients per session | badreputation | soft | slow-down",
        "450 4.7.1 Client host rejected: your IP address overloaded our server | blocked | soft | slow-down",
        // Block lists and reputation: Spamhaus (https://www.spamhaus.org/faqs/), Barracuda
        // (https://www.barracudacentral.org/rbl), SpamCop (https://www.spamcop.net/bl.shtml),
        // Proofpoint (https://ipcheck.proofpoint.com/), Microsoft S3150/S3140 and 5.7.5xx-7xx
        // (https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online),
        // Yahoo TSS04 and BL21 (https://senders.yahooinc.com/smtp-error-codes/), Gmail
        // 5.7.26/5.7.25
        // (https://support.google.com/a/answer/3726730).
        "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1 | blocked | soft | fix-sender",
        "550 5.7.1 Service unavailable; client [192.0.2.1] blocked using Barracuda Reputation; http://www.barracudanetworks.com/reputation/?r=1&ip=192.0.2.1 | blocked | soft | fix-sender",
        "554 Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.1 | blocked | soft | fix-sender",
        "554 5.7.1 Blocked by Proofpoint; see https://ipcheck.proofpoint.com/?ip=192.0.2.1 | blocked | soft | fix-sender",
        "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. | blocked | soft | fix-sender",
        "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140). | blocked | soft | fix-sender",
        "550 5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy. Please contact the administrator of example.com domain | authfailure | soft | fix-sender",
        "550-5.7.25 The IP address sending this message does not have a PTR record setup | requireptr | soft | fix-sender",
        "550 5.7.1 Our system has detected that this message is likely unsolicited mail | spamdetected | soft | fix-message",
        "550 5.7.350 Remote server returned message detected as spam | spamdetected | soft | fix-message",
        "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP | blocked | soft | fix-sender",
        "550 5.7.511 Access denied, banned sender | blocked | soft | fix-sender",
        "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's list | blocked | soft | fix-sender",
        "554 Your access to this mail system has been rejected due to the sending MTA's poor reputation | badreputation | soft | slow-down",
        "550 5.7.1 Mail from IP 192.0.2.1 was rejected due to listing in Spamhaus SBL | blocked | soft | fix-sender",
        "554 5.7.1 Message rejected because of poor sender reputation | badreputation | soft | slow-down",
        "550 5.7.1 Email rejected per DMARC policy for example.com | authfailure | soft | fix-sender",
        "550 5.7.23 The message was rejected because of Sender Policy Framework violation | authfailure | soft | fix-sender",
        "554 5.7.5 Permanent error evaluating DMARC policy | authfailure | soft | fix-sender",
        "421 4.7.0 IP not in whitelist for RCPT domain, closing connection. | blocked | soft | contact-recipient",
        "550 5.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.1] | requireptr | soft | fix-sender",
        "554 5.7.1 Message rejected: Email address is not verified | rejected | soft | fix-sender",
        "550 5.7.606 Access denied, banned sending IP [192.0.2.1] | blocked | soft | fix-sender",
        "554 5.7.1 SPF check failed | authfailure | soft | fix-sender",
        "550 5.7.1 Rejected by DKIM policy | authfailure | soft | fix-sender",
        "451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation | badreputation | soft | slow-down",
        "550 5.7.1 Your IP 192.0.2.1 is listed on a DNSBL | blocked | soft | fix-sender",
        "554 5.7.1 rejected because 192.0.2.1 is in a black list at b.barracudacentral.org | blocked | soft | fix-sender",
        "550 Rejected: 192.0.2.1 listed at bl.spamcop.net | blocked | soft | fix-sender",
        // A bare deferral that only asks to try again later reads as greylisting: rspamd's
        // greylisting
        // module answers "Try again later"
        // (https://github.com/rspamd/rspamd/blob/011de521fb453cc3621ea673a6b758624d7511cb/src/plugins/lua/greylist.lua),
        // OpenBSD spamd "Temporary failure, please try again later"
        // (https://man.openbsd.org/spamd.8).
        "451 4.7.1 Try again later | greylisted | soft | retry-after",
        "451 Temporary failure, please try again later. | greylisted | soft | retry-after",
        "451 4.7.1 Please try again later | greylisted | soft | retry-after",
        "421 4.7.0 Try again later, closing connection. | ratelimited | soft | slow-down",
        // postfix-policyd-spf's refusal (https://launchpad.net/pypolicyd-spf) and Postfix's error
        // limit (https://www.postfix.org/postconf.5.html#smtpd_hard_error_limit).
        "550 5.7.1 <bob@example.org>: Recipient address rejected: Please see http://www.openspf.net/Why?s=mfrom;id=alice@example.com | authfailure | soft | fix-sender",
        "421 4.7.0 mx.example.org Error: too many errors | ratelimited | soft | slow-down",
        // Client libraries' reports of the same causes: Node.js system and TLS errors
        // (https://nodejs.org/api/errors.html#common-system-errors,
        // https://nodejs.org/api/tls.html),
        // Nodemailer (https://nodemailer.com/smtp/), Python's smtplib
        // (https://docs.python.org/3/library/smtplib.html), PHPMailer
        // (https://github.com/PHPMailer/PHPMailer/blob/master/language/phpmailer.lang-en.php).
        "Error: connect ETIMEDOUT 192.0.2.1:587 | networkerror | soft | retry",
        "Error: connect ECONNREFUSED 192.0.2.1:25 | networkerror | soft | retry",
        "Greeting never received | networkerror | soft | retry",
        "smtplib.SMTPServerDisconnected: Connection unexpectedly closed | networkerror | soft | retry",
        "SMTP connect() failed. | networkerror | soft | retry",
        "Error: self signed certificate in certificate chain | failedstarttls | soft | fix-sender",
        "Error: 140735:error:1408F10B:SSL routines:ssl3_get_record:wrong version number | failedstarttls | soft | fix-sender",
        "Client network socket disconnected before secure TLS connection was established | failedstarttls | soft | fix-sender",
        "SMTP Error: Could not authenticate. | securityerror | soft | fix-sender",
        "454 4.7.0 Too many login attempts, please try again later | securityerror | soft | retry",
        "SMTP Error: data not accepted. Detail: Message rejected as spam SMTP code: 550 | spamdetected | soft | fix-message",
        // Exchange Online refuses to send as another sender (SendAsDenied).
        "554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception | rejected | soft | fix-sender",
        // Relaying refused in other words (RFC 5321 §3.6,
        // https://www.rfc-editor.org/rfc/rfc5321#section-3.6),
        // and a refusal for the message's content restrictions (RFC 3463 §3.8 X.7.1,
        // https://www.rfc-editor.org/rfc/rfc3463#section-3.8).
        "553 Relaying disallowed | norelaying | soft | fix-sender",
        "554 5.7.1 Message rejected due to content restrictions | policyviolation | soft | fix-message",
      })
  void readsTheKind(String reply, String reason, String bounce, String action) {
    check(reply, reason, bounce, action);
  }

  /**
   * Words that name the cause beyond doubt decide over a code from another subject, and words of a
   * dead mailbox in other orders are read; each group cites the document its wordings come from.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // Relay refusals whatever the code: Microsoft KB Q304897 (Microsoft SMTP's "Relaying
        // prohibited" and "Unable to relay for"), Sisimai's norelaying list
        // (https://github.com/sisimai/go-sisimai/blob/60ca1abbb0bbac093ce3aa45f2f6d4089d8003d9/reason/why-norelaying.go).
        "550 5.7.1 Relaying prohibited | norelaying | soft | fix-sender",
        "550 5.1.1 Bad destination mailbox address; unable to relay for bob@example.org | norelaying | soft | fix-sender",
        "550 5.7.1 This system is not configured to relay mail for example.org | norelaying | soft | fix-sender",
        "550 5.7.1 Relaying to <bob@example.org> is not allowed from this host | norelaying | soft | fix-sender",
        "554 5.7.1 Relaying refused: 192.0.2.1 is an open relay, listed in bl.example.net | blocked | soft | fix-sender",
        // A sending host set up for local mail only (Debian's exim4-config, configtype local)
        // fails every other domain in its own router, with or without a code in front:
        // https://salsa.debian.org/exim-team/exim4/-/blob/master/debian/debconf/conf.d/router/200_exim4-config_primary
        "Mailing to remote domains not supported | norelaying | soft | fix-sender",
        "550 Mailing to remote domains not supported | norelaying | soft | fix-sender",
        // A full mailbox answered with an address code (Cyrus lmtpd,
        // https://github.com/cyrusimap/cyrus-imapd/issues/2191): soft.
        "550 5.1.1 <bob@example.org>... Mailbox unknown: over quota | mailboxfull | soft | contact-recipient",
        "550 5.1.1 bob@example.org: Quota has been exceeded for this mailbox | mailboxfull | soft | contact-recipient",
        // A whole domain's storage (RFC 3463 §3.4 X.3.1).
        "452 4.3.1 Domain quota exceeded for example.org, try again later | systemfull | soft | retry",
        // SPF, DKIM, DMARC named beside a failure, under any code (RFC 7208 §8.4, RFC 7489
        // §6.6.2; https://github.com/sisimai/p5-sisimai/issues/467).
        "550 5.7.23 The message was rejected because of Sender Policy Framework violation | authfailure | soft | fix-sender",
        "550 5.5.0 DKIM signature of example.com did not pass | authfailure | soft | fix-sender",
        "550 5.2.0 Message refused: example.com DMARC alignment failed | authfailure | soft | fix-sender",
        "550 5.1.0 Sender 192.0.2.1 not permitted by domain example.com | authfailure | soft | fix-sender",
        // Rate words under a mailbox or address code (Postfix anvil, Exim ratelimit; Sisimai's
        // ratelimited list,
        // https://github.com/sisimai/go-sisimai/blob/e3c18521a6aadc14f50113014cb88a8aa811eb77/reason/why-ratelimited.go).
        "450 4.2.1 Rate limit reached for this mailbox, please try again later | ratelimited | soft | slow-down",
        "451 4.1.1 <bob@example.org>: too much mail from 192.0.2.1 | ratelimited | soft | slow-down",
        // A receiving service down for now (RFC 5321 §4.2.3 421; Sisimai's systemerror list has
        // "service currently unavailable"): soft, whatever the enhanced code.
        "421 4.7.1 Service is currently unavailable, please try again later | systemerror | soft | retry",
        "451 4.3.0 Temporary server error. Please try again later | systemerror | soft | retry",
        // Postfix's address verification quotes the probe's failure under 450 4.1.1
        // (https://www.postfix.org/ADDRESS_VERIFICATION_README.html): a network failure.
        "450 4.1.1 <bob@example.org>: Recipient address rejected: unverified address: connect to mx.example.org[192.0.2.7]:25: Connection timed out | networkerror | soft | retry",
        // 452 without words says only that the system could not take the message now; storage
        // words make it systemfull (RFC 5321 §4.2.3, §4.5.3.1.10).
        "452 Requested action not taken, come back later | systemerror | soft | retry",
        "452 4.3.1 Requested action not taken: insufficient system storage on this host | systemfull | soft | retry",
        // A block list still decides when the words name it.
        "450 4.7.1 Service unavailable; Client host [192.0.2.1] blocked using bl.example.net | blocked | soft | slow-down",
        // Dead-address words in other orders (Sisimai's userunknown pairs,
        // https://github.com/sisimai/go-sisimai/blob/a0630263bf5baae6063dc96154cf0e6b6aab9b47/reason/why-userunknown.go).
        "550 User bob@example.org was not found | userunknown | hard | suppress",
        "550 Mailbox bob@example.org does not exist here | userunknown | hard | suppress",
        "550 Invalid address: <bob@example.org> | userunknown | hard | suppress",
        // Words of a missing mailbox under X.2.1 (RFC 3463 §3.3), and a mailbox said to be
        // inactive or deactivated in other orders (Sisimai's suspend list,
        // https://github.com/sisimai/go-sisimai/blob/194cc336e2c7c4924fac136d379604317ef24934/reason/why-suspend.go).
        "550 5.2.1 The address bob@example.org was not found | userunknown | hard | suppress",
        "550 5.7.1 Recipient bob@example.org is inactive | suspend | hard | suppress",
        "550 Mailbox of bob@example.org has been deactivated by its owner | suspend | hard | suppress",
        "550 5.7.1 SMTP service disabled for user bob@example.org | blocked | soft | fix-sender",
        "421 4.2.1 Mailbox bob@example.org temporarily disabled, try again later | suspend | soft | retry",
        // Coremail's own wordings of an unknown recipient
        // (https://www.icoremail.vip/support/index.php?cate_id=84&page=8&start=225).
        "550 bob@example.org: not user of this server | userunknown | hard | suppress",
        "550 bob@example.org: local server don't exists that user | userunknown | hard | suppress",
        "550 Invalid user name or password | onhold | soft | retry",
        // ... but never about the sender or a command's syntax (RFC 3463 X.1.7, RFC 5321 501).
        "550 Sender address invalid | rejected | soft | fix-sender",
        "553 5.1.7 Invalid address | rejected | soft | fix-sender",
        "550 Mailbox unavailable for an unknown reason | userunknown | soft | none",
        // A user with no account at the domain, in any article and domain (Sisimai's userunknown
        // pair "this user doesn't have a ... account"); never a sender's or a login's account.
        "550 The user doesn't have an example.net account (carol@example.net) | userunknown | hard | suppress",
        "550 5.1.1 Mailbox invalid: carol@example.net | userunknown | hard | suppress",
        "535 5.7.8 User does not have an account with SMTP access | securityerror | soft | fix-sender",
        // A guess that the user may not exist states no finding.
        "550 Delivery to carol@example.net refused: the user may not exist or may be blocked | onhold | soft | retry",
        // RFC 5321 §4.2.3's own list of possible causes, printed as the reply, proves none of them.
        "550 <carol@example.org>: Requested action not taken: mailbox unavailable (e.g., mailbox not found, no access, or command rejected for policy reasons) | userunknown | soft | none",
        "550 5.7.1 User bob@example.org not found in the allowed senders list | blocked | soft | fix-sender",
        // Size, format, loops (RFC 1870; RFC 5322 §2.1.1 998-octet lines; RFC 5321 §6.3 loops).
        "552 Email is too large for this server | emailtoolarge | soft | fix-message",
        "554 5.6.0 Lines too long: RFC 5322 limits a line to 998 characters | notcompliantrfc | soft | fix-message",
        "554 5.4.6 Too many Received headers, possible mail loop | networkerror | soft | retry",
        "550 5.7.1 From header is missing or malformed | notcompliantrfc | soft | fix-message",
        // Attachments refused as dangerous (reasons.txt virusdetected; Exchange's common
        // attachments filter,
        // https://learn.microsoft.com/en-us/exchange/antispam-and-antimalware/antimalware-protection/antimalware-protection).
        "550 5.7.1 Banned file type: executable attachments are refused | virusdetected | soft | fix-message",
        // The recipient's own filters (Sisimai's filtered list,
        // https://github.com/sisimai/go-sisimai/blob/a0630263bf5baae6063dc96154cf0e6b6aab9b47/reason/why-filtered.go).
        "550 5.7.1 Message filtered by the recipient's rules | filtered | soft | contact-recipient",
        "550 5.7.1 You are on the recipient's blocked senders list | filtered | soft | contact-recipient",
        // A recipient (a restricted group) that takes mail only from senders it lists (Exchange
        // Online's words, quoted in
        // https://github.com/MicrosoftDocs/OfficeDocs-Exchange/issues/1544);
        // "not authorized to send" about a recipient is no SPF verdict (RFC 7208 speaks of who may
        // send for a domain).
        "550 5.7.1 Sorry, you don't have permission to send to the group sales@example.org | filtered | soft | contact-recipient",
        "554 5.7.1 <carol@example.org>: not authorized to send to this recipient | filtered | soft | contact-recipient",
        "550 5.7.1 Sender bob@example.com is not allowed to send to this group | filtered | soft | contact-recipient",
        "550 5.7.1 192.0.2.4 is not authorized to send mail on behalf of example.com | authfailure | soft | fix-sender",
        // A bare "Blocked" (RFC 3463 §3.8 X.7.1; Postfix access(5),
        // https://www.postfix.org/access.5.html).
        "554 5.7.1 Blocked | blocked | soft | fix-sender",
        // Log-style tails quoted with a reply (sendmail's "relay=", "ctladdr=", "stat=",
        // https://www.sendmail.org/~ca/email/doc8.12/op-sh-2.html; Postfix's "relay=", "dsn=",
        // "status=", https://www.postfix.org/MAILLOG_README.html): a word before "=" is a field
        // name, so "relay=" names the next hop and is no relaying refusal or veto.
        "553 5.3.0 <bob@example.org>... Addressee unknown, ctladdr=<alice@example.com>, relay=[192.0.2.7] | userunknown | hard | suppress",
        "554 5.7.1 Access denied, relay=mx2.example.net. [192.0.2.8], dsn=5.7.1, stat=Service unavailable | rejected | soft | fix-sender",
        "550 5.7.1 Relaying denied, relay=[192.0.2.9] | norelaying | soft | fix-sender",
        // TLS required, said in the passive (RFC 3207 §4): not a block of the sending host.
        "550 5.7.1 Encryption is required for mail to this domain | failedstarttls | soft | fix-sender",
        // Reverse DNS in the other word order (Forpsi,
        // https://support.forpsi.com/kb/a3303/email-was-rejected-with-the-error-no-dns-reverse-for-x_x_x_x.aspx).
        "554 mx.example.net no DNS reverse for 192.0.2.1 | requireptr | soft | fix-sender",
        // A sender IP found in a named list is a listing, whatever the lookup page calls it
        // (Trend Micro's ERS, https://servicecentral.trendmicro.com/en-US/ers/).
        "550 Mail from <192.0.2.11> was refused due to the sender IP found in ERS-DUL; query the IP reputation at https://servicecentral.trendmicro.com/en-US/ers/ | blocked | soft | fix-sender",
        // An IP blacklisted for a while after many errors (SocketLabs,
        // https://help.socketlabs.com/docs/421-451-too-many-errors-you-have-been-temporarily-blacklisted).
        "451 4.5.1 Too many errors, your IP has been temporarily blacklisted | blocked | soft | slow-down",
        // "Infected" about the client host in Postfix's block-list reply
        // (https://www.postfix.org/postconf.5.html#default_rbl_reply), not malware in the message.
        "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using bl.example.org; your computer may be infected | blocked | soft | fix-sender",
        // A sending service's used-up allowance at login is its limit, not a refused login
        // (SendGrid's credits, pasted in https://github.com/mautic/mautic/issues/8721); a login
        // that failed for a passing fault of the server is its trouble (RFC 4954,
        // https://www.rfc-editor.org/rfc/rfc4954), a wrong password stays a login error.
        "451 Authentication failed: Maximum credits exceeded | ratelimited | soft | slow-down",
        "454 4.7.0 Temporary authentication failure | systemerror | soft | retry",
        "454 4.7.0 Temporary authentication failure: Connection lost to authentication server | systemerror | soft | retry",
        // A sending service's note that it suppressed an address with a history of bounces
        // repeats its list's verdict (Amazon SES,
        // https://docs.aws.amazon.com/ses/latest/dg/sending-email-suppression-list.html).
        "Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address | suppressed | soft | suppress",
        "535 5.7.8 Error: authentication failed: authentication failure | securityerror | soft | fix-sender",
        // A sender identity the account was not given (SendGrid,
        // https://sendgrid.com/docs/for-developers/sending-email/sender-identity/), while the same
        // words beside SPF stay an SPF failure; a smart host that does not relay for a client.
        "550 The from address does not match a verified Sender Identity | rejected | soft | fix-sender",
        "550 5.7.1 User [alice@example.com] not authorized to send on behalf of <bob@example.org> | rejected | soft | fix-sender",
        "550 5.7.1 192.0.2.1 is not authorized to send on behalf of example.org: SPF fail | authfailure | soft | fix-sender",
        "550 sender IP address 192.0.2.1 may not use this server as a smarthost | norelaying | soft | fix-sender",
      })
  void wordsOverTheCode(String reply, String reason, String bounce, String action) {
    check(reply, reason, bounce, action);
  }

  private static void check(String reply, String reason, String bounce, String action) {
    ReplyStatus s = ENGINE.classify(reply.replace("\\n", "\n"));
    String why = reply + " (matched " + s.matched() + ")";
    assertThat(s.reason().id()).as(why).isEqualTo(reason);
    assertThat(s.bounce().id()).as(why).isEqualTo(bounce);
    assertThat(s.action().id()).as(why).isEqualTo(action);
  }
}
