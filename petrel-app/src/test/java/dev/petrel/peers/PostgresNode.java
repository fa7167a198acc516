package dev.petrel.peers;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code petrel serve} process on a shared PostgreSQL store, with its own data folder and node
 * name, on free loopback ports, delivering (its routes lead to test sinks), waited for until both
 * its SMTP and HTTP listeners answer.
 */
final class PostgresNode {

  private PostgresNode() {}

  /** Starts node {@code name} on {@code url} with {@code extra} options after the defaults. */
  static PetrelProcess start(Path dir, String name, String url, String... extra)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "serve",
                "--data-dir",
                dir.resolve(name).toString(),
                "--store",
                url,
                "--node-name",
                name,
                "--smtp-port",
                "0",
                "--http-port",
                "0",
                "--listen-address",
                "127.0.0.1",
                "--hostname",
                RunningPetrel.HOSTNAME,
                "--shutdown-timeout",
                "5s",
                "--allow-any-sender=true",
                "--paused=false"));
    args.addAll(List.of(extra));
    PetrelProcess p = PetrelProcess.launch(dir.resolve(name + ".log"), args.toArray(String[]::new));
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> (p.port("smtp") > 0 && p.httpPort() > 0) || !p.process().isAlive());
    if (p.port("smtp") <= 0 || p.httpPort() <= 0) {
      String log = p.log();
      try {
        p.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("petrel serve " + name + " did not start:\n" + log);
    }
    return p;
  }
}
