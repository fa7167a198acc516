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

  private static dev.petrel.queue.Store open(Path dir) throws Exception {
    return dev.petrel.queue.Stores.open(
        dev.petrel.queue.Stores.url(dir),
        dev.petrel.queue.SqliteStoreOptions.defaults(),
        java.time.InstantSource.system());
  }

  @Test
  void theSecretIsMadeOnceInTheStoreAndReused() throws Exception {
    Path other = Files.createDirectory(tmp.resolve("other"));
    try (var store = open(tmp);
        var again = open(tmp);
        var elsewhere = open(other)) {
      byte[] first = VerpSecret.load(tmp, store.secrets());
      assertThat(first).hasSize(32);
      assertThat(tmp.resolve(VerpSecret.FILE_NAME)).doesNotExist();
      assertThat(store.secrets().secret(VerpSecret.NAME)).hasValue(first);
      // a second process (or node) on the same store gets the same secret
      assertThat(VerpSecret.load(tmp, again.secrets())).isEqualTo(first);
      assertThat(VerpSecret.load(other, elsewhere.secrets())).isNotEqualTo(first);
    }
  }

  @Test
  void anOldSecretFileIsImportedAndKeptPrivateAsABackup() throws Exception {
    byte[] old = new byte[32];
    new java.security.SecureRandom().nextBytes(old);
    Path file = tmp.resolve(VerpSecret.FILE_NAME);
    Files.write(file, old);
    try (var store = open(tmp)) {
      assertThat(VerpSecret.load(tmp, store.secrets())).isEqualTo(old);
      Path kept = tmp.resolve(VerpSecret.IMPORTED_NAME);
      assertThat(file).doesNotExist();
      assertThat(Files.readAllBytes(kept)).isEqualTo(old);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)))
          .isEqualTo("rw-------");
      assertThat(VerpSecret.load(tmp, store.secrets())).isEqualTo(old);
    }
  }

  @Test
  void aSecretTheStoreHoldsAlreadyWinsOverAnOldFile() throws Exception {
    try (var store = open(tmp)) {
      byte[] shared = VerpSecret.load(tmp, store.secrets()); // another node made it first
      byte[] stale = new byte[32];
      java.util.Arrays.fill(stale, (byte) 1);
      Files.write(tmp.resolve(VerpSecret.FILE_NAME), stale);
      assertThat(VerpSecret.load(tmp, store.secrets())).isEqualTo(shared);
      assertThat(tmp.resolve(VerpSecret.FILE_NAME)).doesNotExist();
      assertThat(Files.readAllBytes(tmp.resolve(VerpSecret.IMPORTED_NAME))).isEqualTo(stale);
    }
  }

  @Test
  void aDamagedSecretStopsStartUpWithAReason() throws Exception {
    Files.write(tmp.resolve(VerpSecret.FILE_NAME), new byte[7]);
    try (var store = open(tmp)) {
      assertThatThrownBy(() -> VerpSecret.load(tmp, store.secrets()))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("holds 7 octets, not 32");
      assertThat(store.secrets().secret(VerpSecret.NAME)).isEmpty();
    }
  }
}
