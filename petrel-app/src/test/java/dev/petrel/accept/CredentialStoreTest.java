package dev.petrel.accept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.Store;
import dev.petrel.queue.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {

  @TempDir Path dir;
  private final List<Store> opened = new ArrayList<>();

  /** The logins of the data folder's store, as one process (the server, a command) sees them. */
  private CredentialStore store() throws Exception {
    Store store =
        Stores.open(Stores.url(dir), SqliteStoreOptions.defaults(), InstantSource.system());
    opened.add(store);
    return new CredentialStore(store.logins(), 1000);
  }

  @AfterEach
  void close() {
    opened.forEach(Store::close);
  }

  private Connection database() throws Exception {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("petrel.db"));
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
  void theStoreHoldsOnlyASaltedHashReadableByTheOwner() throws Exception {
    CredentialStore s = store();
    String a = s.add("alice");
    String b = s.add("bob");
    StringBuilder rows = new StringBuilder();
    try (Connection c = database();
        ResultSet rs =
            c.createStatement().executeQuery("SELECT name, account, hash FROM smtp_logins")) {
      while (rs.next())
        rows.append(rs.getString(1) + "\t" + rs.getString(2) + "\t" + rs.getString(3) + "\n");
    }
    String text = rows.toString();
    assertThat(text).doesNotContain(a).doesNotContain(b);
    assertThat(text).contains("alice\tdefault\tpbkdf2-sha256$1000$");
    assertThat(dir.resolve("smtp-credentials")).doesNotExist();
    assertThat(Files.getPosixFilePermissions(dir.resolve("petrel.db")))
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
  void badUserNamesAreRefused() throws Exception {
    CredentialStore s = store();
    for (String bad : new String[] {"", "a b", "tab\tbed", "new\nline"})
      assertThatThrownBy(() -> s.add(bad)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDamagedHashLetsNobodyIn() throws Exception {
    CredentialStore s = store();
    String pw = s.add("alice");
    try (Connection c = database()) {
      c.createStatement().executeUpdate("UPDATE smtp_logins SET hash = 'pbkdf2-sha256$1000$'");
    }
    assertThat(store().authenticate("alice", pw)).isEmpty();
  }

  @Test
  void anOldLoginsFileIsImportedOnceAndKeptPrivateAsABackup() throws Exception {
    String aliceHash = CredentialStore.hash("alice-password", 1000);
    String bobHash = CredentialStore.hash("bob-password", 1000);
    Path file = dir.resolve("smtp-credentials");
    Files.writeString(
        file,
        "# Petrel SMTP logins: user, account, password hash\n"
            + "alice\tdefault\t"
            + aliceHash
            + "\nbob\tacme\t"
            + bobHash
            + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Store store =
        Stores.open(Stores.url(dir), SqliteStoreOptions.defaults(), InstantSource.system());
    opened.add(store);

    assertThat(CredentialStore.importFile(file, store.logins())).isEqualTo(2);
    Path kept = dir.resolve("smtp-credentials.imported");
    assertThat(file).doesNotExist();
    assertThat(Files.readString(kept)).contains(aliceHash).contains(bobHash);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)))
        .isEqualTo("rw-------");
    CredentialStore s = new CredentialStore(store.logins(), 1000);
    assertThat(s.authenticate("alice", "alice-password")).contains("default");
    assertThat(s.authenticate("bob", "bob-password")).contains("acme");
    assertThat(s.authenticate("bob", "alice-password")).isEmpty();
    assertThat(s.users()).containsExactly("alice", "bob");
    assertThat(s.users("acme")).containsExactly("bob");
    // once imported, there is nothing left to import
    assertThat(CredentialStore.importFile(file, store.logins())).isZero();
  }

  @Test
  void aDamagedLoginsFileIsNotImportedNorRenamed() throws Exception {
    Path file = dir.resolve("smtp-credentials");
    Files.writeString(file, "alice\tdefault\n");
    Store store =
        Stores.open(Stores.url(dir), SqliteStoreOptions.defaults(), InstantSource.system());
    opened.add(store);
    assertThatThrownBy(() -> CredentialStore.importFile(file, store.logins()))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("line 1: not a credentials line");
    assertThat(file).exists();
    assertThat(store.logins().logins(null)).isEmpty();
  }
}
