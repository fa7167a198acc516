package dev.petrel.accept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {

  @TempDir Path dir;

  private CredentialStore store() {
    return new CredentialStore(dir.resolve("smtp-credentials"), 1000);
  }

  @Test
  void addedLoginAuthenticatesWithItsGeneratedPasswordOnly() throws Exception {
    CredentialStore s = store();
    String pw = s.add("app@example.com");
    assertThat(pw).hasSize(24).matches("[A-Za-z0-9_-]+");
    assertThat(s.authenticate("app@example.com", pw)).contains("default");
    assertThat(s.authenticate("app@example.com", pw)).contains("default"); // cached path
    assertThat(s.authenticate("app@example.com", pw + "x")).isEmpty();
    assertThat(s.authenticate("app@example.com", "")).isEmpty();
    assertThat(s.authenticate("other", pw)).isEmpty();
    assertThat(s.users()).containsExactly("app@example.com");
  }

  @Test
  void fileHoldsOnlyASaltedHashReadableByTheOwner() throws Exception {
    CredentialStore s = store();
    String a = s.add("alice");
    String b = s.add("bob");
    Path f = dir.resolve("smtp-credentials");
    String text = Files.readString(f);
    assertThat(text).doesNotContain(a).doesNotContain(b);
    assertThat(text).contains("alice\tdefault\tpbkdf2-sha256$1000$");
    assertThat(Files.getPosixFilePermissions(f))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(CredentialStore.verify(a, CredentialStore.hash(a, 10))).isTrue();
    assertThat(CredentialStore.hash(a, 10)).isNotEqualTo(CredentialStore.hash(a, 10));
  }

  @Test
  void generatedPasswordsNeverStartWithADashOrUnderscore() throws Exception {
    // 1 in 32 URL-safe Base64 strings starts with '-'; 200 logins would show one almost surely.
    CredentialStore s = store();
    for (int i = 0; i < 200; i++) {
      assertThat(s.add("user" + i)).matches("[A-Za-z0-9][A-Za-z0-9_-]{23}");
    }
  }

  @Test
  void defaultIterationCountIsHigh() {
    assertThat(CredentialStore.DEFAULT_ITERATIONS).isGreaterThanOrEqualTo(600_000);
  }

  @Test
  void duplicateLoginIsRefusedAndKeepsTheOldPassword() throws Exception {
    CredentialStore s = store();
    String pw = s.add("alice");
    assertThatThrownBy(() -> s.add("alice"))
        .isInstanceOf(CredentialStore.UserExistsException.class);
    assertThat(s.authenticate("alice", pw)).isPresent();
  }

  @Test
  void aRunningReaderSeesLoginsAddedAndRemovedByAnotherWriter() throws Exception {
    CredentialStore server = store();
    assertThat(server.authenticate("alice", "x")).isEmpty();
    CredentialStore cli = store();
    String pw = cli.add("alice");
    assertThat(server.authenticate("alice", pw)).contains("default");
    assertThat(cli.remove("alice")).isTrue();
    assertThat(cli.remove("alice")).isFalse();
    assertThat(server.authenticate("alice", pw)).isEmpty();
  }

  @Test
  void badUserNamesAreRefused() {
    CredentialStore s = store();
    for (String bad : new String[] {"", "a b", "tab\tbed", "new\nline"})
      assertThatThrownBy(() -> s.add(bad)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void corruptFileLetsNobodyIn() throws Exception {
    CredentialStore s = store();
    String pw = s.add("alice");
    Files.writeString(dir.resolve("smtp-credentials"), "alice\tdefault\n");
    assertThat(store().authenticate("alice", pw)).isEmpty();
  }
}
