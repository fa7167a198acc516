package dev.petrel.queue;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.Recipient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Shared helpers for the queue tests. */
final class QueueTestSupport {

  private QueueTestSupport() {}

  /** Test options: no disk reserve, so tests do not depend on the machine's free space. */
  static SqliteStoreOptions options() {
    return SqliteStoreOptions.defaults().withReserveBytes(0);
  }

  static SqliteMessageStore open(Path dir) throws StorageException {
    return SqliteMessageStore.open(dir, options(), InstantSource.system());
  }

  static Envelope envelope(String sender, String... recipients) {
    return new Envelope(
        sender == null ? null : EmailAddress.parse(sender),
        Stream.of(recipients).map(r -> Recipient.of(EmailAddress.parse(r))).toList(),
        "8BITMIME",
        false,
        null,
        null,
        null,
        "alice",
        "192.0.2.7",
        "client.example");
  }

  static Envelope envelope() {
    return envelope("sender@example.com", "rcpt@example.org");
  }

  static byte[] message(String subject, String body) {
    return ("From: Sender <sender@example.com>\r\nTo: rcpt@example.org\r\nSubject: "
            + subject
            + "\r\n\r\n"
            + body)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Begins, writes and commits one message. */
  static dev.petrel.model.QueueId commit(MessageStore store, Envelope envelope, byte[] body)
      throws Exception {
    try (Spool spool = store.begin(envelope)) {
      spool.body().write(body);
      return spool.commit();
    }
  }

  static String sha256(byte[] data) {
    return HexFormat.of().formatHex(digest().digest(data));
  }

  static String sha256(InputStream in) throws IOException {
    MessageDigest d = digest();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) > 0) d.update(buf, 0, n);
    return HexFormat.of().formatHex(d.digest());
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Every regular file under the data folder's spool/, as paths relative to it. */
  static List<String> spoolFiles(Path dataDir) throws IOException {
    Path spool = dataDir.resolve(SqliteMessageStore.SPOOL_FOLDER);
    if (!Files.exists(spool)) return List.of();
    try (Stream<Path> s = Files.walk(spool)) {
      return s.filter(Files::isRegularFile).map(p -> spool.relativize(p).toString()).toList();
    }
  }
}
