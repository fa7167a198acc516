package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.app.ConfigLoader.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bounce domain option and the VERP secret kept in the data folder. */
class BounceDomainConfigTest {

  @TempDir Path tmp;

  static PetrelConfig load(Map<ConfigKey, String> flags, Map<String, String> env)
      throws ConfigException {
    return ConfigLoader.resolve(flags, null, env).config();
  }

  @Test
  void theBounceDomainDefaultsToASubdomainOfTheHostname() throws Exception {
    assertThat(load(Map.of(ConfigKey.HOSTNAME, "Mail.Example.org"), Map.of()).bounceDomain())
        .isEqualTo("bounces.mail.example.org");
    assertThat(load(Map.of(ConfigKey.HOSTNAME, "[192.0.2.1]"), Map.of()).bounceDomain())
        .isEqualTo("bounces.localhost");
  }

  @Test
  void theBounceDomainComesFromFlagOrEnvironment() throws Exception {
    assertThat(load(Map.of(ConfigKey.BOUNCE_DOMAIN, "RP.Example.net"), Map.of()).bounceDomain())
        .isEqualTo("rp.example.net");
    assertThat(load(Map.of(), Map.of("PETREL_BOUNCE_DOMAIN", "b.example.com")).bounceDomain())
        .isEqualTo("b.example.com");
  }

  @Test
  void aBadBounceDomainIsNamed() {
    for (String bad : new String[] {"a@b.example", "nodot", "[192.0.2.1]", "-x.example"})
      assertThatThrownBy(() -> load(Map.of(ConfigKey.BOUNCE_DOMAIN, bad), Map.of()))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("--bounce-domain");
  }

  @Test
  void theSecretIsMadeOnceWithMode600AndReused() throws Exception {
    byte[] first = VerpSecret.load(tmp);
    Path file = tmp.resolve(VerpSecret.FILE_NAME);
    assertThat(first).hasSize(32);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(VerpSecret.load(tmp)).isEqualTo(first);
    Path other = Files.createDirectory(tmp.resolve("other"));
    assertThat(VerpSecret.load(other)).isNotEqualTo(first);
  }

  @Test
  void aDamagedSecretStopsStartUpWithAReason() throws Exception {
    Files.write(tmp.resolve(VerpSecret.FILE_NAME), new byte[7]);
    assertThatThrownBy(() -> VerpSecret.load(tmp))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("holds 7 octets, not 32");
  }
}
