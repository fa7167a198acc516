package dev.petrel.accept;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Recipient;
import dev.petrel.protocol.ChunkHeader;
import dev.petrel.protocol.DataDecoder;
import dev.petrel.protocol.Reply;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StorageFullException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * The listener's side of the bounce domain: RCPT to a return path, and the mail that follows, which
 * is handed to the {@link BounceMailbox} and never queued for delivery.
 *
 * <p>Choices, kept in one place:
 *
 * <ul>
 *   <li>A bounce-domain recipient needs neither AUTH nor relay rights: remote servers send bounces
 *       without logging in. Its token must be genuine and name a message still in the queue, else
 *       550 5.1.1 with the reason; such refusals count as client errors.
 *   <li>A transaction takes bounce-domain recipients or other recipients, never both: the second
 *       kind gets 452 4.5.3, the reply RFC 5321 §4.5.3.1.10 gives for recipients a client should
 *       send again in another transaction, which SMTP clients do without bouncing anything.
 *   <li>A bounce is read liberally: bare line ends and long lines are allowed (nothing is relayed,
 *       so smuggling does not apply), only the size limit holds (552 5.3.4). Only its first {@link
 *       #KEPT} octets are kept for reading: a report's headers and delivery-status part come first,
 *       and a returned copy of a large original need not sit in memory.
 *   <li>250 after the final dot means what the report says is recorded on stable storage; a store
 *       failure answers 451 4.3.0 (or 452 4.3.1 when the disk is full), so the report comes again.
 *       Mail that is no bounce at all is still answered 250, and logged as such.
 * </ul>
 */
final class BounceIntake {

  /** How much of a bounce is kept for reading. */
  static final int KEPT = 2 * 1024 * 1024;

  private final SessionContext s;

  BounceIntake(SessionContext s) {
    this.s = s;
  }

  /** Whether this session reads bounces and the address is on the bounce domain. */
  boolean isBounceAddress(EmailAddress address) {
    return s.bounces != null && s.bounces.isBounceAddress(address);
  }

  /** RCPT to a bounce-domain address; {@code who} is the log's name for the command. */
  void rcpt(Transaction t, Recipient r, String who) throws IOException {
    if (!t.recipients.isEmpty() && !t.bounces) {
      s.reply(mixed(who));
      return;
    }
    java.util.Optional<String> refusal;
    try {
      refusal = s.bounces.refusal(r.address());
    } catch (StorageException e) {
      Reply reply = Reply.of(451, "4.3.0", "Local error in processing, try again later");
      s.event(who + " refused: " + reply + " (" + e.getMessage() + ")");
      s.reply(reply);
      return;
    }
    if (refusal.isPresent()) {
      s.fail("RCPT", Reply.of(550, "5.1.1", refusal.get()));
      return;
    }
    if (t.hasRecipient(r.address())) {
      s.reply(Reply.of(250, "2.1.5", "Return path ok (duplicate)"));
      return;
    }
    if (t.recipients.size() >= s.config.maxRecipients()) {
      s.reply(Reply.of(452, "4.5.3", "Too many recipients: at most " + s.config.maxRecipients()));
      return;
    }
    t.bounces = true;
    t.recipients.add(r);
    s.event(who + " accepted as a return path");
    s.reply(Reply.of(250, "2.1.5", "Return path ok"));
  }

  /** The refusal of an ordinary recipient after bounce-domain ones, or the reverse. */
  Reply mixed(String who) {
    Reply r =
        Reply.of(
            452,
            "4.5.3",
            "Bounces and other mail go in separate transactions: send this recipient in another");
    s.event(who + " refused: " + r);
    return r;
  }

  /** DATA of a bounce, after the sequence checks: reads it to the final dot and hands it on. */
  void data(Transaction t) throws IOException {
    CappedBuffer buffer = new CappedBuffer(KEPT);
    SpoolSink sink = new SpoolSink(buffer, s.config.maxMessageSize());
    s.reply(Reply.of(354, null, "End data with <CR><LF>.<CR><LF>"));
    s.awaitData();
    DataDecoder.Result r = DataDecoder.decode(s.input, sink);
    if (!r.complete()) throw new EOFException("connection closed during DATA");
    finish(t, sink, buffer);
  }

  /** One BDAT chunk of a bounce, after the sequence checks. */
  void bdat(Transaction t, ChunkHeader chunk) throws IOException {
    if (t.bounceSink == null) {
      t.bounceBuffer = new CappedBuffer(KEPT);
      t.bounceSink = new SpoolSink(t.bounceBuffer, s.config.maxMessageSize());
    }
    long copied = s.input.copy(chunk.size(), t.bounceSink);
    if (copied < chunk.size()) throw new EOFException("connection closed during BDAT");
    if (!chunk.last()) {
      if (t.bounceSink.overLimit()) {
        t.failed = sizeRefusal();
        t.bounceSink = null;
        t.bounceBuffer = null;
        s.reply(t.failed);
        return;
      }
      s.reply(Reply.of(250, "2.0.0", chunk.size() + " octets received"));
      return;
    }
    finish(t, t.bounceSink, t.bounceBuffer);
  }

  private void finish(Transaction t, SpoolSink sink, CappedBuffer buffer) throws IOException {
    String from = t.mail.sender() == null ? "" : t.mail.sender().toString();
    if (sink.overLimit()) {
      Reply r = sizeRefusal();
      s.event("bounce from=<" + from + "> refused: " + r);
      s.reply(r);
      return;
    }
    List<EmailAddress> to = t.recipients.stream().map(Recipient::address).toList();
    Reply reply;
    try {
      String summary = s.bounces.receive(to, buffer.bytes());
      s.event(
          "bounce from=<"
              + from
              + "> size="
              + sink.octets()
              + (buffer.cut() ? " (read the first " + KEPT + " octets)" : "")
              + ": "
              + summary);
      reply = Reply.of(250, "2.0.0", "Ok: report received");
    } catch (StorageException e) {
      reply =
          e instanceof StorageFullException
              ? Reply.of(452, "4.3.1", "Insufficient system storage, try again later")
              : Reply.of(451, "4.3.0", "Local error in processing, try again later");
      s.event("bounce from=<" + from + "> refused: " + reply + " (" + e.getMessage() + ")");
    } catch (RuntimeException e) {
      reply = Reply.of(451, "4.3.0", "Local error in processing, try again later");
      s.event("bounce from=<" + from + "> refused: " + reply + " (" + e + ")");
    }
    s.reply(reply);
  }

  private Reply sizeRefusal() {
    return Reply.of(
        552, "5.3.4", "Message size exceeds the limit of " + s.config.maxMessageSize() + " octets");
  }

  /** Keeps the first {@code cap} octets written and drops the rest, saying whether it did. */
  static final class CappedBuffer extends OutputStream {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream(8192);
    private final int cap;
    private boolean cut;

    CappedBuffer(int cap) {
      this.cap = cap;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      int room = cap - kept.size();
      if (len > room) cut = true;
      if (room > 0) kept.write(b, off, Math.min(room, len));
    }

    byte[] bytes() {
      return kept.toByteArray();
    }

    boolean cut() {
      return cut;
    }
  }
}
