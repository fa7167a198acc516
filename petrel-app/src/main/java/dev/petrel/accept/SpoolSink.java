package dev.petrel.accept;

import dev.petrel.content.SubmissionFilter;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Where a message's octets go on their way into the spool: counts the client's octets against the
 * size limit and stops storing once over it, and keeps the first write failure instead of throwing,
 * so the session can always read the client's data to its end and then answer (552 5.3.4 or 451
 * 4.3.0) without losing its place in the stream.
 */
final class SpoolSink extends OutputStream {

  private final OutputStream target;
  private final SubmissionFilter content;
  private final long limit;
  private long octets;
  private boolean overLimit;
  private IOException failure;

  SpoolSink(OutputStream target, long limit) {
    this.target = target;
    this.content = null;
    this.limit = limit;
  }

  /** A sink whose octets pass through the header rules of submitted mail on their way. */
  SpoolSink(SubmissionFilter content, long limit) {
    this.target = content;
    this.content = content;
    this.limit = limit;
  }

  /** The header rules the message went through, or null. */
  SubmissionFilter content() {
    return content;
  }

  /** Ends the message: the header rules add what is missing, then the octets are flushed. */
  void finish() {
    if (content != null && failure == null && !overLimit) {
      try {
        content.finish();
      } catch (IOException e) {
        failure = e;
      }
    }
    flush();
  }

  /** Writes octets of Petrel's own (the Received header) that do not count against the limit. */
  void writeOwn(byte[] bytes) {
    if (failure != null) return;
    try {
      target.write(bytes);
    } catch (IOException e) {
      failure = e;
    }
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    octets += len;
    if (overLimit || failure != null) return;
    if (octets > limit) {
      overLimit = true;
      return;
    }
    try {
      target.write(b, off, len);
    } catch (IOException e) {
      failure = e;
    }
  }

  /** Pushes buffered octets to the spool; a failure is kept like any other. */
  @Override
  public void flush() {
    if (failure != null || overLimit) return;
    try {
      target.flush();
    } catch (IOException e) {
      failure = e;
    }
  }

  /** The client's octets so far (also those past the limit, which were not stored). */
  long octets() {
    return octets;
  }

  boolean overLimit() {
    return overLimit;
  }

  /** The first write failure, or null. */
  IOException failure() {
    return failure;
  }
}
