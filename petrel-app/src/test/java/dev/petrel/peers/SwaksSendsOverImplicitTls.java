package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.app.ConfigKey;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwaksSendsOverImplicitTls {

  @TempDir Path dir;

  @Test
  void smtpsPortSpeaksTlsFromTheFirstByte() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir, Map.of(ConfigKey.SMTPS_PORT, "0"))) {
      Swaks.Run run =
          Swaks.run(
              petrel.smtpsPort(),
              "--tls-on-connect",
              "--from",
              "alice@example.com",
              "--to",
              "bob@example.net");
      assertThat(run.result().exit()).as(run.transcript()).isZero();
      assertThat(run.result().out()).contains("TLS started with cipher TLSv1.3");
      assertThat(run.replies()).noneMatch(r -> r.contains("STARTTLS"));
      String id = run.queuedId();
      assertThat(id).as(run.transcript()).isNotNull();
      assertThat(petrel.find(id)).isPresent();
    }
  }
}
