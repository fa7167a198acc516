package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwaksSendsOverStartTls {

  @TempDir Path dir;

  @Test
  void sessionUpgradesAndTheMessageRecordsTls() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      Swaks.Run run =
          Swaks.run(
              petrel.port(), "--tls", "--from", "alice@example.com", "--to", "bob@example.net");
      assertThat(run.result().exit()).as(run.transcript()).isZero();
      assertThat(run.replies()).as(run.transcript()).contains("220 2.0.0 Ready to start TLS");
      assertThat(run.result().out()).contains("TLS started with cipher TLSv1.3");
      String id = run.queuedId();
      assertThat(id).as(run.transcript()).isNotNull();
      String body = new String(petrel.body(id), StandardCharsets.UTF_8);
      assertThat(body.substring(0, body.indexOf("\r\n\r\n"))).contains("TLSv1.3");
    }
  }

  @Test
  void tls12StillWorksForOlderClients() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      Swaks.Run run =
          Swaks.run(
              petrel.port(),
              "--tls",
              "--tls-protocol",
              "tlsv1_2",
              "--from",
              "alice@example.com",
              "--to",
              "bob@example.net");
      assertThat(run.result().exit()).as(run.transcript()).isZero();
      assertThat(run.result().out()).contains("TLS started with cipher TLSv1.2");
      assertThat(run.queuedId()).isNotNull();
    }
  }

  @Test
  void oldTlsVersionsAreRefused() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      Swaks.Run run =
          Swaks.run(
              petrel.port(),
              "--tls",
              "--tls-protocol",
              "tlsv1_1",
              "--from",
              "alice@example.com",
              "--to",
              "bob@example.net");
      assertThat(run.result().exit()).as(run.transcript()).isNotZero();
      assertThat(run.queuedId()).isNull();
    }
  }
}
