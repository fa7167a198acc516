package dev.petrel.deliver;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the peer programs the delivery tests drive (dnsmasq, smtp-sink). A missing one skips the
 * test with a message, except under {@code PETREL_REQUIRE_PEERS=1} (set by .ci/run, which installs
 * them): there the test fails.
 */
final class PeerPrograms {

  private PeerPrograms() {}

  static String require(String program, String debianPackage) {
    Path p = find(program);
    if (p != null) return p.toString();
    String why = program + " is not installed (Debian package " + debianPackage + ")";
    if ("1".equals(System.getenv("PETREL_REQUIRE_PEERS")))
      fail(why + ", and PETREL_REQUIRE_PEERS=1 requires it");
    Assumptions.abort(why + "; skipping");
    return null;
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

  /** True when this JVM runs as root (peers such as smtp-sink then need {@code -u}). */
  static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }
}
