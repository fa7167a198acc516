package dev.petrel.bench;

import java.util.List;

/**
 * A realistic mix of SMTP replies in the forms the engine meets: on the wire (single and
 * multi-line), in DSN fields ({@code smtp;}, {@code X-Postfix;}), Postfix-flattened, Exim's and
 * Exchange's log forms, and bare text without a code.
 *
 * <p>Texts follow the providers' published reply lists (cited per group); host names, addresses and
 * session ids are replaced by documentation values (RFC 2606 names, RFC 5737 addresses).
 */
final class ReplyMix {

  private ReplyMix() {}

  static final List<String> REPLIES =
      List.of(
          // Gmail / Google Workspace: "Gmail SMTP errors and codes",
          // https://support.google.com/a/answer/3726730
          "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
              + "550-5.1.1 double-checking the recipient's email address for typos or\r\n"
              + "550-5.1.1 unnecessary spaces. For more information, go to\r\n"
              + "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1si1234567qkb.1 - gsmtp",
          "host gmail-smtp-in.l.google.com[192.0.2.27] said: 550-5.7.26 This mail has been"
              + " blocked because the sender is unauthenticated. 550-5.7.26 Gmail requires all"
              + " senders to authenticate with either SPF or DKIM. 550-5.7.26  550-5.7.26 "
              + " Authentication results: 550-5.7.26  DKIM = did not pass 550-5.7.26  SPF"
              + " [example.com] with ip: [192.0.2.1] = did not pass 550-5.7.26  550-5.7.26  For"
              + " instructions on setting up authentication, go to 550 5.7.26 "
              + " https://support.google.com/mail/answer/81126#authentication b2si99 - gsmtp (in"
              + " reply to end of DATA command)",
          "smtp; 452 4.2.2 The email account that you tried to reach is over quota. Please direct"
              + " the recipient to https://support.google.com/mail/?p=OverQuotaTemp c3si7 - gsmtp",
          "421 4.7.0 Try again later, closing connection. (EHLO) d4si8 - gsmtp",
          "450 4.2.1 The user you are trying to contact is receiving mail too quickly. Please"
              + " resend your message at a later time. e5si9 - gsmtp",
          "550 5.7.1 Our system has detected an unusual rate of unsolicited mail originating from"
              + " your IP address. To protect our users from spam, mail sent from your IP address"
              + " has been blocked. f6si10 - gsmtp",
          "552 5.2.3 Your message exceeded Google's message size limits. g7si11 - gsmtp",
          "550 5.2.1 The email account that you tried to reach is disabled. h8si12 - gsmtp",

          // Microsoft (Outlook.com, Exchange Online): "Email non-delivery reports and SMTP
          // errors in Exchange Online",
          // https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online
          "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found"
              + " by SMTP address lookup'",
          "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your"
              + " Internet service provider since part of their network is on our block list"
              + " (S3150). You can also refer your provider to"
              + " http://mail.live.com/mail/troubleshooting.aspx#errors.",
          "451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (S77719)"
              + " [BN8NAM11FT012.eop-nam11.prod.protection.outlook.com]",
          "smtp; 550 5.4.1 Recipient address rejected: Access denied. AS(201806281)"
              + " [DB5EUR03FT012.eop-EUR03.prod.protection.outlook.com]",
          "554 5.2.2 mailbox full;"
              + " STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded",
          "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.",

          // Yahoo / AOL: "SMTP error codes", https://senders.yahooinc.com/smtp-error-codes/
          "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume"
              + " or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
          "554 5.7.9 Message not accepted for policy reasons.  See"
              + " https://postmaster.yahooinc.com/error-codes",
          "smtp; 552 1 Requested mail action aborted, mailbox not found",
          "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in"
              + " Spamhaus's list; see https://postmaster.yahooinc.com/error-codes",

          // Apple iCloud: "If your email to iCloud Mail is rejected",
          // https://support.apple.com/en-us/102322
          "554 5.7.1 [CS01] Message rejected due to local policy. Please visit"
              + " https://support.apple.com/en-us/HT204137",
          "550 5.1.1 <jane@icloud.com>: user does not exist",

          // Comcast: "SMTP error codes", https://postmaster.comcast.net/smtp-error-codes.php
          "554 resimta-po-01v.sys.comcast.net resimta-po-01v.sys.comcast.net 192.0.2.1 found on"
              + " one or more DNSBLs, see http://postmaster.comcast.net/smtp-error-codes.php#BL000001",
          "550 5.1.1 <jane@comcast.net> Not our Customer",

          // Orange: "Codes d'erreur SMTP", https://postmaster.orange.fr/
          "550 5.7.1 Service refuse. Veuillez essayer plus tard. service refused, please try"
              + " later. OFR004_104 [104]",
          // Mail.ru: https://help.mail.ru/developers/postmaster/
          "550 Message was not accepted -- invalid mailbox.  Local mailbox jane@mail.ru is"
              + " unavailable: user not found",
          // GMX / WEB.DE: https://postmaster.gmx.net/en/error-messages
          "554-gmx.net (mxgmx014) Nemesis ESMTP Service not available\r\n"
              + "554-No SMTP service\r\n"
              + "554 Bad DNS PTR resource record.",
          "550 Requested action not taken: mailbox unavailable",
          // Yandex: https://yandex.com/support/mail/
          "smtp; 550 5.7.1 No such user!",
          // QQ / Tencent Exmail: http://service.exmail.qq.com/
          "550 Mailbox not found."
              + " http://service.exmail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000728",
          // Zoho: https://www.zoho.com/mail/help/
          "550 5.1.1 User does not exist - <jane@zoho.com>",
          "554 5.1.8 Email Outgoing Blocked.",

          // Postfix: bounce(5), smtp(8); DSN text form of RFC 3464 §2.3.6
          "X-Postfix; host mx.example.org[192.0.2.25] said: 550 5.1.1 <bob@example.org>:"
              + " Recipient address rejected: User unknown in virtual mailbox table (in reply to"
              + " RCPT TO command)",
          "smtp; 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in local"
              + " recipient table",
          "X-Postfix; connect to mx.example.org[192.0.2.25]:25: Connection timed out",
          "Host or domain name not found. Name service error for name=example.invalid type=MX:"
              + " Host not found, try again",
          // Exim: spec chapter "Delivery errors", bounce message format
          "SMTP error from remote mail server after RCPT TO:<bob@example.org>: 550 5.1.1"
              + " <bob@example.org>: Recipient address rejected: User unknown",
          "SMTP error from remote mail server after end of data: 552 5.3.4 Message size exceeds"
              + " fixed limit",
          "Unrouteable address",
          // Sendmail
          "550 5.1.1 <bob@example.org>... User unknown",
          "Deferred: Connection refused by mx.example.org.",
          // qmail: the qmail-send bounce texts (#x.y.z suffix)
          "Sorry, no mailbox here by that name. (#5.1.1)",
          "Sorry, I couldn't find any host named example.invalid. (#5.1.2)",
          // Exchange on premises
          "#550 5.7.1 RESOLVER.RST.AuthRequired; authentication required ##",
          // Greylisting daemons (postgrey's default reply text)
          "450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, see"
              + " http://postgrey.schweikert.ch/help/example.org.html",
          "451 4.7.1 Greylisting in action, please come back later",
          // DNS block lists (Spamhaus through Postfix reject_rbl_client)
          "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org;"
              + " https://www.spamhaus.org/query/ip/192.0.2.1",
          // RFC 5321 §4.2: plain codes
          "421 4.4.2 mx.example.org Error: timeout exceeded",
          "250 2.0.0 OK  1700000000 a1si1234567qkb.1 - gsmtp");
}
