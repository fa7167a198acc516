package dev.petrel.queue;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Direct buffers the spools write bodies through. Direct, so a write reaches the file without the
 * JDK copying it into a temporary native buffer first; pooled, because allocating and freeing
 * native memory per message would be slow and leave its release to the garbage collector. At most
 * one buffer per message being received is in use; a bounded number of idle ones is kept.
 */
final class BufferPool {

  static final int BUFFER_SIZE = 64 * 1024;

  private final ArrayBlockingQueue<ByteBuffer> idle;

  BufferPool(int maxIdle) {
    this.idle = new ArrayBlockingQueue<>(maxIdle);
  }

  ByteBuffer take() {
    ByteBuffer b = idle.poll();
    return b != null ? b.clear() : ByteBuffer.allocateDirect(BUFFER_SIZE);
  }

  void give(ByteBuffer b) {
    if (b != null) idle.offer(b.clear());
  }
}
