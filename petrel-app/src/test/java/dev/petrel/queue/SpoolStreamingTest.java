package dev.petrel.queue;

import static dev.petrel.queue.QueueTestSupport.envelope;
import static dev.petrel.queue.QueueTestSupport.open;
import static dev.petrel.queue.QueueTestSupport.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.model.QueueId;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A large body streams to disk through a small buffer: the heap never holds it. */
class SpoolStreamingTest {

  private static final int PIECE = 64 * 1024;
  private static final int PIECES = 30 * 16; // 30 MiB

  /**
   * What streaming 30 MiB may allocate on the heap: a few small objects per 64 KiB piece and the
   * header copy, nowhere near one copy of the body.
   */
  private static final long ALLOCATION_BOUND = 2L * 1024 * 1024;

  @TempDir Path dir;

  @Test
  void thirtyMegabytesStreamThroughASmallBuffer() throws Exception {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long me = Thread.currentThread().threadId();
    MessageDigest written = QueueTestSupport.digest();
    byte[] piece = new byte[PIECE];
    SplittableRandom random = new SplittableRandom(42);
    byte[] head =
        "Subject: thirty megabytes\r\nFrom: big@example.com\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    try (SqliteMessageStore store = open(dir)) {
      QueueId id;
      try (Spool spool = store.begin(envelope())) {
        OutputStream body = spool.body();
        long allocatedBefore = threads.getThreadAllocatedBytes(me);
        body.write(head);
        written.update(head);
        for (int i = 0; i < PIECES; i++) {
          fill(piece, random);
          body.write(piece);
          written.update(piece);
        }
        long allocated = threads.getThreadAllocatedBytes(me) - allocatedBefore;
        assertThat(allocated)
            .as("heap bytes allocated while streaming 30 MiB")
            .isLessThan(ALLOCATION_BOUND);
        assertThat(spool.size()).isEqualTo(head.length + (long) PIECE * PIECES);
        id = spool.commit();
      }
      String expected = HexFormat.of().formatHex(written.digest());
      assertThat(Files.size(store.files().path(id))).isEqualTo(head.length + (long) PIECE * PIECES);
      try (InputStream in = store.openBody(id)) {
        assertThat(sha256(in)).isEqualTo(expected);
      }
      StoredMessage m = store.find(id).orElseThrow();
      assertThat(m.size()).isEqualTo(head.length + (long) PIECE * PIECES);
      assertThat(m.headers()).containsEntry("Subject", "thirty megabytes");
    }
  }

  @Test
  void singleBytesAndOddSlicesArriveIntact() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    byte[] data = new byte[3 * PIECE + 123];
    fill(data, random);
    try (SqliteMessageStore store = open(dir)) {
      QueueId id;
      try (Spool spool = store.begin(envelope())) {
        OutputStream body = spool.body();
        int pos = 0;
        while (pos < data.length) {
          int n = Math.min(data.length - pos, random.nextInt(0, 100_000));
          if (n % 3 == 0 && n > 0) {
            body.write(data[pos]);
            n = 1;
          } else {
            body.write(data, pos, n);
          }
          pos += n;
        }
        id = spool.commit();
      }
      try (InputStream in = store.openBody(id)) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
    }
  }

  @Test
  void headerCaptureIsBounded() {
    HeaderCapture capture = new HeaderCapture();
    byte[] line =
        "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".getBytes();
    for (int i = 0; i < 10_000; i++) capture.accept(line, 0, line.length);
    assertThat(capture.captured()).isEqualTo(HeaderCapture.LIMIT);
  }

  private static void fill(byte[] b, SplittableRandom random) {
    for (int i = 0; i < b.length; i += 8) {
      long v = random.nextLong();
      for (int j = 0; j < 8 && i + j < b.length; j++) b[i + j] = (byte) (v >>> (8 * j));
    }
  }
}
