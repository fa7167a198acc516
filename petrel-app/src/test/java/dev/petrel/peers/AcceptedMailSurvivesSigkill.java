package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.model.QueueId;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 during load loses nothing that got a 250. Clients record every queue id they were given
 * with the digest of what they sent; the server process is killed with SIGKILL in the middle of the
 * load and started again; every recorded message is there, byte for byte.
 */
class AcceptedMailSurvivesSigkill {

  @TempDir Path dir;

  private static final Duration IO = Duration.ofSeconds(30);

  @Test
  void everyAcknowledgedMessageIsInTheQueueAfterRestart() throws Exception {
    Path data = dir.resolve("data");
    Map<String, String> acknowledged = new ConcurrentHashMap<>(); // queue id -> sha-256 of body
    AtomicInteger attempts = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();

    try (PetrelProcess first = PetrelProcess.serve(data, dir.resolve("first.log"))) {
      int port = first.port("smtp");
      Thread[] clients = new Thread[8];
      for (int i = 0; i < clients.length; i++)
        clients[i] =
            Thread.ofVirtual().start(() -> sendUntilStopped(port, acknowledged, attempts, stop));
      // Kill once a good number of messages are in, with commits certainly in flight.
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (acknowledged.size() < 300 && System.nanoTime() < deadline) Thread.sleep(10);
      first.kill();
      stop.set(true);
      for (Thread t : clients) t.join(Duration.ofSeconds(60));
      assertThat(acknowledged.size()).as(first.log()).isGreaterThanOrEqualTo(300);
    }

    try (PetrelProcess second = PetrelProcess.serve(data, dir.resolve("second.log"))) {
      // The restarted server takes mail again.
      try (SmtpClient c = new SmtpClient(second.port("smtp"), IO)) {
        assertThat(c.reply()).startsWith("220");
        assertThat(c.command("EHLO after.test")).startsWith("250");
        assertThat(c.command("MAIL FROM:<a@example.com>")).startsWith("250");
        assertThat(c.command("RCPT TO:<b@example.net>")).startsWith("250");
        assertThat(c.command("DATA")).startsWith("354");
        assertThat(c.command("Subject: after\r\n\r\nafter the crash\r\n.")).startsWith("250 2.0.0");
      }
      // The queue commands' way in: open the store beside the running server.
      try (SqliteMessageStore store =
          SqliteMessageStore.open(
              data, SqliteStoreOptions.existingFolder(), InstantSource.system())) {
        for (Map.Entry<String, String> e : acknowledged.entrySet()) {
          QueueId id = QueueId.parse(e.getKey());
          StoredMessage m = store.find(id).orElse(null);
          assertThat(m).as("message %s acknowledged before the kill", id).isNotNull();
          assertThat(m.recipients()).hasSize(1);
          byte[] stored;
          try (InputStream in = store.openBody(id)) {
            stored = in.readAllBytes();
          }
          assertThat(new String(stored, 0, 10, StandardCharsets.US_ASCII)).isEqualTo("Received: ");
          int sep = indexOf(stored, "\r\nX-Crash-Test: ".getBytes(StandardCharsets.US_ASCII));
          assertThat(sep).as("the body sent for %s", id).isPositive();
          byte[] original = Arrays.copyOfRange(stored, sep + 2, stored.length);
          assertThat(sha256(original)).as("digest of %s", id).isEqualTo(e.getValue());
        }
      }
      second.terminate();
      second.waitFor(Duration.ofSeconds(60));
    }
  }

  /** One client: a connection per few messages, each body different, until told to stop. */
  private static void sendUntilStopped(
      int port, Map<String, String> acknowledged, AtomicInteger attempts, AtomicBoolean stop) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (!stop.get()) {
      try (SmtpClient c = new SmtpClient(port, IO)) {
        if (!c.reply().startsWith("220")) return;
        c.command("EHLO crash.test");
        for (int i = 0; i < 5 && !stop.get(); i++) {
          int n = attempts.incrementAndGet();
          StringBuilder body = new StringBuilder();
          body.append("X-Crash-Test: ").append(n).append("\r\nSubject: crash ").append(n);
          // Date and Message-ID given, so the listener adds nothing and the digest still holds.
          body.append("\r\nDate: Mon, 7 Dec 2026 00:00:00 +0000\r\nMessage-ID: <")
              .append(n)
              .append("@crash.test>");
          body.append("\r\n\r\n");
          int lines = 1 + random.nextInt(200);
          for (int l = 0; l < lines; l++) {
            body.append(Long.toHexString(random.nextLong())).append(' ').append(l).append("\r\n");
          }
          byte[] bytes = body.toString().getBytes(StandardCharsets.US_ASCII);
          if (!c.command("MAIL FROM:<load@example.com>").startsWith("250")) return;
          if (!c.command("RCPT TO:<rcpt" + n + "@example.net>").startsWith("250")) return;
          if (!c.command("DATA").startsWith("354")) return;
          c.write(bytes);
          String reply = c.command(".");
          if (reply == null) return;
          if (reply.startsWith("250 2.0.0 Ok: queued as ")) {
            String id = reply.substring("250 2.0.0 Ok: queued as ".length()).strip();
            acknowledged.put(id, sha256(bytes));
          }
        }
      } catch (IOException killed) {
        // the server died under us: whatever was not acknowledged does not count
      }
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
