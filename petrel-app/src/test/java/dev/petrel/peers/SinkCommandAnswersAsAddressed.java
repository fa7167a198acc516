package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code petrel sink} as a separate process, driven by swaks: each address gets its reply. */
class SinkCommandAnswersAsAddressed {

  static final Pattern LISTENING = Pattern.compile("smtp listening on [0-9.]+:(\\d+)");

  @Test
  void recipientLocalPartsChooseTheReply(@TempDir Path dir) throws Exception {
    Peers.require("swaks");
    try (PetrelProcess sink =
        PetrelProcess.launch(dir.resolve("sink.log"), "sink", "--port", "0")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> LISTENING.matcher(sink.log()).find() || !sink.process().isAlive());
      Matcher m = LISTENING.matcher(sink.log());
      assertThat(m.find()).as(sink.log()).isTrue();
      int port = Integer.parseInt(m.group(1));

      Swaks.Run ok = Swaks.run(port, "--to", "ok@sim.test", "--from", "a@example.com");
      assertThat(ok.replies()).as(ok.transcript()).anyMatch(r -> r.startsWith("250 "));
      assertThat(ok.result().exit()).as(ok.transcript()).isZero();

      Swaks.Run unknown =
          Swaks.run(port, "--to", "rcpt-550-5.1.1@sim.test", "--from", "a@example.com");
      assertThat(unknown.replies())
          .as(unknown.transcript())
          .anyMatch(r -> r.startsWith("550 5.1.1"));

      Swaks.Run big = Swaks.run(port, "--to", "data-552-5.3.4@sim.test", "--from", "a@example.com");
      assertThat(big.replies()).as(big.transcript()).anyMatch(r -> r.startsWith("552 5.3.4"));
    }
  }
}
