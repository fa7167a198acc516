package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.accept.CredentialStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.Store;
import dev.petrel.queue.Stores;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CredentialsCommandTest {

  @TempDir Path dir;

  record Result(int status, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int status = cl.execute(args);
    return new Result(status, out.toString(), err.toString());
  }

  @Test
  void addPrintsAPasswordOnceThatThenAuthenticates() throws Exception {
    Result r = run("credentials", "add", "--data-dir", dir.toString(), "app@example.com");
    assertThat(r.status()).isZero();
    Matcher m = Pattern.compile("password: (\\S+)").matcher(r.out());
    assertThat(m.find()).isTrue();
    String password = m.group(1);
    assertThat(dir.resolve("smtp-credentials")).doesNotExist();
    try (Store store =
        Stores.open(Stores.url(dir), SqliteStoreOptions.existingFolder(), InstantSource.system())) {
      assertThat(store.logins().login("app@example.com").orElseThrow().hash())
          .startsWith("pbkdf2-sha256$")
          .doesNotContain(password);
      assertThat(new CredentialStore(store.logins()).authenticate("app@example.com", password))
          .contains("default");
    }

    Result again = run("credentials", "add", "--data-dir", dir.toString(), "app@example.com");
    assertThat(again.status()).isEqualTo(1);
    assertThat(again.err()).contains("already exists");

    Result list = run("credentials", "list", "--data-dir", dir.toString());
    assertThat(list.out()).isEqualTo("app@example.com\n");

    assertThat(
            run("credentials", "remove", "--data-dir", dir.toString(), "app@example.com").status())
        .isZero();
    Result gone = run("credentials", "remove", "--data-dir", dir.toString(), "app@example.com");
    assertThat(gone.status()).isEqualTo(1);
    assertThat(gone.err()).contains("no login named 'app@example.com'");
  }

  @Test
  void listImportsTheLoginsOfAnOldDataFolderFirst() throws Exception {
    Path file = dir.resolve("smtp-credentials");
    Files.writeString(
        file,
        "# Petrel SMTP logins: user, account, password hash\n"
            + "old@example.com\tacme\tpbkdf2-sha256$1000$c2FsdA$aGFzaA\n");
    Result list = run("credentials", "list", "--data-dir", dir.toString());
    assertThat(list.status()).as(list.err()).isZero();
    assertThat(list.out()).isEqualTo("old@example.com\n");
    assertThat(file).doesNotExist();
    assertThat(dir.resolve("smtp-credentials.imported")).exists();

    Files.writeString(file, "not a login line\n");
    Result bad = run("credentials", "list", "--data-dir", dir.toString());
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err()).contains("line 1: not a credentials line");
  }

  @Test
  void badUserNameIsAUsageError() {
    Result r = run("credentials", "add", "--data-dir", dir.toString(), "two words");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("white space");
  }

  @Test
  void unknownOptionIsAUsageError() {
    Result r = run("credentials", "add", "--data-dri", dir.toString(), "x");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("--data-dri");
  }
}
