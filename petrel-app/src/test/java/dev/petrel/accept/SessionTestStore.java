package dev.petrel.accept;

import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import dev.petrel.queue.Intake;
import dev.petrel.queue.Spool;
import dev.petrel.queue.StorageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The listener's one need of the store ({@link Intake}) in memory for session tests, with switches
 * that make {@code begin}, body writes or {@code commit} fail the way a real store can.
 */
final class SessionTestStore implements Intake {

  /** One committed message. */
  record Message(QueueId id, Envelope envelope, byte[] body) {
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
          messages.put(id, new Message(id, envelope, bytes.toByteArray()));
        }
        committed = true;
        return id;
      }

      /** Keeps no counts: the limit is the test's to check (quota tests count reads only). */
      @Override
      public QueueId commit(long monthlyLimit) throws StorageException {
        return commit();
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
}
