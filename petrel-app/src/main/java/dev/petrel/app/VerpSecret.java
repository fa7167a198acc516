package dev.petrel.app;

import dev.petrel.queue.PrivateFiles;
import dev.petrel.queue.SecretStore;
import dev.petrel.queue.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The installation's VERP secret: 32 random octets kept in the store, made by the first start that
 * needs one and read on every start, so that return paths issued before a restart, or by another
 * node sharing the store, still read back. Losing it makes the tokens of mail already sent
 * unreadable (their bounces get 550 5.1.1); a backup of the database carries it.
 *
 * <p>Older versions kept it in {@code verp.key} in the data folder: such a file is imported once
 * and renamed to {@code verp.key.imported}, kept as a backup.
 */
final class VerpSecret {

  private static final Logger log = LoggerFactory.getLogger(VerpSecret.class);

  static final String FILE_NAME = "verp.key";
  static final String IMPORTED_NAME = FILE_NAME + ".imported";

  /** The secret's name in the store. */
  static final String NAME = "verp";

  static final int LENGTH = 32;

  private VerpSecret() {}

  /**
   * Reads the secret from the store; the first time, brings in the data folder's {@code verp.key}
   * or, when there is none, a fresh random secret.
   *
   * @throws IOException when an old file cannot be read or renamed, does not hold exactly 32
   *     octets, or the store cannot be read
   */
  static byte[] load(Path dataDir, SecretStore secrets) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    byte[] old;
    try {
      old = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      old = null;
    }
    if (old != null && old.length != LENGTH)
      throw new IOException(
          file
              + " holds "
              + old.length
              + " octets, not "
              + LENGTH
              + "; restore it from a backup (a new secret makes the return paths of mail already"
              + " sent unknown)");
    byte[] proposed = old;
    if (proposed == null) {
      proposed = new byte[LENGTH];
      new SecureRandom().nextBytes(proposed);
    }
    byte[] secret;
    try {
      secret = secrets.secret(NAME, proposed);
    } catch (StorageException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (secret.length != LENGTH)
      throw new IOException("the store's VERP secret holds " + secret.length + " octets");
    if (old != null) keepImported(file, Arrays.equals(old, secret));
    return secret;
  }

  /** Renames an imported (or superseded) {@code verp.key}, durably, keeping it 0600. */
  private static void keepImported(Path file, boolean used) throws IOException {
    Path kept = file.resolveSibling(IMPORTED_NAME);
    Files.move(file, kept, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir =
        FileChannel.open(kept.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException ignored) {
      // some file systems cannot sync a folder; the rename happened
    }
    PrivateFiles.restrict(kept);
    if (used)
      log.info("imported the VERP secret of {} into the store; the file is kept as {}", file, kept);
    else
      log.warn(
          "{} differs from the VERP secret the store holds already (another node made it); the"
              + " store's is used, the file is kept as {}",
          file,
          kept);
  }
}
