package dev.petrel.accept;

import dev.petrel.content.Generated;
import dev.petrel.content.SubmissionFilter;
import dev.petrel.model.Envelope;
import dev.petrel.model.Recipient;
import dev.petrel.protocol.ChunkHeader;
import dev.petrel.protocol.CommandRejectedException;
import dev.petrel.protocol.DataDecoder;
import dev.petrel.protocol.Line;
import dev.petrel.protocol.MailFrom;
import dev.petrel.protocol.RcptTo;
import dev.petrel.protocol.Reply;
import dev.petrel.queue.QuotaExceededException;
import dev.petrel.queue.Spool;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StorageFullException;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The mail transaction: MAIL, RCPT, DATA and BDAT. Ends where the message is durable in the store
 * (or refused with the reply docs/serving.md gives for the reason).
 *
 * <p>Choices where the RFCs leave room, kept in one place:
 *
 * <ul>
 *   <li>A client outside the trusted networks that has not authenticated gets 530 5.7.0 at MAIL
 *       when it could authenticate (AUTH offered now, or after STARTTLS); when the listener offers
 *       it no way to authenticate, MAIL is accepted and every RCPT gets 554 5.7.1 (relaying
 *       denied). A listener that reads the bounce domain accepts MAIL from everyone, since remote
 *       servers send bounces without logging in, and gives the same 530 5.7.0 (or 554 5.7.1) at
 *       RCPT to recipients off that domain. Bounce-domain recipients: see {@link BounceIntake}.
 *   <li>8-bit octets in DATA without BODY=8BITMIME are accepted as they are (be liberal, as Postfix
 *       is); BODY=BINARYMIME requires BDAT (RFC 3030 §3: DATA gets 503 5.5.1).
 *   <li>In strict mode a message whose lines end in a bare LF or bare CR is refused with 550 5.5.2
 *       after reading it to its real end; otherwise such endings are stored as CRLF.
 *   <li>A DATA line over 1000 octets refuses the message with 500 5.5.2; BDAT chunks have no line
 *       limit (RFC 3030).
 *   <li>A duplicate recipient is acknowledged and stored once.
 * </ul>
 */
final class MailCommands {

  private final SessionContext s;
  private final BounceIntake bounces;

  MailCommands(SessionContext s) {
    this.s = s;
    this.bounces = new BounceIntake(s);
  }

  void mail(Line line, String argument) throws IOException {
    if (s.transaction != null) {
      s.fail("MAIL", Reply.of(503, "5.5.1", "Nested MAIL command: a transaction is in progress"));
      return;
    }
    // A listener that reads bounces takes MAIL from anyone (remote servers do not log in) and
    // asks for authentication at RCPT, for recipients off the bounce domain.
    if (!s.mayRelay() && s.bounces == null) {
      if (s.authOffered()) {
        s.fail("MAIL", Reply.of(530, "5.7.0", "Authentication required"));
        return;
      }
      if (s.startTlsOffered()) {
        s.fail("MAIL", Reply.of(530, "5.7.0", "Authentication required: issue STARTTLS first"));
        return;
      }
    }
    if (!line.isUtf8()) {
      s.fail("MAIL", Reply.of(501, "5.1.7", "Sender address is not valid UTF-8"));
      return;
    }
    MailFrom mail;
    try {
      mail = MailFrom.parse(argument);
    } catch (CommandRejectedException e) {
      s.fail("MAIL", e.reply());
      return;
    }
    if (mail.size() > s.config.maxMessageSize()) {
      s.reply(sizeRefusal());
      s.event("mail refused: declared size " + mail.size() + " over the limit");
      return;
    }
    Reply notOwned = senderRefusal(mail);
    if (notOwned != null) {
      s.fail("MAIL", notOwned);
      return;
    }
    s.transaction = new Transaction(mail);
    s.event(
        "mail from=<"
            + (mail.sender() == null ? "" : mail.sender())
            + ">"
            + (mail.size() >= 0 ? " size=" + mail.size() : "")
            + (mail.body() != null ? " body=" + mail.body() : "")
            + (mail.smtputf8() ? " smtputf8" : ""));
    s.reply(Reply.of(250, "2.1.0", "Sender ok"));
  }

  /**
   * 553 5.7.1 when the account may not send from the envelope sender's domain, else null; the
   * header From is checked after the message ({@link ContentRefusals}).
   */
  private Reply senderRefusal(MailFrom mail) {
    if (s.senders == null || mail.sender() == null) return null;
    try {
      if (s.senders.mayUseSender(s.accountName(), mail.sender().domain())) return null;
      return Reply.of(
          553,
          "5.7.1",
          "Sender domain "
              + mail.sender().domain()
              + " is not a sender domain of account "
              + s.accountName());
    } catch (StorageException e) {
      return Reply.of(451, "4.3.0", "Cannot check the sender domain now, try again later");
    }
  }

  void rcpt(Line line, String argument) throws IOException {
    Transaction t = s.transaction;
    if (t == null) {
      s.fail("RCPT", Reply.of(503, "5.5.1", "Need MAIL before RCPT"));
      return;
    }
    if (t.chunking()) {
      s.fail("RCPT", Reply.of(503, "5.5.1", "RCPT after BDAT: the message is already coming"));
      return;
    }
    t.rcptTried = true;
    if (!line.isUtf8()) {
      s.fail("RCPT", Reply.of(501, "5.1.3", "Recipient address is not valid UTF-8"));
      return;
    }
    Recipient r;
    try {
      r = RcptTo.parse(argument, t.mail.smtputf8());
    } catch (CommandRejectedException e) {
      s.fail("RCPT", e.reply());
      return;
    }
    String who = "rcpt to=<" + r.address() + ">";
    if (bounces.isBounceAddress(r.address())) {
      bounces.rcpt(t, r, who);
      return;
    }
    if (t.bounces) {
      s.reply(bounces.mixed(who));
      return;
    }
    if (!s.mayRelay()) {
      Reply refusal = relayRefusal();
      s.errors++;
      s.event(who + " refused: " + refusal);
      s.reply(refusal);
      return;
    }
    if (t.hasRecipient(r.address())) {
      s.reply(Reply.of(250, "2.1.5", "Recipient ok (duplicate)"));
      return;
    }
    if (t.recipients.size() >= s.config.maxRecipients()) {
      Reply refusal =
          Reply.of(452, "4.5.3", "Too many recipients: at most " + s.config.maxRecipients());
      s.event(who + " refused: " + refusal);
      s.reply(refusal);
      return;
    }
    Reply overQuota = s.quotaRefusal(t.recipients.size() + 1);
    if (overQuota != null) {
      s.event(who + " refused: " + overQuota);
      s.reply(overQuota);
      return;
    }
    t.recipients.add(r);
    s.event(who + " accepted");
    s.reply(Reply.of(250, "2.1.5", "Recipient ok"));
  }

  /** What a client that may not relay hears at RCPT (see the class comment). */
  private Reply relayRefusal() {
    if (s.bounces != null && s.authOffered())
      return Reply.of(530, "5.7.0", "Authentication required");
    if (s.bounces != null && s.startTlsOffered())
      return Reply.of(530, "5.7.0", "Authentication required: issue STARTTLS first");
    return Reply.of(554, "5.7.1", "Relaying denied: authenticate first");
  }

  /** The reply that refuses DATA or BDAT in this state, or null when a message may come. */
  private Reply sequenceRefusal(String verb) {
    Transaction t = s.transaction;
    if (t == null) return Reply.of(503, "5.5.1", "Need MAIL before " + verb);
    if (t.recipients.isEmpty())
      return t.rcptTried
          ? Reply.of(554, "5.5.1", "No valid recipients")
          : Reply.of(503, "5.5.1", "Need RCPT before " + verb);
    return null;
  }

  void data() throws IOException {
    Reply refusal = sequenceRefusal("DATA");
    Transaction t = s.transaction;
    if (refusal == null && t.chunking())
      refusal = Reply.of(503, "5.5.1", "DATA after BDAT: finish with BDAT LAST or RSET");
    if (refusal == null && "BINARYMIME".equals(t.mail.body()))
      refusal = Reply.of(503, "5.5.1", "BODY=BINARYMIME needs BDAT, not DATA");
    if (refusal != null) {
      s.fail("DATA", refusal);
      return;
    }
    if (t.bounces) {
      try {
        bounces.data(t);
      } finally {
        s.endTransaction();
      }
      return;
    }
    Spool spool;
    try {
      spool = s.store.begin(envelope(t));
    } catch (StorageException e) {
      s.reply(storageRefusal(e, null));
      return;
    }
    try (spool) {
      SpoolSink sink = open(spool, t);
      s.reply(Reply.of(354, null, "End data with <CR><LF>.<CR><LF>"));
      s.awaitData();
      DataDecoder.Result r = DataDecoder.decode(s.input, sink);
      if (!r.complete()) throw new EOFException("connection closed during DATA");
      long dataEnd = System.nanoTime();
      sink.finish();
      Reply refused = null;
      if (sink.overLimit()) refused = sizeRefusal();
      else if (s.config.strictLineEndings() && r.bareLineEndings())
        refused =
            Reply.of(
                550,
                "5.5.2",
                "Message refused: lines must end with <CR><LF>, found a bare "
                    + (r.bareLf() > 0 ? "<LF>" : "<CR>"));
      else if (r.lineTooLong())
        refused =
            Reply.of(500, "5.5.2", "Message refused: a line is longer than 1000 octets with CRLF");
      else refused = ContentRefusals.refusal(s, sink, t);
      if (refused != null) {
        s.event(spool.id().value(), "message refused: " + refused);
        s.reply(refused);
      } else {
        if (r.bareLineEndings())
          s.event(
              spool.id().value(),
              "normalised " + (r.bareLf() + r.bareCr()) + " bare line endings to CRLF");
        commit(spool, sink, t, dataEnd);
      }
    } finally {
      s.endTransaction();
    }
  }

  void bdat(String argument) throws IOException {
    ChunkHeader chunk;
    try {
      chunk = ChunkHeader.parse(argument);
    } catch (CommandRejectedException e) {
      // Without a size there is no way to find the chunk's end; what follows reads as commands.
      s.fail("BDAT", e.reply());
      return;
    }
    s.awaitData();
    Reply refusal = sequenceRefusal("BDAT");
    if (refusal != null) {
      skip(chunk.size());
      s.fail("BDAT", refusal);
      return;
    }
    Transaction t = s.transaction;
    if (t.failed != null) {
      skip(chunk.size());
      s.reply(t.failed);
      if (chunk.last()) s.endTransaction();
      return;
    }
    if (t.bounces) {
      try {
        bounces.bdat(t, chunk);
      } finally {
        if (chunk.last()) s.endTransaction();
      }
      return;
    }
    if (t.spool == null) {
      try {
        t.spool = s.store.begin(envelope(t));
        t.sink = open(t.spool, t);
      } catch (StorageException e) {
        skip(chunk.size());
        failChunk(t, chunk, storageRefusal(e, null));
        return;
      }
    }
    long copied = s.input.copy(chunk.size(), t.sink);
    if (copied < chunk.size()) throw new EOFException("connection closed during BDAT");
    if (t.sink.overLimit()) {
      failChunk(t, chunk, sizeRefusal());
      return;
    }
    if (!chunk.last()) {
      s.reply(Reply.of(250, "2.0.0", chunk.size() + " octets received"));
      return;
    }
    try {
      long dataEnd = System.nanoTime();
      t.sink.finish();
      Reply refused = ContentRefusals.refusal(s, t.sink, t);
      if (refused != null) {
        s.event(t.spool.id().value(), "message refused: " + refused);
        s.reply(refused);
      } else commit(t.spool, t.sink, t, dataEnd);
    } finally {
      s.endTransaction();
    }
  }

  /** Reads and drops a chunk the session will not keep. */
  private void skip(long size) throws IOException {
    if (s.input.copy(size, OutputStream.nullOutputStream()) < size)
      throw new EOFException("connection closed during BDAT");
  }

  private void failChunk(Transaction t, ChunkHeader chunk, Reply reply) throws IOException {
    String queueId = t.spool == null ? null : t.spool.id().value();
    t.discard();
    t.failed = reply;
    s.event(queueId, "message refused: " + reply);
    s.reply(reply);
    if (chunk.last()) s.endTransaction();
  }

  private SpoolSink open(Spool spool, Transaction t) {
    // Mail a client submits (trusted or logged in) gets what a submission server adds (RFC 6409
    // §8); the Bcc and X-Petrel-* fields go in every case.
    Generated generated = s.mayRelay() ? new Generated(s.config.hostname(), s.clock) : null;
    SpoolSink sink =
        new SpoolSink(new SubmissionFilter(spool.body(), generated), s.config.maxMessageSize());
    sink.writeOwn(
        ReceivedHeader.format(
            s.helo,
            s.client,
            s.config.hostname(),
            ReceivedHeader.protocol(
                s.esmtp, t.mail.smtputf8(), s.connection.secure(), s.authenticated()),
            spool.id().value(),
            s.connection.secure() ? s.connection.tlsDescription() : null,
            t.recipients.size() == 1 ? t.recipients.getFirst().address() : null,
            t.mail.smtputf8(),
            s.clock.instant()));
    return sink;
  }

  private void commit(Spool spool, SpoolSink sink, Transaction t, long dataEnd) throws IOException {
    String queueId = spool.id().value();
    if (sink.failure() != null) {
      Reply r = Reply.of(451, "4.3.0", "Storage write failed, try again later");
      s.event(queueId, "message refused: " + r + " (" + sink.failure().getMessage() + ")");
      s.reply(r);
      return;
    }
    try {
      // A submitter's X-Petrel-Tag fields (checked by ContentRefusals) become the message's tags.
      if (s.mayRelay() && sink.content() != null && !sink.content().tags().isEmpty())
        spool.label(List.copyOf(new LinkedHashSet<>(sink.content().tags())), null);
      // With quotas, the store counts the recipients and checks the month's total in one step, so
      // sessions that all passed the check at RCPT cannot all be kept past the limit.
      java.util.OptionalLong quota =
          s.quotas == null ? java.util.OptionalLong.empty() : s.quotaLimit();
      long limit = quota.orElse(-1);
      String id = (limit < 0 ? spool.commit() : spool.commit(limit)).value();
      s.event(id, "queued size=" + sink.octets() + " recipients=" + t.recipients.size());
      s.reply(Reply.of(250, "2.0.0", "Ok: queued as " + id));
      s.junkCommands = 0; // mail moved forward: the junk count starts again
      s.observer.queued(s.id, id, t.recipients.size(), System.nanoTime() - dataEnd);
      if (s.quotas != null) s.quotas.afterAccepted(s.accountName(), quota);
    } catch (QuotaExceededException e) {
      Reply r = s.quotaRefusal(t.recipients.size());
      if (r == null)
        r = Reply.of(450, "4.7.1", "Monthly quota of " + e.limit() + " recipients reached");
      s.event(queueId, "message refused: " + r + " (" + e.getMessage() + ")");
      s.reply(r);
    } catch (StorageException e) {
      s.reply(storageRefusal(e, queueId));
    }
  }

  private Reply storageRefusal(StorageException e, String queueId) {
    Reply r =
        e instanceof StorageFullException
            ? Reply.of(452, "4.3.1", "Insufficient system storage, try again later")
            : Reply.of(451, "4.3.0", "Local error in processing, try again later");
    s.event(queueId, "message refused: " + r + " (" + e.getMessage() + ")");
    return r;
  }

  private Reply sizeRefusal() {
    return Reply.of(
        552, "5.3.4", "Message size exceeds the limit of " + s.config.maxMessageSize() + " octets");
  }

  private Envelope envelope(Transaction t) {
    MailFrom m = t.mail;
    return new Envelope(
        m.sender(),
        t.recipients,
        m.body() == null ? "7BIT" : m.body(),
        m.smtputf8(),
        m.ret(),
        m.envid(),
        s.account == null ? Envelope.DEFAULT_ACCOUNT : s.account,
        s.authUser,
        s.clientText(),
        s.helo);
  }
}
