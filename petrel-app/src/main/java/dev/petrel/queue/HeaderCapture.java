package dev.petrel.queue;

import java.util.Arrays;
import java.util.Map;

/**
 * Keeps a copy of a message's first header block while its body streams past, so the queue can show
 * Subject, From, To, Message-ID and Date without reading the file again. Bounded: it stops at the
 * blank line ending the headers or after {@link #LIMIT} bytes, whichever comes first, and grows its
 * buffer only as far as the headers actually go.
 */
final class HeaderCapture {

  /** Only this much of a message's start is looked at. */
  static final int LIMIT = 64 * 1024;

  private static final int FIRST_SIZE = 2048;

  private byte[] buf = new byte[0];
  private int len;
  private boolean done;
  private boolean lineStart = true;

  /** Looks at the next bytes of the message. Cheap once the header block is over. */
  void accept(byte[] b, int off, int n) {
    if (done) return;
    int end = off + n;
    for (int i = off; i < end; i++) {
      byte c = b[i];
      if (c == '\n') {
        if (lineStart) {
          done = true; // an empty line: the header block is over
          return;
        }
        lineStart = true;
      } else if (c != '\r') {
        lineStart = false;
      }
      if (len == buf.length)
        buf = Arrays.copyOf(buf, Math.min(LIMIT, Math.max(FIRST_SIZE, len * 2)));
      buf[len++] = c;
      if (len == LIMIT) {
        done = true;
        return;
      }
    }
  }

  void accept(int b) {
    if (!done) accept(new byte[] {(byte) b}, 0, 1);
  }

  /** The summary of what was seen (possibly a header block cut at the limit). */
  Map<String, String> summary() {
    return HeaderSummary.parse(buf, len);
  }

  /** Bytes kept so far (for tests of the bound). */
  int captured() {
    return len;
  }
}
