package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code petrel backup DEST} beside a running {@code serve}: mail accepted by curl before the
 * backup is in the copy with its body byte for byte, the copy is readable by its owner only, a
 * second {@code serve} started on the copy (the documented restore) finds every message, and a
 * backup into a folder that is not empty is refused with a clear error. The SMTP logins and the
 * VERP secret, rows of the database, come back with it: swaks logs in with the old password.
 */
class BackupOfARunningServeRestores {

  @TempDir Path dir;

  @Test
  void backupTakenWhileServingRestoresEveryMessage() throws Exception {
    Path backup = dir.resolve("backup");
    List<String> ids = new ArrayList<>();
    List<byte[]> bodies = new ArrayList<>();
    String password;
    byte[] verpSecret;
    try (RunningPetrel petrel = RunningPetrel.start(dir.resolve("data"))) {
      // SMTP logins and the VERP secret are rows of the database: the snapshot carries them.
      password = petrel.credential("default", "app@example.com");
      verpSecret = petrel.store().secrets().secret("verp").orElseThrow();
      // Three small bodies (kept in the database) and one large one (kept as a file).
      for (int i = 0; i < 3; i++) ids.add(sendWithCurl(petrel, i, ""));
      ids.add(sendWithCurl(petrel, 3, "0123456789abcdef".repeat(8 * 1024)));
      for (String id : ids) bodies.add(petrel.body(id));

      Exec.Result r =
          PetrelCli.run("backup", "--data-dir", petrel.dataDir().toString(), backup.toString());
      assertThat(r.exit()).as(r.all()).isZero();
      assertThat(r.out()).as(r.all()).contains("4 messages (1 bodies in files)");

      // Serving goes on while and after the backup runs; later mail is not in the copy.
      sendWithCurl(petrel, 99, "");

      Exec.Result again =
          PetrelCli.run("backup", "--data-dir", petrel.dataDir().toString(), backup.toString());
      assertThat(again.exit()).as(again.all()).isEqualTo(1);
      assertThat(again.err()).as(again.all()).contains("is not empty");
    }

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)))
        .isEqualTo("rwx------");
    try (Stream<Path> files = Files.walk(backup)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
            .as(f.toString())
            .isEqualTo("rw-------");
      }
    }

    try (RunningPetrel restored = RunningPetrel.start(backup)) {
      for (int i = 0; i < ids.size(); i++) {
        assertThat(restored.find(ids.get(i))).as(ids.get(i)).isPresent();
        assertThat(restored.body(ids.get(i))).isEqualTo(bodies.get(i));
      }
      assertThat(restored.store().list(100).size()).isEqualTo(ids.size());
      assertThat(restored.store().secrets().secret("verp")).hasValue(verpSecret);
      Swaks.Run login =
          Swaks.run(
              restored.port(),
              "--tls",
              "--auth",
              "PLAIN",
              "--auth-user",
              "app@example.com",
              "--auth-password",
              password,
              "--from",
              "app@example.com",
              "--to",
              "bob@example.net");
      assertThat(login.replies())
          .as(login.transcript())
          .contains("235 2.7.0 Authentication successful");
    }
  }

  @Test
  void aFolderThatIsNotADataFolderIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    Exec.Result r =
        PetrelCli.run(
            "backup", "--data-dir", dir.resolve("empty").toString(), dir.resolve("out").toString());
    assertThat(r.exit()).as(r.all()).isEqualTo(1);
    assertThat(r.err()).as(r.all()).contains("petrel backup: no Petrel data folder");
  }

  private String sendWithCurl(RunningPetrel petrel, int n, String filler) throws Exception {
    Path mail = dir.resolve("mail" + n + ".eml");
    Files.writeString(
        mail,
        "From: alice@example.com\r\nTo: bob@example.net\r\nSubject: backup "
            + n
            + "\r\n\r\nbody "
            + n
            + "\r\n"
            + filler.replaceAll("(.{76})", "$1\r\n")
            + "\r\n",
        StandardCharsets.UTF_8);
    Exec.Result r = CurlSmtp.send(petrel.port(), "alice@example.com", "bob@example.net", mail);
    assertThat(r.exit()).as(r.all()).isZero();
    String id = CurlSmtp.queuedId(r);
    assertThat(id).as(r.all()).isNotNull();
    return id;
  }
}
