package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpensslCompletesStartTls {

  @TempDir Path dir;

  @Test
  void handshakeCompletesAndTheSessionGoesOnEncrypted() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      Exec.Result r =
          Exec.run(
              Duration.ofSeconds(120),
              "EHLO openssl.test\nQUIT\n".getBytes(StandardCharsets.US_ASCII),
              List.of(
                  Peers.require("openssl"),
                  "s_client",
                  "-starttls",
                  "smtp",
                  "-connect",
                  "127.0.0.1:" + petrel.port(),
                  "-servername",
                  "localhost",
                  "-crlf",
                  "-ign_eof"));
      assertThat(r.out()).as(r.all()).contains("New, TLSv1.3, Cipher is TLS_");
      assertThat(r.out()).contains("subject=CN = " + RunningPetrel.HOSTNAME);
      // After the handshake the session starts again at EHLO (RFC 3207 §4.2).
      assertThat(r.out()).contains("250-" + RunningPetrel.HOSTNAME + " Hello openssl.test");
      assertThat(r.out()).contains("221 2.0.0 " + RunningPetrel.HOSTNAME + " closing connection");
      assertThat(r.out()).doesNotContain("250-STARTTLS");
    }
  }
}
