package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import dev.petrel.report.Verp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data folder from an older version kept its SMTP logins in {@code smtp-credentials} and its VERP
 * secret in {@code verp.key}. The first start of this version moves both into the store: the old
 * password still logs in (swaks, AUTH PLAIN after STARTTLS), the return path Postfix's {@code
 * smtp-sink} receives is signed with the old secret, and the two files stay as {@code *.imported}
 * backups, readable by their owner only. A second start still accepts the old password.
 */
class OldDataFolderKeepsItsLoginsAndVerpSecret {

  static final Duration GUARD = Duration.ofSeconds(90);
  static final String BOUNCE_DOMAIN = "bounces.petrel.test";
  static final Pattern MAIL_ARGS = Pattern.compile("X-Mail-Args: <([^>]*)>");

  @TempDir Path dir;
  Process sink;

  @AfterEach
  void stopSink() throws InterruptedException {
    if (sink != null) {
      sink.destroy();
      if (!sink.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) sink.destroyForcibly();
    }
  }

  /** A line of the old logins file: user, account, PBKDF2-HMAC-SHA256 hash as the old code made. */
  private static String oldLoginLine(String user, String account, String password)
      throws Exception {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    int iterations = 1000;
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
    byte[] hash =
        SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return user
        + "\t"
        + account
        + "\tpbkdf2-sha256$"
        + iterations
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(hash)
        + "\n";
  }

  private static void writePrivate(Path file, byte[] content) throws IOException {
    Files.write(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void theOldPasswordLogsInAndReturnPathsUseTheOldSecret() throws Exception {
    String smtpSink = Peers.require("smtp-sink");
    Peers.require("swaks");
    Path dumps = Files.createDirectories(dir.resolve("dumps"));
    int sinkPort = startSink(smtpSink, dumps);

    Path data = Files.createDirectory(dir.resolve("data"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
    String password = "old-password-kept-by-the-app";
    writePrivate(
        data.resolve("smtp-credentials"),
        ("# Petrel SMTP logins: user, account, password hash\n"
                + oldLoginLine("app@example.com", "default", password)
                + oldLoginLine("other@example.com", "acme", "another-password"))
            .getBytes(StandardCharsets.UTF_8));
    byte[] oldSecret = new byte[32];
    new SecureRandom().nextBytes(oldSecret);
    writePrivate(data.resolve("verp.key"), oldSecret);

    Map<ConfigKey, String> flags =
        Map.of(
            ConfigKey.TRUSTED_NETWORKS,
            "",
            ConfigKey.PAUSED,
            "false",
            ConfigKey.ROUTE,
            "dest.test=127.0.0.1:" + sinkPort,
            ConfigKey.BOUNCE_DOMAIN,
            BOUNCE_DOMAIN);
    try (RunningPetrel petrel = RunningPetrel.start(data, flags)) {
      Swaks.Run wrong = send(petrel, "app@example.com", "not-the-password");
      assertThat(wrong.replies()).as(wrong.transcript()).anyMatch(r -> r.startsWith("535 "));

      Swaks.Run sent = send(petrel, "app@example.com", password);
      assertThat(sent.replies())
          .as(sent.transcript())
          .contains("235 2.7.0 Authentication successful");
      String id = sent.queuedId();
      assertThat(id).as(sent.transcript()).isNotNull();
      await().atMost(GUARD).until(() -> state(petrel, id) == RecipientState.DELIVERED);

      String returnPath = await().atMost(GUARD).until(() -> mailFrom(dumps), r -> r != null);
      Verp old = new Verp(oldSecret, BOUNCE_DOMAIN);
      QueueId queueId = QueueId.parse(id);
      assertThat(returnPath)
          .isIn(old.returnPath(queueId, 0).toString(), old.returnPath(queueId).toString());
      assertThat(old.read(dev.petrel.model.EmailAddress.parse(returnPath)))
          .hasValueSatisfying(t -> assertThat(t.message()).isEqualTo(queueId));
    }

    assertThat(data.resolve("smtp-credentials")).doesNotExist();
    assertThat(data.resolve("verp.key")).doesNotExist();
    Path logins = data.resolve("smtp-credentials.imported");
    Path secret = data.resolve("verp.key.imported");
    assertThat(Files.readString(logins)).contains("app@example.com\tdefault\tpbkdf2-sha256$");
    assertThat(Files.readAllBytes(secret)).isEqualTo(oldSecret);
    for (Path kept : List.of(logins, secret))
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)))
          .as(kept.toString())
          .isEqualTo("rw-------");

    // The second start finds no file to import: the logins are the store's.
    try (RunningPetrel petrel = RunningPetrel.start(data, flags)) {
      Swaks.Run again = send(petrel, "app@example.com", password);
      assertThat(again.replies())
          .as(again.transcript())
          .contains("235 2.7.0 Authentication successful");
      Swaks.Run acme = send(petrel, "other@example.com", "another-password");
      assertThat(acme.queuedId()).as(acme.transcript()).isNotNull();
      assertThat(petrel.find(acme.queuedId()).orElseThrow().account()).isEqualTo("acme");
    }
  }

  private static Swaks.Run send(RunningPetrel petrel, String user, String password) {
    return Swaks.run(
        petrel.port(),
        "--tls",
        "--auth",
        "PLAIN",
        "--auth-user",
        user,
        "--auth-password",
        password,
        "--from",
        "app@example.com",
        "--to",
        "bob@dest.test");
  }

  /** Starts smtp-sink on a free loopback port, dumping each message into {@code dumps}. */
  private int startSink(String binary, Path dumps) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    // smtp-sink run by root drops to nobody, who must be able to write the dumps
    Files.setPosixFilePermissions(dumps, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    List<String> cmd = new ArrayList<>(List.of(binary));
    if ("root".equals(System.getProperty("user.name"))) cmd.addAll(List.of("-u", "nobody"));
    cmd.addAll(List.of("-d", dumps + "/%H%M%S.", "127.0.0.1:" + port, "50"));
    sink =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("smtp-sink.log").toFile())
            .start();
    final int p = port;
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              if (!sink.isAlive())
                throw new IllegalStateException(
                    "smtp-sink exited: " + Files.readString(dir.resolve("smtp-sink.log")));
              try (Socket s = new Socket(InetAddress.getLoopbackAddress(), p)) {
                return true;
              } catch (IOException e) {
                return false;
              }
            });
    return port;
  }

  /** The MAIL FROM address of the first message the sink dumped, or null before one arrived. */
  private static String mailFrom(Path dumps) throws IOException {
    try (Stream<Path> files = Files.list(dumps)) {
      for (Path f : files.sorted().toList()) {
        Matcher m = MAIL_ARGS.matcher(Files.readString(f, StandardCharsets.ISO_8859_1));
        if (m.find()) return m.group(1);
      }
    }
    return null;
  }

  private static RecipientState state(RunningPetrel petrel, String id) throws Exception {
    return petrel.find(id).orElseThrow().recipients().getFirst().state();
  }
}
