package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.queue.StoredMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Postfix's smtp-source pushes thousands of messages over 20 sessions; every one is queued. */
class SmtpSourceLoadIsAllQueued {

  @TempDir Path dir;

  private static final int MESSAGES = 2000;

  @Test
  void twentySessionsOneMessageEach() throws Exception {
    load(List.of());
  }

  @Test
  void twentySessionsManyMessagesPerConnection() throws Exception {
    load(List.of("-d"));
  }

  private void load(List<String> extra) throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      List<String> cmd =
          new java.util.ArrayList<>(
              List.of(
                  Peers.require("smtp-source"),
                  "-s",
                  "20",
                  "-m",
                  String.valueOf(MESSAGES),
                  "-l",
                  "1024",
                  "-c",
                  "-f",
                  "from@example.com",
                  "-t",
                  "to@example.net"));
      cmd.addAll(extra);
      cmd.add("127.0.0.1:" + petrel.port());
      Exec.Result r = Exec.run(Duration.ofMinutes(8), cmd);
      assertThat(r.exit()).as(r.all()).isZero();
      assertThat(r.out()).contains(String.valueOf(MESSAGES)); // the last counter value
      List<StoredMessage> queued = petrel.store().list(MESSAGES + 10);
      assertThat(queued).hasSize(MESSAGES);
      assertThat(queued)
          .allSatisfy(
              m -> {
                assertThat(m.sender().toString()).isEqualTo("from@example.com");
                assertThat(m.recipients()).hasSize(1);
                assertThat(m.size()).isGreaterThan(1024);
              });
    }
  }
}
