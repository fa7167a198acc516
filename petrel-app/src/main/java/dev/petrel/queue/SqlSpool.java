package dev.petrel.queue;

import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;

/**
 * What every SQL back end's {@link Spool} does the same way: the body stream (header capture, size
 * counting), the label, and the commit's bookkeeping (one failure remembered and reported, the
 * message's rows written in one transaction, the spool discarded if anything fails). A back end
 * supplies where the body's bytes go ({@link #put(int)}, {@link #put(byte[], int, int)}), how the
 * body is finished on commit ({@link #finishBody()}) and how a discarded one is removed ({@link
 * #discardBody()}). Used by one thread at a time.
 */
abstract class SqlSpool implements Spool {

  private enum State {
    OPEN,
    COMMITTED,
    CLOSED
  }

  private final SqlMessageStore store;
  final QueueId id;
  private final Envelope envelope;
  private final HeaderCapture headers = new HeaderCapture();
  private final Body body = new Body();
  private long size;
  private StorageException failure;
  private State state = State.OPEN;
  private List<String> tags = List.of();
  private String metadata;

  SqlSpool(SqlMessageStore store, QueueId id, Envelope envelope) {
    this.store = store;
    this.id = id;
    this.envelope = envelope;
  }

  /** Takes one byte of the body; called only while no write has failed. */
  abstract void put(int b);

  /**
   * Takes up to {@code len} bytes of the body from {@code b} at {@code off}; returns how many it
   * took (at least one). Called only while no write has failed.
   */
  abstract int put(byte[] b, int off, int len);

  /**
   * Writes what is left of the body on commit; returns the body to keep in the message's row, or
   * null when it was stored apart. A failure here discards the spool.
   */
  abstract byte[] finishBody() throws StorageException, IOException;

  /** Removes whatever was stored of a body that is not committed. */
  abstract void discardBody();

  /** Called once, on the first failed write, after it is remembered. */
  void onFailure() {}

  /** Remembers the first failure and stops writing; commit reports it. */
  final void failed(StorageException e) {
    if (failure != null) return;
    failure = e;
    onFailure();
  }

  final boolean hasFailed() {
    return failure != null;
  }

  /** Counts {@code n} more bytes of the body, whether stored or discarded after a failure. */
  void accepted(long n) {
    size += n;
  }

  @Override
  public final QueueId id() {
    return id;
  }

  @Override
  public final OutputStream body() {
    return body;
  }

  @Override
  public final long size() {
    return size;
  }

  @Override
  public final void label(List<String> tags, String metadata) {
    if (state != State.OPEN) throw new IllegalStateException("message " + id + " is not open");
    this.tags = List.copyOf(tags);
    this.metadata = metadata;
  }

  @Override
  public final QueueId commit() throws StorageException {
    return commit(-1);
  }

  @Override
  public final QueueId commit(long monthlyLimit) throws StorageException {
    if (state == State.COMMITTED) return id;
    if (state == State.CLOSED) throw new StorageException("message " + id + " was discarded");
    byte[] inline;
    try {
      if (failure != null) throw failure;
      inline = finishBody();
    } catch (StorageException e) {
      discard();
      throw e;
    } catch (IOException e) {
      discard();
      throw StorageFailures.of(e, "writing the message body");
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
  public final void close() {
    if (state == State.OPEN) discard();
  }

  private void discard() {
    state = State.CLOSED;
    discardBody();
  }

  /** The stream the session writes the body into. */
  private final class Body extends OutputStream {

    @Override
    public void write(int b) throws IOException {
      ensureOpen();
      headers.accept(b);
      if (failure == null) put(b);
      accepted(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      ensureOpen();
      headers.accept(b, off, len);
      int pos = off;
      int left = len;
      while (left > 0 && failure == null) {
        int n = put(b, pos, left);
        pos += n;
        left -= n;
      }
      accepted(len);
    }

    private void ensureOpen() throws IOException {
      if (state != State.OPEN) throw new IOException("message " + id + " is no longer open");
    }

    /** Nothing to do: the back end writes the body as its buffer fills, and its end on commit. */
    @Override
    public void flush() {}

    /** Closing the stream does not end the message: commit or close the spool. */
    @Override
    public void close() {}
  }
}
