package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code petrel serve} as its own process: mail sent with swaks to a {@code rate-421} simulator
 * address slows that address's destination down, and the log says so with the reply, the limits
 * left and until when; the waits file {@code queue show} reads is private to the owner while serve
 * runs and gone after it stops.
 */
class SlowDownIsLoggedBySwaksRun {

  @TempDir Path dir;

  @Test
  void theSlowDownIsLoggedWithItsCause() throws Exception {
    Path data = dir.resolve("data");
    Path waits = data.resolve("delivery-waits.json");
    try (PetrelProcess petrel =
        PetrelProcess.serveDelivering(
            List.of("-Xmx256m"), data, dir.resolve("serve.log"), "--slow-down-max", "30m")) {
      Swaks.Run run =
          Swaks.run(
              petrel.port("smtp"),
              "--from",
              "ann@example.com",
              "--to",
              "rate-421@simulator.petrel.test");
      assertThat(run.queuedId()).as(run.transcript()).isNotNull();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> petrel.log().contains("slowed down after"));
      assertThat(petrel.log())
          .contains(
              "destination simulator.petrel.test/rate-421 slowed down after \"421 4.7.0 rate limit"
                  + " exceeded: too many messages, slow down (Petrel simulator)\": 10 connections, ")
          .contains("full limits back by ");
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(waits));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(waits)))
          .isEqualTo("rw-------");
      petrel.terminate();
      assertThat(petrel.waitFor(Duration.ofSeconds(60))).as(petrel.log()).isIn(0, 143);
    }
    assertThat(waits).doesNotExist();
  }
}
