package dev.petrel.deliver;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Recipient;
import dev.petrel.status.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * One mail transaction on a ready connection: MAIL, an RCPT per recipient, then DATA (or BDAT) with
 * the message, giving each recipient the reply that decided its fate.
 *
 * <p>With PIPELINING, MAIL, the RCPTs and DATA go out as one group (RFC 2920) and the replies are
 * read in order. A refused MAIL decides for everyone; a refused RCPT for its recipient; the reply
 * after the final dot for every accepted one. A 421 (or 521) ends the session: every recipient not
 * yet decided gets it. Refusals that need no server — the message is larger than the server's SIZE,
 * needs SMTPUTF8 or 8BITMIME the server lacks — are decided before anything is sent.
 */
final class MailTransaction {

  /** One recipient's result in this transaction. */
  record Item(Recipient recipient, Outcome outcome, Answer answer) {}

  private final SmtpConnection c;
  private final DeliveryJob job;
  private final List<Recipient> recipients;
  private final LocalReplies local;
  private final Item[] items;

  private MailTransaction(SmtpConnection c, DeliveryJob job, List<Recipient> recipients) {
    this.c = c;
    this.job = job;
    this.recipients = recipients;
    this.local = c.local();
    this.items = new Item[recipients.size()];
  }

  /** Runs the transaction; never throws. The connection may be broken afterwards. */
  static List<Item> run(SmtpConnection c, DeliveryJob job, List<Recipient> recipients) {
    MailTransaction t = new MailTransaction(c, job, recipients);
    c.needsReset(true);
    t.execute();
    c.countTransaction();
    return Arrays.asList(t.items);
  }

  private Instant now() {
    return c.clock().instant();
  }

  private void execute() {
    Capabilities caps = c.capabilities();
    if (job.smtputf8() && !caps.smtpUtf8()) {
      decideAll(
          job.addressesNeedUtf8()
              ? local.utf8Address(now(), c.where())
              : local.utf8Header(now(), c.where()));
      return;
    }
    if (caps.size() > 0 && job.size() > caps.size()) {
      decideAll(local.tooBig(now(), c.where(), job.size(), caps.size()));
      return;
    }
    if (job.eightBit() && !caps.eightBitMime()) {
      // RFC 6152 §3: 8-bit data must not go to a server without 8BITMIME. Many messages declared
      // 8BITMIME are plain ASCII, so look before refusing.
      try {
        if (hasEightBitData()) {
          decideAll(local.eightBit(now(), c.where()));
          return;
        }
      } catch (IOException e) {
        decideAll(local.bodyUnreadable(now(), Phase.MAIL, e));
        return;
      }
    }
    InputStream body;
    try {
      body = job.body().open();
    } catch (IOException e) {
      decideAll(local.bodyUnreadable(now(), Phase.MAIL, e));
      return;
    }
    try (body) {
      transact(body, caps);
    } catch (IOException closing) {
      // closing the stored body failed after use; the results stand
    }
  }

  private boolean hasEightBitData() throws IOException {
    try (InputStream in = job.body().open()) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) if (buf[i] < 0) return true;
      }
      return false;
    }
  }

  private void transact(InputStream body, Capabilities caps) {
    SmtpTimeouts t = c.config().timeouts();
    boolean pipelined = caps.pipelining() && c.config().pipelining();
    boolean bdat = caps.chunking() && c.config().chunking();
    int n = recipients.size();
    Answer mail = null;
    Answer[] rcpt = new Answer[n];
    Answer data = null;
    Phase phase = Phase.MAIL;
    try {
      if (pipelined) {
        c.write(mailCommand(caps));
        for (Recipient r : recipients) c.write(rcptCommand(caps, r));
        if (!bdat) c.write("DATA");
        c.flush(t.mail());
        mail = c.read(Phase.MAIL, t.mail());
        if (mail.closing()) {
          decideAll(mail);
          return;
        }
        phase = Phase.RCPT;
        for (int i = 0; i < n; i++) {
          rcpt[i] = c.read(Phase.RCPT, t.rcpt());
          if (rcpt[i].closing()) {
            if (!positive(mail)) {
              decideAll(mail);
              return;
            }
            decideRefused(mail, rcpt);
            decideOpen(rcpt[i]);
            return;
          }
        }
        if (!bdat) {
          phase = Phase.DATA;
          data = c.read(Phase.DATA, t.dataInit());
          if (data.closing()) {
            decideRefused(mail, rcpt);
            decideOpen(data);
            return;
          }
        }
      } else {
        mail = c.exchange(mailCommand(caps), Phase.MAIL, t.mail());
        if (!positive(mail)) {
          decideAll(mail);
          return;
        }
        phase = Phase.RCPT;
        for (int i = 0; i < n; i++) {
          rcpt[i] = c.exchange(rcptCommand(caps, recipients.get(i)), Phase.RCPT, t.rcpt());
          if (rcpt[i].closing()) {
            decideRefused(mail, rcpt);
            decideOpen(rcpt[i]);
            return;
          }
        }
        if (!bdat && anyAccepted(rcpt)) {
          phase = Phase.DATA;
          data = c.exchange("DATA", Phase.DATA, t.dataInit());
          if (data.closing()) {
            decideRefused(mail, rcpt);
            decideOpen(data);
            return;
          }
        }
      }
    } catch (IOException e) {
      // Replies already read still decide; a refused MAIL decides for everyone.
      if (mail != null && !positive(mail)) {
        decideAll(mail);
        return;
      }
      if (mail != null) decideRefused(mail, rcpt);
      decideOpen(local.ioFailure(now(), phase, c.where(), e));
      return;
    }

    if (!positive(mail)) {
      // Pipelined: the RCPT and DATA replies after a refused MAIL mean nothing.
      if (data != null && data.code() == 354) endEmptyData();
      decideAll(mail);
      return;
    }
    decideRefused(mail, rcpt);
    if (!anyAccepted(rcpt)) {
      if (data != null && data.code() == 354) endEmptyData();
      return;
    }
    if (bdat) {
      sendChunks(body);
      return;
    }
    if (data.code() != 354) {
      decideOpen(data);
      return;
    }
    sendData(body);
  }

  private void sendData(InputStream body) {
    SmtpTimeouts t = c.config().timeouts();
    BodyEncoder encoder = new BodyEncoder(body, true);
    OutputStream out = c.output();
    c.writeTimeout(t.dataBlock());
    try {
      byte[] buf = new byte[64 * 1024];
      while (true) {
        int n;
        try {
          n = encoder.read(buf, 0, buf.length);
        } catch (BodyEncoder.SourceException e) {
          // The stored message cannot be read: end the session without the final dot, so the
          // server discards the partial message.
          c.close();
          decideOpen(local.bodyUnreadable(now(), Phase.DATA, e));
          return;
        }
        if (n < 0) break;
        out.write(buf, 0, n);
      }
      out.write(DOT_CRLF);
      c.flush(t.dataBlock());
    } catch (IOException e) {
      c.markBroken();
      decideOpen(
          local.ioFailure(now(), Phase.DATA, c.where(), e, "while sending the message data"));
      return;
    }
    readFinalReply();
  }

  private void sendChunks(InputStream body) {
    SmtpTimeouts t = c.config().timeouts();
    int size = c.config().chunkSize();
    BodyEncoder encoder = new BodyEncoder(body, false);
    c.writeTimeout(t.dataBlock());
    try {
      byte[] current = readChunk(encoder, size);
      if (current == null) return;
      while (true) {
        byte[] next = current.length < size ? new byte[0] : readChunk(encoder, size);
        if (next == null) return;
        boolean last = next.length == 0;
        c.write("BDAT " + current.length + (last ? " LAST" : ""));
        c.output().write(current);
        c.flush(t.dataBlock());
        if (last) break;
        Answer a = c.read(Phase.DATA, t.dataBlock());
        if (a.klass() != 2) {
          decideOpen(a);
          return;
        }
        current = next;
      }
    } catch (IOException e) {
      c.markBroken();
      decideOpen(
          local.ioFailure(now(), Phase.DATA, c.where(), e, "while sending the message data"));
      return;
    }
    readFinalReply();
  }

  /** A chunk of the encoded body, or null (with the recipients decided) when it is unreadable. */
  private byte[] readChunk(BodyEncoder encoder, int size) {
    try {
      return encoder.readNBytes(size);
    } catch (IOException e) {
      c.close();
      decideOpen(local.bodyUnreadable(now(), Phase.DATA, e));
      return null;
    }
  }

  private void readFinalReply() {
    Answer end;
    try {
      end = c.read(Phase.END_OF_DATA, c.config().timeouts().endOfData());
    } catch (IOException e) {
      Answer lost = local.replyLost(now(), c.where(), e);
      for (int i = 0; i < items.length; i++) {
        if (items[i] == null) items[i] = new Item(recipients.get(i), Outcome.REPLY_LOST, lost);
      }
      return;
    }
    c.needsReset(false);
    decideOpen(end);
  }

  /** The server said 354 although no recipient was accepted: close the empty message. */
  private void endEmptyData() {
    try {
      c.output().write(DOT_CRLF);
      c.flush(c.config().timeouts().dataBlock());
      c.read(Phase.END_OF_DATA, c.config().timeouts().endOfData());
    } catch (IOException e) {
      c.markBroken();
    }
  }

  private static final byte[] DOT_CRLF = {'.', '\r', '\n'};

  // --- deciding ---

  private static boolean positive(Answer a) {
    return a.klass() == 2;
  }

  private static boolean anyAccepted(Answer[] rcpt) {
    for (Answer a : rcpt) if (a != null && a.klass() == 2) return true;
    return false;
  }

  /** Gives each recipient refused at RCPT its own reply. */
  private void decideRefused(Answer mail, Answer[] rcpt) {
    if (!positive(mail)) return;
    for (int i = 0; i < rcpt.length; i++) {
      if (rcpt[i] != null && rcpt[i].klass() != 2 && items[i] == null) decide(i, rcpt[i]);
    }
  }

  private void decide(int i, Answer a) {
    items[i] = new Item(recipients.get(i), outcomeOf(a), a);
  }

  /** Every recipient not yet decided gets {@code a}. */
  private void decideOpen(Answer a) {
    for (int i = 0; i < items.length; i++) if (items[i] == null) decide(i, a);
  }

  private void decideAll(Answer a) {
    for (int i = 0; i < items.length; i++) decide(i, a);
  }

  /**
   * A positive reply delivers only after the final dot; anywhere else the transaction did not
   * finish, so a 2xx or 3xx there (a confused server) is transient.
   */
  private static Outcome outcomeOf(Answer a) {
    Outcome o = a.outcome();
    if (o == Outcome.DELIVERED && a.phase() != Phase.END_OF_DATA) return Outcome.DEFERRED;
    return o;
  }

  // --- commands ---

  private String mailCommand(Capabilities caps) {
    StringBuilder b = new StringBuilder("MAIL FROM:<");
    EmailAddress sender = job.sender();
    if (sender != null) b.append(sender);
    b.append('>');
    if (caps.sizeOffered()) b.append(" SIZE=").append(job.size());
    if (job.eightBit() && caps.eightBitMime()) b.append(" BODY=8BITMIME");
    if (job.smtputf8() && caps.smtpUtf8()) b.append(" SMTPUTF8");
    if (caps.dsn()) {
      if (job.dsnRet() != null) b.append(" RET=").append(job.dsnRet());
      if (job.dsnEnvid() != null) b.append(" ENVID=").append(job.dsnEnvid());
    }
    return b.toString();
  }

  private static String rcptCommand(Capabilities caps, Recipient r) {
    StringBuilder b = new StringBuilder("RCPT TO:<").append(r.address()).append('>');
    if (caps.dsn()) {
      if (r.dsnNotify() != null) b.append(" NOTIFY=").append(r.dsnNotify());
      if (r.dsnOrcpt() != null) b.append(" ORCPT=").append(r.dsnOrcpt());
    }
    return b.toString();
  }
}
