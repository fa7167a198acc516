package dev.petrel.queue;

import dev.petrel.model.QueueId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** A message body derived from its queue id alone, so another process can recompute it. */
final class CrashBodies {

  private CrashBodies() {}

  static byte[] body(QueueId id) {
    long seed =
        ByteBuffer.wrap(
                QueueTestSupport.digest().digest(id.value().getBytes(StandardCharsets.US_ASCII)))
            .getLong();
    SplittableRandom random = new SplittableRandom(seed);
    byte[] head =
        ("Subject: crash test " + id + "\r\nFrom: load@example.com\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] body = new byte[head.length + random.nextInt(0, 200_000)];
    System.arraycopy(head, 0, body, 0, head.length);
    for (int i = head.length; i < body.length; i++) body[i] = (byte) random.nextInt(256);
    return body;
  }
}
