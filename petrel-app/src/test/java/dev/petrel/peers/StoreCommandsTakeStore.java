package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.app.ConfigKey;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store commands work on a PostgreSQL store given with {@code --store}: {@code queue list}
 * shows what a server on that database queued (its data folder holds no queue), {@code suppressions
 * add} is seen by the server's store, and {@code backup} refuses {@code --store}.
 */
class StoreCommandsTakeStore {

  @TempDir Path dir;

  @Test
  void queueAndSuppressionsCommandsReadAndWriteThePostgresqlStore() throws Exception {
    try (PostgresCluster cluster = PostgresCluster.start()) {
      String url = cluster.createDatabase();
      try (RunningPetrel petrel =
          RunningPetrel.start(dir.resolve("node"), Map.of(ConfigKey.STORE, url))) {
        Swaks.Run run =
            Swaks.run(
                petrel.port(),
                "--from",
                "alice@example.com",
                "--to",
                "bob@example.net",
                "--header",
                "Subject: listed from postgresql");
        String id = run.queuedId();
        assertThat(id).as(run.transcript()).isNotNull();

        Exec.Result list =
            PetrelCli.run(
                "queue", "list", "--data-dir", dir.resolve("other").toString(), "--store", url);
        assertThat(list.exit()).as(list.all()).isZero();
        assertThat(list.out()).contains(id).contains("alice@example.com");

        Exec.Result folder =
            PetrelCli.run("queue", "list", "--data-dir", dir.resolve("node").toString());
        assertThat(folder.out()).as("the data folder holds no queue").doesNotContain(id);

        Exec.Result add =
            PetrelCli.run(
                "suppressions",
                "add",
                "carol@example.net",
                "--account",
                "default",
                "--store",
                url,
                "--data-dir",
                dir.resolve("other").toString());
        assertThat(add.exit()).as(add.all()).isZero();
        assertThat(petrel.store().findSuppression("default", "carol@example.net")).isPresent();

        Exec.Result backup =
            PetrelCli.run("backup", dir.resolve("copy").toString(), "--store", url);
        assertThat(backup.exit()).as(backup.all()).isEqualTo(2);
        assertThat(backup.err()).contains("--store does not apply").doesNotContain("password=");
      }
    }
  }
}
