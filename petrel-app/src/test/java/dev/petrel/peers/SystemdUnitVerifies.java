package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit shipped in dist/systemd passes {@code systemd-analyze verify} without a single
 * warning, and keeps the properties the operations guide promises (its own user, a private data
 * folder, files created 0600). The unit's ExecStart names the install location /opt/petrel; the
 * check runs on a copy pointing at this checkout's launcher, since verify wants an existing
 * program.
 */
class SystemdUnitVerifies {

  private static final Path UNIT =
      Path.of("").toAbsolutePath().getParent().resolve("dist/systemd/petrel.service");

  @Test
  void theShippedUnitVerifiesCleanly(@TempDir Path dir) throws Exception {
    String analyze = Peers.require("systemd-analyze");
    String unit = Files.readString(UNIT);
    assertThat(unit)
        .contains("ExecStart=/opt/petrel/petrel serve")
        .contains("User=petrel")
        .contains("StateDirectoryMode=0700")
        .contains("UMask=0077");

    Path launcher = UNIT.getParent().getParent().getParent().resolve("petrel");
    Path copy = dir.resolve("petrel.service");
    Files.writeString(copy, unit.replace("/opt/petrel/petrel", launcher.toString()));
    Exec.Result r = Exec.run(Duration.ofSeconds(60), List.of(analyze, "verify", copy.toString()));
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.err().strip()).as(r.all()).isEmpty();
  }

  @Test
  void verifyReportsAMistakeInAUnit(@TempDir Path dir) throws Exception {
    // The check above can fail: the same verify call flags an unknown key.
    String analyze = Peers.require("systemd-analyze");
    Path copy = dir.resolve("broken.service");
    Files.writeString(
        copy,
        Files.readString(UNIT)
            .replace("/opt/petrel/petrel", "/bin/true")
            .replace("Restart=on-failure", "Restartt=on-failure"));
    Exec.Result r = Exec.run(Duration.ofSeconds(60), List.of(analyze, "verify", copy.toString()));
    assertThat(r.err()).as(r.all()).contains("Restartt");
  }
}
