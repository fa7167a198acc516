package dev.petrel.queue;

import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One message being received into the PostgreSQL store. The body goes through one buffer of {@link
 * PostgresMessageStore#CHUNK} bytes: a body that fits is written with the message's rows in the
 * commit's transaction; each time a larger body fills the buffer, the buffer is written as the next
 * row of {@code body_chunks} and committed, so at most one buffer of a body is ever in memory.
 * {@link #commit()} writes the last chunk, then the message's rows in one transaction: the message
 * exists once that commits, never before. Used by one thread at a time.
 *
 * <p>A failed chunk write is remembered, further bytes are discarded, and {@link #commit()} reports
 * it, so the caller can read the rest of the client's data before answering.
 */
final class PostgresSpool implements Spool {

  private enum State {
    OPEN,
    COMMITTED,
    CLOSED
  }

  private final PostgresMessageStore store;
  private final QueueId id;
  private final Envelope envelope;
  private final HeaderCapture headers = new HeaderCapture();
  private final Body body = new Body();
  private byte[] buffer = new byte[PostgresMessageStore.CHUNK];
  private int filled;
  private int chunks;
  private long size;
  private StorageException failure;
  private State state = State.OPEN;
  private List<String> tags = List.of();
  private String metadata;

  PostgresSpool(PostgresMessageStore store, QueueId id, Envelope envelope) {
    this.store = store;
    this.id = id;
    this.envelope = envelope;
  }

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
    return size;
  }

  @Override
  public void label(List<String> tags, String metadata) {
    if (state != State.OPEN) throw new IllegalStateException("message " + id + " is not open");
    this.tags = List.copyOf(tags);
    this.metadata = metadata;
  }

  @Override
  public QueueId commit() throws StorageException {
    return commit(-1);
  }

  @Override
  public QueueId commit(long monthlyLimit) throws StorageException {
    if (state == State.COMMITTED) return id;
    if (state == State.CLOSED) throw new StorageException("message " + id + " was discarded");
    byte[] inline = null;
    try {
      if (failure != null) throw failure;
      if (chunks == 0) {
        inline = Arrays.copyOf(buffer, filled);
      } else if (filled > 0) {
        store.writeChunk(id, chunks++, buffer, filled);
      }
      buffer = null;
    } catch (StorageException e) {
      discard();
      throw e;
    }
    MessageRows.NewMessage row =
        new MessageRows.NewMessage(
            id, envelope, size, store.clock().instant(), headers.summary(), inline, tags, metadata);
    try {
      store
          .writer()
          .call(
              c -> MessageRows.insertWithin(c, row, monthlyLimit), true, "queueing message " + id);
    } catch (StorageException e) {
      discard();
      throw e;
    }
    state = State.COMMITTED;
    return id;
  }

  @Override
  public void close() {
    if (state == State.OPEN) discard();
  }

  private void discard() {
    state = State.CLOSED;
    buffer = null;
    if (chunks > 0) store.discardChunks(id);
  }

  /** The stream the session writes the body into. */
  private final class Body extends OutputStream {

    @Override
    public void write(int b) throws IOException {
      ensureOpen();
      headers.accept(b);
      if (failure == null) {
        buffer[filled++] = (byte) b;
        if (filled == buffer.length) flushFull();
      }
      size++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      ensureOpen();
      headers.accept(b, off, len);
      int pos = off;
      int left = len;
      while (left > 0 && failure == null) {
        int n = Math.min(left, buffer.length - filled);
        System.arraycopy(b, pos, buffer, filled, n);
        filled += n;
        pos += n;
        left -= n;
        if (filled == buffer.length) flushFull();
      }
      size += len;
    }

    private void flushFull() {
      try {
        store.writeChunk(id, chunks++, buffer, filled);
        filled = 0;
      } catch (StorageException e) {
        failure = e;
      }
    }

    private void ensureOpen() throws IOException {
      if (state != State.OPEN) throw new IOException("message " + id + " is no longer open");
    }

    /** Nothing to do: the body is written chunk by chunk and its end on commit. */
    @Override
    public void flush() {}

    /** Closing the stream does not end the message: commit or close the spool. */
    @Override
    public void close() {}
  }
}
