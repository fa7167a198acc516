package dev.petrel.accept;

import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.MessageStore;
import dev.petrel.queue.Spool;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StoredMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link MessageStore} in memory for session tests, with switches that make {@code begin}, body
 * writes or {@code commit} fail the way a real store can.
 */
final class SessionTestStore implements MessageStore {

  /** One committed message. */
  record Message(QueueId id, Envelope envelope, byte[] body, boolean held) {
    String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private final Map<QueueId, Message> messages = new LinkedHashMap<>();
  private StorageException failBegin;
  private StorageException failCommit;
  private boolean failWrites;
  int begun;
  int discarded;

  SessionTestStore failBegin(StorageException e) {
    this.failBegin = e;
    return this;
  }

  SessionTestStore failCommit(StorageException e) {
    this.failCommit = e;
    return this;
  }

  SessionTestStore failWrites() {
    this.failWrites = true;
    return this;
  }

  /** The tags each spool was labelled with, by queue id. */
  final java.util.Map<QueueId, List<String>> labels = new java.util.HashMap<>();

  synchronized List<Message> messages() {
    return new ArrayList<>(messages.values());
  }

  @Override
  public synchronized Spool begin(Envelope envelope) throws StorageException {
    if (failBegin != null) throw failBegin;
    begun++;
    QueueId id = QueueId.generate(Instant.now());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OutputStream body =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (failWrites) throw new IOException("disk write failed (test)");
            bytes.write(b, off, len);
          }
        };
    return new Spool() {
      boolean committed;
      boolean closed;

      @Override
      public QueueId id() {
        return id;
      }

      @Override
      public OutputStream body() {
        return body;
      }

      @Override
      public long size() {
        return bytes.size();
      }

      @Override
      public void label(List<String> tags, String metadata) {
        synchronized (SessionTestStore.this) {
          labels.put(id, List.copyOf(tags));
        }
      }

      @Override
      public QueueId commit() throws StorageException {
        if (closed) throw new StorageException("spool already closed");
        if (failCommit != null) throw failCommit;
        synchronized (SessionTestStore.this) {
          messages.put(id, new Message(id, envelope, bytes.toByteArray(), false));
        }
        committed = true;
        return id;
      }

      @Override
      public void close() {
        if (!committed && !closed) {
          synchronized (SessionTestStore.this) {
            discarded++;
          }
        }
        closed = true;
      }
    };
  }

  @Override
  public synchronized Optional<StoredMessage> find(QueueId id) {
    Message m = messages.get(id);
    return m == null ? Optional.empty() : Optional.of(stored(m));
  }

  @Override
  public synchronized List<StoredMessage> list(int limit) {
    return messages.values().stream().limit(limit).map(SessionTestStore::stored).toList();
  }

  private static StoredMessage stored(Message m) {
    Envelope e = m.envelope();
    Instant now = Instant.EPOCH;
    return new StoredMessage(
        m.id(),
        e.sender(),
        m.body().length,
        now,
        m.held(),
        e.account(),
        e.authUser(),
        e.clientAddress(),
        e.heloName(),
        e.body(),
        e.smtputf8(),
        e.dsnRet(),
        e.dsnEnvid(),
        Map.of(),
        e.recipients().stream()
            .map(
                r ->
                    new StoredMessage.StoredRecipient(
                        r.address(), RecipientState.QUEUED, r.dsnNotify(), r.dsnOrcpt(), now))
            .toList());
  }

  @Override
  public List<StoredMessage> search(dev.petrel.queue.MessageQuery query) {
    throw new UnsupportedOperationException("sessions never search");
  }

  @Override
  public synchronized InputStream openBody(QueueId id) throws IOException {
    Message m = messages.get(id);
    if (m == null) throw new IOException("no message " + id);
    return new ByteArrayInputStream(m.body());
  }

  @Override
  public synchronized boolean hold(QueueId id) {
    Message m = messages.get(id);
    if (m == null) return false;
    messages.put(id, new Message(id, m.envelope(), m.body(), true));
    return true;
  }

  @Override
  public synchronized boolean release(QueueId id) {
    Message m = messages.get(id);
    if (m == null) return false;
    messages.put(id, new Message(id, m.envelope(), m.body(), false));
    return true;
  }

  @Override
  public synchronized boolean delete(QueueId id) {
    return messages.remove(id) != null;
  }

  @Override
  public void close() {}

  // Delivery is not part of the listener's tests: the session only begins and commits messages.

  private static UnsupportedOperationException notForSessions() {
    return new UnsupportedOperationException("delivery is not simulated by the session test store");
  }

  @Override
  public java.util.List<dev.petrel.queue.DeliveryJob> claimDue(
      Instant now, int limit, java.time.Duration lease) {
    throw notForSessions();
  }

  @Override
  public boolean recordAttempt(
      dev.petrel.queue.DeliveryJob job,
      int position,
      dev.petrel.queue.AttemptRecord attempt,
      dev.petrel.queue.RecipientUpdate update) {
    throw notForSessions();
  }

  @Override
  public void unclaim(dev.petrel.queue.DeliveryJob job, Instant nextAttempt) {
    throw notForSessions();
  }

  @Override
  public Optional<RecipientState> recordReport(
      QueueId id, int position, dev.petrel.queue.AttemptRecord attempt, boolean bounce) {
    throw notForSessions();
  }

  @Override
  public java.util.List<dev.petrel.queue.RecipientDelivery> deliveries(QueueId id) {
    throw notForSessions();
  }

  @Override
  public int retryNow(dev.petrel.queue.Selection selection, Instant now) {
    throw notForSessions();
  }

  @Override
  public int cancel(dev.petrel.queue.Selection selection, Instant now) {
    throw notForSessions();
  }

  @Override
  public void pause(String domain, Instant now) {
    throw notForSessions();
  }

  @Override
  public void resume(String domain) {
    throw notForSessions();
  }

  @Override
  public java.util.Set<String> paused() {
    throw notForSessions();
  }

  @Override
  public boolean addSuppression(dev.petrel.queue.Suppression suppression) {
    throw notForSessions();
  }

  @Override
  public boolean removeSuppression(String account, String address) {
    throw notForSessions();
  }

  @Override
  public java.util.Optional<dev.petrel.queue.Suppression> findSuppression(
      String account, String address) {
    throw notForSessions();
  }

  @Override
  public java.util.List<dev.petrel.queue.Suppression> suppressions(String account, int limit) {
    throw notForSessions();
  }
}
