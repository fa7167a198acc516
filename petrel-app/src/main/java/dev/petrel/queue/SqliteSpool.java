package dev.petrel.queue;

import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import java.io.IOException;
import java.nio.ByteBuffer;

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
final class SqliteSpool extends SqlSpool {

  /** How often (in bytes) a long body re-checks the disk reserve while streaming. */
  private static final long SPACE_CHECK_INTERVAL = 8L * 1024 * 1024;

  private final SqliteMessageStore store;
  private BodyStore.Draft draft; // null while the body fits the buffer
  private boolean fileCreated;
  private ByteBuffer buffer;
  private long nextSpaceCheck = SPACE_CHECK_INTERVAL;

  SqliteSpool(SqliteMessageStore store, QueueId id, Envelope envelope) throws StorageException {
    super(store, id, envelope);
    this.store = store;
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
  void put(int b) {
    buffer.put((byte) b);
    if (!buffer.hasRemaining()) flushFull();
  }

  @Override
  int put(byte[] b, int off, int len) {
    int n = Math.min(len, buffer.remaining());
    buffer.put(b, off, n);
    if (!buffer.hasRemaining()) flushFull();
    return n;
  }

  private void flushFull() {
    try {
      if (draft == null) createFile();
      writeBuffer();
    } catch (IOException e) {
      failed(StorageFailures.of(e, "writing the message body"));
    }
  }

  @Override
  byte[] finishBody() throws StorageException, IOException {
    store.checkReserve();
    if (draft == null) {
      byte[] inline = new byte[buffer.position()];
      buffer.flip().get(inline);
      releaseBuffer();
      return inline;
    }
    writeBuffer();
    draft.publish();
    releaseBuffer();
    return null;
  }

  @Override
  void discardBody() {
    closeChannel();
    releaseBuffer();
    if (fileCreated) store.bodies().delete(id);
  }

  /** After the first failed write: the body is given up at once. */
  @Override
  void onFailure() {
    discardBody();
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

  @Override
  void accepted(long n) {
    super.accepted(n);
    if (!hasFailed() && size() >= nextSpaceCheck) {
      nextSpaceCheck = size() + SPACE_CHECK_INTERVAL;
      try {
        store.checkReserve();
      } catch (StorageException e) {
        failed(e);
      }
    }
  }
}
