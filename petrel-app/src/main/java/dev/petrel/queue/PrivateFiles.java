package dev.petrel.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Everything Petrel writes in its data folder is for its own user only: folders 0700, files 0600.
 * The data folder holds queued mail, DKIM private keys, webhook secrets, login hashes and the TLS
 * key, and other users of the host must read none of it. Permissions are given when a file or
 * folder is created, never after, so there is no moment when it is open: the umask can only take
 * bits away from 0600/0700, never add any. Files other programs create (SQLite's database and its
 * {@code -wal} and {@code -shm} files) are restricted right after they appear.
 *
 * <p>On a file system without POSIX permissions these calls create files plainly.
 */
public final class PrivateFiles {

  /** rw------- */
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  /** rwx------ */
  public static final Set<PosixFilePermission> FOLDER =
      PosixFilePermissions.fromString("rwx------");

  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private static final FileAttribute<?>[] FILE_ATTRIBUTES =
      POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : none();

  private static final FileAttribute<?>[] FOLDER_ATTRIBUTES =
      POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FOLDER)} : none();

  private PrivateFiles() {}

  private static FileAttribute<?>[] none() {
    return new FileAttribute<?>[0];
  }

  /** Creates {@code dir} and any missing parent, each 0700; folders already there are kept. */
  public static Path createDirectories(Path dir) throws IOException {
    return Files.createDirectories(dir, FOLDER_ATTRIBUTES);
  }

  /** Creates one folder, 0700. */
  public static Path createDirectory(Path dir) throws IOException {
    return Files.createDirectory(dir, FOLDER_ATTRIBUTES);
  }

  /** Creates an empty file, 0600. */
  public static Path createFile(Path file) throws IOException {
    return Files.createFile(file, FILE_ATTRIBUTES);
  }

  /** Opens a channel; a file it creates is 0600. */
  public static FileChannel open(Path file, OpenOption... options) throws IOException {
    return FileChannel.open(file, Set.of(options), FILE_ATTRIBUTES);
  }

  /** Creates the empty file if it is missing (0600), so that the program that fills it keeps it. */
  public static void ensureFile(Path file) throws IOException {
    try {
      createFile(file);
    } catch (FileAlreadyExistsException e) {
      // there already: its permissions are checked at start-up
    }
  }

  /**
   * Makes an existing file 0600 (or folder 0700). For files another program created with its own
   * permissions; returns false when there is no such file or it is not ours to change.
   */
  public static boolean restrict(Path p) {
    if (!POSIX) return false;
    try {
      boolean folder = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
      Set<PosixFilePermission> want = folder ? FOLDER : FILE;
      if (Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(want)) return true;
      Files.setPosixFilePermissions(p, want);
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  /** A file or folder that others may read, write or enter, with its mode, e.g. {@code 0644}. */
  public record TooOpen(Path path, boolean folder, String mode) {

    /** The command that fixes it. */
    public String fix() {
      return "chmod " + (folder ? "700" : "600") + " '" + path + "'";
    }
  }

  /**
   * What in the data folder gives any permission to group or others: the folder itself, everything
   * directly in it, and what is in its sub-folders one level down (the TLS files, the spool's shard
   * folders). Message bodies inside the shards are not listed one by one: a 0700 shard keeps them
   * out of reach, and walking a large queue would slow every start.
   */
  public static List<TooOpen> tooOpen(Path dataDir) throws IOException {
    List<TooOpen> out = new ArrayList<>();
    if (!POSIX || !Files.isDirectory(dataDir)) return out;
    check(dataDir, out);
    try (DirectoryStream<Path> top = Files.newDirectoryStream(dataDir)) {
      for (Path p : top) {
        check(p, out);
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          try (DirectoryStream<Path> inner = Files.newDirectoryStream(p)) {
            for (Path q : inner) check(q, out);
          }
      }
    }
    return out;
  }

  private static void check(Path p, List<TooOpen> out) throws IOException {
    if (Files.isSymbolicLink(p)) return;
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    for (PosixFilePermission x : perms) {
      if (x.name().startsWith("GROUP") || x.name().startsWith("OTHERS")) {
        out.add(new TooOpen(p, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS), octal(perms)));
        return;
      }
    }
  }

  private static String octal(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (PosixFilePermission x : perms) mode |= 1 << (8 - x.ordinal());
    return String.format("0%o", mode);
  }
}
