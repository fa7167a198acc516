package dev.petrel.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * The installation's VERP secret: 32 random octets in {@code verp.key} in the data folder, made
 * once (mode 600) and read on every start, so that return paths issued before a restart still read
 * back. Losing the file makes the tokens of mail already sent unreadable (their bounces get 550
 * 5.1.1); it is kept with the queue for that reason.
 */
final class VerpSecret {

  static final String FILE_NAME = "verp.key";
  static final int LENGTH = 32;

  private VerpSecret() {}

  /**
   * Reads the secret, creating it first when the data folder has none.
   *
   * @throws IOException when the file cannot be made or read, or does not hold exactly 32 octets
   */
  static byte[] load(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.exists(file)) create(file);
    byte[] secret = Files.readAllBytes(file);
    if (secret.length != LENGTH)
      throw new IOException(
          file
              + " holds "
              + secret.length
              + " octets, not "
              + LENGTH
              + "; restore it from a backup (a new secret makes the return paths of mail already"
              + " sent unknown)");
    return secret;
  }

  /** Writes a fresh secret under a temporary name, fsyncs it and moves it in place. */
  private static void create(Path file) throws IOException {
    byte[] secret = new byte[LENGTH];
    new SecureRandom().nextBytes(secret);
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    Files.deleteIfExists(tmp);
    try (FileChannel ch =
        dev.petrel.queue.PrivateFiles.open(
            tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(secret));
      ch.force(true);
    }
    // serve holds the data-folder lock, so no other process makes one meanwhile
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException ignored) {
      // some file systems cannot sync a folder; the file itself is on disk
    }
  }
}
