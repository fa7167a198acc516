package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up stops with exit status 2 and a message naming the option when options are wrong. */
class ServeCommandTest {

  @TempDir Path dir;

  @Test
  void durationsInTheStartLogReadAsOperatorsWriteThem() {
    assertThat(PetrelServer.humanDuration(java.time.Duration.ofDays(30))).isEqualTo("30d");
    assertThat(PetrelServer.humanDuration(java.time.Duration.ofHours(1))).isEqualTo("1h");
    assertThat(PetrelServer.humanDuration(java.time.Duration.ofMinutes(90))).isEqualTo("90m");
    assertThat(PetrelServer.humanDuration(java.time.Duration.ofSeconds(1))).isEqualTo("1s");
    assertThat(PetrelServer.humanDuration(java.time.Duration.ofMillis(1500))).isEqualTo("1500ms");
  }

  @Test
  void unknownFlagIsNamed() {
    var r = CredentialsCommandTest.run("serve", "--smtp-prot", "25");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("--smtp-prot");
  }

  @Test
  void invalidFlagValueIsNamed() {
    var r = CredentialsCommandTest.run("serve", "--data-dir", dir.toString(), "--smtp-port", "x");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .contains("petrel serve: invalid value 'x' for --smtp-port (from --smtp-port)");
    assertThat(dir.resolve("petrel.db")).doesNotExist();
  }

  @Test
  void aLeaseOfZeroOrAMalformedOneStopsStartUp() {
    for (String bad : new String[] {"0", "-30s", "5 minutes"}) {
      var r =
          CredentialsCommandTest.run(
              "serve", "--data-dir", dir.toString(), "--smtp-port", "0", "--lease", bad);
      assertThat(r.status()).as(bad).isEqualTo(2);
      assertThat(r.err()).as(bad).contains("petrel serve: invalid value '" + bad + "' for --lease");
    }
    assertThat(dir.resolve("petrel.db")).doesNotExist();
  }

  @Test
  void unknownKeyInTheConfigFileIsNamed() throws Exception {
    Path conf = dir.resolve("petrel.conf");
    Files.writeString(conf, "max-recipient = 5\n");
    var r = CredentialsCommandTest.run("serve", "--config", conf.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("unknown option 'max-recipient'");
  }

  @Test
  void helpListsEveryConfigurationKey() {
    var r = CredentialsCommandTest.run("serve", "--help");
    assertThat(r.status()).isZero();
    for (ConfigKey k : ConfigKey.values()) assertThat(r.out()).contains(k.flag());
    assertThat(r.out()).contains("PETREL_DATA_DIR");
  }

  @Test
  void missingCertificateFileStopsStartUp() {
    var r =
        CredentialsCommandTest.run(
            "serve",
            "--data-dir",
            dir.toString(),
            "--smtp-port",
            "0",
            "--listen-address",
            "127.0.0.1",
            "--tls-cert",
            dir.resolve("none.pem").toString(),
            "--tls-key",
            dir.resolve("none.key").toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("none.pem").contains("does not exist");
  }
}
