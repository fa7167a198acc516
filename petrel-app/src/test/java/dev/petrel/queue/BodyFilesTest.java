package dev.petrel.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.model.QueueId;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file-based {@link BodyStore}: what it writes where, and what its sweep removes. */
class BodyFilesTest {

  @TempDir Path dir;

  private static void write(BodyStore.Draft draft, byte[] bytes) throws Exception {
    // in pieces, as the spool's buffer hands them over
    for (int at = 0; at < bytes.length; at += 1000)
      draft.write(ByteBuffer.wrap(bytes, at, Math.min(1000, bytes.length - at)));
  }

  @Test
  void aPublishedBodyReadsBackWithItsSizeAndAnUnpublishedOneIsInvisible() throws Exception {
    BodyStore bodies = new BodyFiles(dir.resolve("spool"));
    QueueId id = QueueId.generate(Instant.now());
    byte[] body = new byte[70_000];
    new java.util.Random(7).nextBytes(body);
    try (BodyStore.Draft draft = bodies.create(id)) {
      write(draft, body);
      assertThatThrownBy(() -> bodies.open(id)).isInstanceOf(NoSuchFileException.class);
      draft.publish();
    }
    assertThat(bodies.size(id)).isEqualTo(body.length);
    try (InputStream in = bodies.open(id)) {
      assertThat(in.readAllBytes()).isEqualTo(body);
    }
    Path file = ((BodyFiles) bodies).path(id);
    assertThat(file.getParent().getFileName().toString())
        .isEqualTo(id.value().substring(id.value().length() - 2));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");

    bodies.delete(id);
    assertThat(file).doesNotExist();
    bodies.delete(id); // already gone: fine
  }

  @Test
  void theSweepRemovesDraftsAndBodiesWithoutARowOnly() throws Exception {
    BodyStore bodies = new BodyFiles(dir.resolve("spool"));
    QueueId kept = QueueId.generate(Instant.now());
    QueueId orphan = QueueId.generate(Instant.now());
    QueueId draft = QueueId.generate(Instant.now());
    for (QueueId id : new QueueId[] {kept, orphan}) {
      try (BodyStore.Draft d = bodies.create(id)) {
        write(d, "Subject: x\r\n\r\nbody\r\n".getBytes());
        d.publish();
      }
    }
    bodies.create(draft).close(); // a crash before publish: the temporary file stays
    Path foreign = ((BodyFiles) bodies).path(kept).resolveSibling("notes.txt");
    Files.writeString(foreign, "not a body");

    assertThat(bodies.removeOrphans(Set.of(kept)::contains)).isEqualTo(2);
    assertThat(bodies.size(kept)).isPositive();
    assertThatThrownBy(() -> bodies.open(orphan)).isInstanceOf(NoSuchFileException.class);
    assertThat(((BodyFiles) bodies).tempPath(draft)).doesNotExist();
    assertThat(foreign).exists();
  }
}
