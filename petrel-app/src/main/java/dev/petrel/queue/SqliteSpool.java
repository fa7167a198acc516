package dev.petrel.queue;

import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * One message being received into the embedded store. The body goes through a 64 KiB buffer
 * straight to the {@link BodyStore} (unless the whole body fits the buffer and small bodies are
 * kept in their row); the first header block is copied aside (bounded) for the summary. {@link
 * #commit()} publishes the body (durable: for files, fsync, rename, directory fsync) and then hands
 * the rows to the group-commit writer.
 *
 * <p>If writing the body fails, the failure is remembered, further bytes are discarded, and {@link
 * #commit()} reports it ({@link StorageFullException} for a full disk). The caller can so read the
 * rest of the client's data before it answers. Used by one thread at a time.
 */
final class SqliteSpool implements Spool {

  /** How often (in bytes) a long body re-checks the disk reserve while streaming. */
  private static final long SPACE_CHECK_INTERVAL = 8L * 1024 * 1024;

  private enum State {
    OPEN,
    COMMITTED,
    CLOSED
  }

  private final SqliteMessageStore store;
  private final QueueId id;
  private final Envelope envelope;
  private final HeaderCapture headers = new HeaderCapture();
  private final Body body = new Body();
  private BodyStore.Draft draft; // null while the body fits the buffer
  private boolean fileCreated;
  private ByteBuffer buffer;
  private long size;
  private long nextSpaceCheck = SPACE_CHECK_INTERVAL;
  private StorageException failure;
  private State state = State.OPEN;
  private List<String> tags = List.of();
  private String metadata;

  SqliteSpool(SqliteMessageStore store, QueueId id, Envelope envelope) throws StorageException {
    this.store = store;
    this.id = id;
    this.envelope = envelope;
    this.buffer = store.buffers().take();
    if (!store.inlineSmallBodies()) {
      try {
        createFile();
      } catch (IOException e) {
        releaseBuffer();
        throw StorageFailures.of(e, "creating the message file");
      }
    }
  }

  private void createFile() throws IOException {
    fileCreated = true;
    draft = store.bodies().create(id);
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
      store.checkReserve();
      if (draft == null) {
        inline = new byte[buffer.position()];
        buffer.flip().get(inline);
        releaseBuffer();
      } else {
        writeBuffer();
        draft.publish();
        releaseBuffer();
      }
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
  public void close() {
    if (state == State.OPEN) discard();
  }

  private void discard() {
    state = State.CLOSED;
    closeChannel();
    releaseBuffer();
    if (fileCreated) store.bodies().delete(id);
  }

  private void closeChannel() {
    if (draft != null) draft.close(); // the body is removed next
  }

  private void releaseBuffer() {
    store.buffers().give(buffer);
    buffer = null;
  }

  private void writeBuffer() throws IOException {
    buffer.flip();
    draft.write(buffer);
    buffer.clear();
  }

  /** Remembers the first failure and stops writing; commit reports it. */
  private void failed(StorageException e) {
    if (failure != null) return;
    failure = e;
    closeChannel();
    releaseBuffer();
    if (fileCreated) store.bodies().delete(id);
  }

  private void accepted(long n) {
    size += n;
    if (failure == null && size >= nextSpaceCheck) {
      nextSpaceCheck = size + SPACE_CHECK_INTERVAL;
      try {
        store.checkReserve();
      } catch (StorageException e) {
        failed(e);
      }
    }
  }

  /** The stream the session writes the body into. */
  private final class Body extends OutputStream {

    @Override
    public void write(int b) throws IOException {
      ensureOpen();
      headers.accept(b);
      if (failure == null) {
        buffer.put((byte) b);
        if (!buffer.hasRemaining()) flushFull();
      }
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
        int n = Math.min(left, buffer.remaining());
        buffer.put(b, pos, n);
        pos += n;
        left -= n;
        if (!buffer.hasRemaining()) flushFull();
      }
      accepted(len);
    }

    private void flushFull() {
      try {
        if (draft == null) createFile();
        writeBuffer();
      } catch (IOException e) {
        failed(StorageFailures.of(e, "writing the message body"));
      }
    }

    private void ensureOpen() throws IOException {
      if (state != State.OPEN) throw new IOException("message " + id + " is no longer open");
    }

    /** Nothing to do: the body reaches the disk on commit. */
    @Override
    public void flush() {}

    /** Closing the stream does not end the message: commit or close the spool. */
    @Override
    public void close() {}
  }
}
