package dev.petrel.content;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * Petrel's own header fields, {@code X-Petrel-*}: a client's are removed as the message comes in
 * ({@link SubmissionFilter}; a submitter's {@code X-Petrel-Tag} fields are read as tags first), and
 * delivery removes any again from what it sends (a message stored by an older version kept the
 * API's tags as {@code X-Petrel-Tags}), so none ever reaches a recipient.
 */
public final class InternalHeaders {

  /** The prefix of Petrel's own field names, lower case. */
  public static final String PREFIX = "x-petrel-";

  /** The most of a header section looked at on the way out; the rest goes as it is. */
  static final int LIMIT = 1024 * 1024;

  private InternalHeaders() {}

  /**
   * The message of {@code in} without Petrel's own fields (nor Bcc) in its header section: the
   * header section is read into memory (at most {@value #LIMIT} octets), the body streams on.
   */
  public static InputStream stripped(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(4096);
    SubmissionFilter filter = new SubmissionFilter(head, null);
    byte[] buffer = new byte[8192];
    int total = 0;
    while (!filter.inBody()) {
      if (total >= LIMIT) {
        filter.release();
        break;
      }
      int n = in.read(buffer, 0, Math.min(buffer.length, LIMIT - total));
      if (n < 0) {
        filter.finish();
        in.close();
        return new ByteArrayInputStream(head.toByteArray());
      }
      filter.write(buffer, 0, n);
      total += n;
    }
    return new SequenceInputStream(new ByteArrayInputStream(head.toByteArray()), in);
  }
}
