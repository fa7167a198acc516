package dev.petrel.queue;

import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import java.util.Arrays;

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
final class PostgresSpool extends SqlSpool {

  private final PostgresMessageStore store;
  private byte[] buffer = new byte[PostgresMessageStore.CHUNK];
  private int filled;
  private int chunks;

  PostgresSpool(PostgresMessageStore store, QueueId id, Envelope envelope) {
    super(store, id, envelope);
    this.store = store;
  }

  @Override
  void put(int b) {
    buffer[filled++] = (byte) b;
    if (filled == buffer.length) flushFull();
  }

  @Override
  int put(byte[] b, int off, int len) {
    int n = Math.min(len, buffer.length - filled);
    System.arraycopy(b, off, buffer, filled, n);
    filled += n;
    if (filled == buffer.length) flushFull();
    return n;
  }

  private void flushFull() {
    try {
      store.writeChunk(id, chunks++, buffer, filled);
      filled = 0;
    } catch (StorageException e) {
      failed(e);
    }
  }

  @Override
  byte[] finishBody() throws StorageException {
    byte[] inline = null;
    if (chunks == 0) {
      inline = Arrays.copyOf(buffer, filled);
    } else if (filled > 0) {
      store.writeChunk(id, chunks++, buffer, filled);
    }
    buffer = null;
    return inline;
  }

  @Override
  void discardBody() {
    buffer = null;
    if (chunks > 0) store.discardChunks(id);
  }
}
