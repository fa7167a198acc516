package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code petrel serve} started by a shell with the usual umask 022 (which makes files 0644 and
 * folders 0755 unless the program says otherwise), then sent a message by Python smtplib large
 * enough to be spooled as a file of its own: every folder in the data folder is 0700 and every file
 * 0600, the SQLite database and its -wal and -shm files included. A data folder that was open
 * before gets a warning naming the chmod that fixes it.
 */
class DataFolderIsPrivateUnderUmask022 {

  @TempDir Path dir;

  private static final String SEND_LARGE =
      """
      import smtplib, sys
      s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=60)
      body = b'Subject: large\\r\\n\\r\\n' + (b'x' * 76 + b'\\r\\n') * 2000
      s.sendmail('a@example.com', ['b@example.net'], body)
      print('queued')
      """;

  @Test
  void everyFileIs0600AndEveryFolder0700() throws Exception {
    Path data = dir.resolve("data");
    try (PetrelProcess p = PetrelProcess.serveWithUmask("022", data, dir.resolve("serve.log"))) {
      Exec.Result r = Python.run(SEND_LARGE, String.valueOf(p.port("smtp")));
      assertThat(r.out().strip()).as(r.all()).isEqualTo("queued");
      assertThat(p.log()).doesNotContain("WARN  permissions");
      // While serve runs: SQLite's -wal and -shm files exist now.
      List<String> modes = modes(data);
      assertThat(modes)
          .as(String.join("\n", modes))
          .contains(
              "rwx------ data",
              "rw------- data/petrel.db",
              "rw------- data/petrel.db-wal",
              "rw------- data/petrel.db-shm",
              "rw------- data/petrel.lock",
              "rwx------ data/spool",
              "rwx------ data/tls",
              "rw------- data/tls/key.pem",
              "rw------- data/tls/cert.pem")
          .anyMatch(m -> m.matches("rw------- data/spool/../[0-9A-Z]+\\.eml"))
          .allMatch(m -> m.startsWith("rwx------ ") || m.startsWith("rw------- "))
          // the VERP secret and the SMTP logins are rows of petrel.db now
          .noneMatch(m -> m.contains("verp.key") || m.contains("smtp-credentials"));
    }
  }

  @Test
  void anOpenDataFolderIsReportedWithTheFix() throws Exception {
    Path data = dir.resolve("open");
    Files.createDirectory(
        data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path db = data.resolve("petrel.db");
    Files.createFile(db);
    Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
    try (PetrelProcess p = PetrelProcess.serveWithUmask("022", data, dir.resolve("open.log"))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> p.log().contains("permissions"));
      assertThat(p.log())
          .contains(
              "WARN  permissions folder "
                  + data
                  + " is mode 0755: other users of this host can reach it")
          .contains("fix: chmod 700 '" + data + "'")
          .contains("WARN  permissions file " + db + " is mode 0644")
          .contains("fix: chmod 600 '" + db + "'");
      // The folder is the operator's: left as it is. The database SQLite uses is made private.
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
          .isEqualTo("rwxr-xr-x");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db)))
          .isEqualTo("rw-------");
    }
  }

  /** "PERMISSIONS relative/path" for everything under {@code data}, itself included. */
  private static List<String> modes(Path data) throws Exception {
    List<String> out = new ArrayList<>();
    try (Stream<Path> all = Files.walk(data)) {
      for (Path p : (Iterable<Path>) all::iterator)
        out.add(
            PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS))
                + " "
                + data.getParent().relativize(p));
    }
    return out;
  }
}
