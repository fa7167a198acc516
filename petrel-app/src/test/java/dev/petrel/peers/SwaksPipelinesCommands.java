package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwaksPipelinesCommands {

  @TempDir Path dir;

  @Test
  void pipelinedEnvelopeGetsEveryReplyInOrder() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      Swaks.Run run =
          Swaks.run(
              petrel.port(),
              "--pipeline",
              "--from",
              "alice@example.com",
              "--to",
              "bob@example.net,carol@example.net,dave@example.net");
      assertThat(run.result().exit()).as(run.transcript()).isZero();
      assertThat(run.replies())
          .as(run.transcript())
          .containsSubsequence(
              "250 2.1.0 Sender ok",
              "250 2.1.5 Recipient ok",
              "250 2.1.5 Recipient ok",
              "250 2.1.5 Recipient ok",
              "354 End data with <CR><LF>.<CR><LF>");
      assertThat(run.replies())
          .anyMatch(
              r -> r.equals("PIPELINING") || r.endsWith("-PIPELINING") || r.contains("PIPELINING"));
      String id = run.queuedId();
      assertThat(petrel.find(id).orElseThrow().recipients()).hasSize(3);
    }
  }
}
