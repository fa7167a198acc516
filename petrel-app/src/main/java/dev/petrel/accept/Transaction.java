package dev.petrel.accept;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Recipient;
import dev.petrel.protocol.MailFrom;
import dev.petrel.protocol.Reply;
import dev.petrel.queue.Spool;
import java.util.ArrayList;
import java.util.List;

/**
 * One mail transaction, from MAIL to the end of DATA or BDAT LAST (or RSET, EHLO, STARTTLS): the
 * sender, the accepted recipients, and for BDAT the spool that chunks are being added to.
 */
final class Transaction {

  final MailFrom mail;
  final List<Recipient> recipients = new ArrayList<>();

  /** Whether any RCPT was tried, to tell "no RCPT yet" (503) from "none accepted" (554). */
  boolean rcptTried;

  /** The message being built from BDAT chunks, or null before the first chunk. */
  Spool spool;

  SpoolSink sink;

  /**
   * Set when a BDAT chunk failed (size, storage): later chunks of this transaction are read and
   * answered with the same reply, since the client may have pipelined them already (RFC 3030 §2).
   */
  Reply failed;

  /**
   * Whether the accepted recipients are on the bounce domain: the message is a report to read, not
   * mail to deliver. The first accepted recipient decides; the two kinds never mix.
   */
  boolean bounces;

  /** Where BDAT chunks of a bounce go (DATA reads it in one go), or null. */
  SpoolSink bounceSink;

  BounceIntake.CappedBuffer bounceBuffer;

  /** The account's monthly limit as read for this transaction, or null before it was read. */
  java.util.OptionalLong quotaLimit;

  /** The account {@link #quotaLimit} was read for. */
  String quotaAccount;

  Transaction(MailFrom mail) {
    this.mail = mail;
  }

  boolean hasRecipient(EmailAddress address) {
    for (Recipient r : recipients) if (r.address().equals(address)) return true;
    return false;
  }

  boolean chunking() {
    return spool != null || failed != null || bounceSink != null;
  }

  /** Discards a message not committed yet. */
  void discard() {
    if (spool != null) spool.close();
    spool = null;
    sink = null;
    bounceSink = null;
    bounceBuffer = null;
  }
}
