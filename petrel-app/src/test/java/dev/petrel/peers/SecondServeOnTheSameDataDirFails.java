package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecondServeOnTheSameDataDirFails {

  @TempDir Path dir;

  @Test
  void secondStartSaysWhoHoldsTheFolderAndExits1() throws Exception {
    Path data = dir.resolve("data");
    try (PetrelProcess first = PetrelProcess.serve(data, dir.resolve("first.log"))) {
      PetrelProcess second =
          PetrelProcess.launch(
              dir.resolve("second.log"),
              "serve",
              "--data-dir",
              data.toString(),
              "--smtp-port",
              "0",
              "--listen-address",
              "127.0.0.1");
      assertThat(second.waitFor(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(second.log())
          .contains("petrel serve: data folder")
          .contains("is in use by another petrel serve (pid " + first.pid() + ")");
      assertThat(second.port("smtp")).isEqualTo(-1);
      assertThat(first.process().isAlive()).isTrue();
    }
  }
}
