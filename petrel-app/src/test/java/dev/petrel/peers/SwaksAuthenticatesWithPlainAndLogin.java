package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.accept.CredentialStore;
import dev.petrel.app.ConfigKey;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.Store;
import dev.petrel.queue.Stores;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With no trusted networks, loopback clients are strangers: they must authenticate, and only after
 * STARTTLS. Logins come from the store, where {@code petrel credentials add} puts them.
 */
class SwaksAuthenticatesWithPlainAndLogin {

  @TempDir Path dir;
  private String password;

  @BeforeEach
  void login() throws Exception {
    // as petrel credentials add does before the server starts: in the data folder's store
    try (Store store =
        Stores.open(Stores.url(dir), SqliteStoreOptions.defaults(), InstantSource.system())) {
      password = new CredentialStore(store.logins()).add("app@example.com");
    }
  }

  private RunningPetrel petrel() throws Exception {
    return RunningPetrel.start(dir, Map.of(ConfigKey.TRUSTED_NETWORKS, ""));
  }

  @Test
  void plainAfterStartTlsIsAcceptedAndRecorded() throws Exception {
    try (RunningPetrel petrel = petrel()) {
      Swaks.Run run =
          Swaks.run(
              petrel.port(),
              "--tls",
              "--auth",
              "PLAIN",
              "--auth-user",
              "app@example.com",
              "--auth-password",
              password,
              "--from",
              "app@example.com",
              "--to",
              "bob@example.net");
      assertThat(run.replies())
          .as(run.transcript())
          .contains("235 2.7.0 Authentication successful");
      String id = run.queuedId();
      assertThat(id).as(run.transcript()).isNotNull();
      assertThat(petrel.find(id).orElseThrow().authUser()).isEqualTo("app@example.com");
    }
  }

  @Test
  void loginAfterStartTlsIsAccepted() throws Exception {
    try (RunningPetrel petrel = petrel()) {
      Swaks.Run run =
          Swaks.run(
              petrel.port(),
              "--tls",
              "--auth",
              "LOGIN",
              "--auth-user",
              "app@example.com",
              "--auth-password",
              password,
              "--from",
              "app@example.com",
              "--to",
              "bob@example.net");
      assertThat(run.replies())
          .as(run.transcript())
          .contains("235 2.7.0 Authentication successful");
      assertThat(run.queuedId()).as(run.transcript()).isNotNull();
    }
  }

  @Test
  void wrongPasswordGets535() throws Exception {
    try (RunningPetrel petrel = petrel()) {
      Swaks.Run run =
          Swaks.run(
              petrel.port(),
              "--tls",
              "--auth",
              "PLAIN",
              "--auth-user",
              "app@example.com",
              "--auth-password",
              password + "x",
              "--from",
              "app@example.com",
              "--to",
              "bob@example.net");
      assertThat(run.replies())
          .as(run.transcript())
          .contains("535 5.7.8 Authentication credentials invalid");
      assertThat(run.queuedId()).isNull();
    }
  }

  @Test
  void authIsNotOfferedBeforeTls() throws Exception {
    try (RunningPetrel petrel = petrel()) {
      Swaks.Run run =
          Swaks.run(
              petrel.port(),
              "--auth",
              "PLAIN",
              "--auth-user",
              "app@example.com",
              "--auth-password",
              password,
              "--from",
              "app@example.com",
              "--to",
              "bob@example.net");
      assertThat(run.replies()).as(run.transcript()).noneMatch(r -> r.contains("AUTH"));
      assertThat(run.result().exit()).isNotZero();
      assertThat(run.queuedId()).isNull();
    }
  }

  @Test
  void relayingWithoutAuthenticationGets554() throws Exception {
    try (RunningPetrel petrel = petrel()) {
      Swaks.Run run =
          Swaks.run(petrel.port(), "--tls", "--from", "app@example.com", "--to", "bob@example.net");
      assertThat(run.replies())
          .as(run.transcript())
          .anyMatch(r -> r.startsWith("530 5.7.0") || r.startsWith("554 5.7.1"));
      assertThat(run.queuedId()).isNull();
    }
  }
}
