package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.model.QueueId;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On SIGTERM Petrel stops accepting connections, answers new commands with 421 4.3.2, lets a
 * message in the middle of DATA finish and queues it, and closes the store cleanly.
 */
class SigtermStopsGracefully {

  @TempDir Path dir;

  private static final Duration IO = Duration.ofSeconds(30);

  @Test
  void inFlightDataFinishesAndNewCommandsGet421() throws Exception {
    Path data = dir.resolve("data");
    String queued;
    try (PetrelProcess petrel = PetrelProcess.serve(data, dir.resolve("serve.log"));
        SmtpClient busy = new SmtpClient(petrel.port("smtp"), IO);
        SmtpClient idle = new SmtpClient(petrel.port("smtp"), IO)) {
      int port = petrel.port("smtp");
      assertThat(busy.reply()).startsWith("220");
      assertThat(idle.reply()).startsWith("220");
      assertThat(busy.command("EHLO busy.test")).startsWith("250");
      assertThat(idle.command("EHLO idle.test")).startsWith("250");
      assertThat(busy.command("MAIL FROM:<a@example.com>")).startsWith("250");
      assertThat(busy.command("RCPT TO:<b@example.net>")).startsWith("250");
      assertThat(busy.command("DATA")).startsWith("354");
      busy.send("Subject: half way\r\n\r\nthe first half, sent before SIGTERM\r\n");

      petrel.terminate();
      waitUntilRefused(port);

      assertThat(idle.command("NOOP"))
          .isEqualTo("421 4.3.2 " + RunningPetrel.HOSTNAME + " shutting down, try again later");
      assertThat(idle.reply()).isNull();

      busy.send("the second half, after SIGTERM\r\n");
      String reply = busy.command(".");
      assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
      queued = reply.substring("250 2.0.0 Ok: queued as ".length());
      assertThat(busy.command("MAIL FROM:<a@example.com>"))
          .isEqualTo("421 4.3.2 " + RunningPetrel.HOSTNAME + " shutting down, try again later");

      int status = petrel.waitFor(Duration.ofSeconds(60));
      assertThat(status).as(petrel.log()).isIn(0, 143);
      assertThat(petrel.log()).contains("petrel serve: stopped; queue closed cleanly");
      assertThat(petrel.log()).contains("queue=" + queued + " queued");
    }
    try (SqliteMessageStore store =
        SqliteMessageStore.open(
            data, SqliteStoreOptions.existingFolder(), InstantSource.system())) {
      assertThat(store.find(QueueId.parse(queued))).isPresent();
    }
  }

  private static void waitUntilRefused(int port) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      } catch (IOException refused) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("port " + port + " still accepts connections after SIGTERM");
  }
}
