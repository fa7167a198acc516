package dev.petrel.peers;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the peer programs tests drive (swaks, smtp-source, curl, python3, openssl). A missing peer
 * skips the test with a message, except under {@code PETREL_REQUIRE_PEERS=1} (set by .ci/run, which
 * installs them): there it fails.
 */
public final class Peers {

  private Peers() {}

  public static boolean required() {
    return "1".equals(System.getenv("PETREL_REQUIRE_PEERS"));
  }

  /** The absolute path of {@code program}; skips or fails the test when it is not installed. */
  public static String require(String program) {
    return require(program, null);
  }

  /** As {@link #require(String)}, naming the Debian package that installs the program. */
  public static String require(String program, String debianPackage) {
    Path p = find(program);
    if (p != null) return p.toString();
    String why =
        program
            + " is not installed (Debian: "
            + (debianPackage == null ? "see .ci/run for the package" : "package " + debianPackage)
            + ")";
    if (required()) fail(why + ", and PETREL_REQUIRE_PEERS=1");
    Assumptions.abort(why + "; skipping");
    return null;
  }

  /** True when this JVM runs as root (peers such as smtp-sink then need to drop privileges). */
  public static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * Closes each of {@code peers} in order, skipping nulls (what never started); every one is closed
   * even when an earlier one fails, and the first failure is thrown with the later ones suppressed.
   */
  static void closeAll(AutoCloseable... peers) throws Exception {
    Exception first = null;
    for (AutoCloseable p : peers) {
      if (p == null) continue;
      try {
        p.close();
      } catch (Exception e) {
        if (first == null) first = e;
        else first.addSuppressed(e);
      }
    }
    if (first != null) throw first;
  }

  static Path find(String program) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) dirs.addAll(List.of(path.split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin"));
    for (String d : dirs) {
      if (d.isEmpty()) continue;
      Path p = Path.of(d, program);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) return p;
    }
    return null;
  }
}
