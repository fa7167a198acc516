package dev.petrel.app;

import dev.petrel.queue.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up check of the data folder's permissions: Petrel makes everything in it for its own
 * user only (see {@link PrivateFiles}), but a folder made beforehand by the operator, or files left
 * by an older version or copied from a backup, may be open to others. Each such path gets a warning
 * on the {@code permissions} logger with the command that fixes it; nothing is changed, since the
 * operator may have a reason (a backup group) that Petrel cannot know.
 */
final class DataDirPermissions {

  private static final Logger LOG = LoggerFactory.getLogger("permissions");

  /** Paths named one by one; beyond that, one line sums up the rest. */
  static final int MAX_LISTED = 20;

  private DataDirPermissions() {}

  /** Logs a warning per path others can reach; returns how many there were. */
  static int warnIfOpen(Path dataDir) {
    List<PrivateFiles.TooOpen> open;
    try {
      open = PrivateFiles.tooOpen(dataDir);
    } catch (IOException e) {
      LOG.warn("cannot check the permissions in the data folder {}: {}", dataDir, e.toString());
      return 0;
    }
    for (PrivateFiles.TooOpen t : open.subList(0, Math.min(open.size(), MAX_LISTED)))
      LOG.warn(
          "{} {} is mode {}: other users of this host can reach it (the data folder holds queued"
              + " mail, DKIM private keys, webhook secrets and login hashes); fix: {}",
          t.folder() ? "folder" : "file",
          t.path(),
          t.mode(),
          t.fix());
    if (open.size() > MAX_LISTED)
      LOG.warn(
          "{} more paths in {} are open to other users; fix them all: chmod -R go-rwx '{}'",
          open.size() - MAX_LISTED,
          dataDir,
          dataDir);
    return open.size();
  }
}
