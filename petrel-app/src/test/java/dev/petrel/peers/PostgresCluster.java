package dev.petrel.peers;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A private PostgreSQL cluster for tests: {@code initdb} into a temporary folder, the server on a
 * free loopback port (and its socket in that folder), password logins over TCP; {@link #close()}
 * stops it and removes the folder. Uses Debian's binaries from {@code /usr/lib/postgresql/N/bin}
 * (the newest installed). The server refuses to run as root, so when the tests run as root (as in
 * CI) every program runs as the {@code postgres} user, which then owns the folder.
 *
 * <p>Missing binaries skip the test, except under {@code PETREL_REQUIRE_PEERS=1}: there they fail.
 */
public final class PostgresCluster implements AutoCloseable {

  /** The superuser's password, and that of each database's owner (loopback only). */
  private static final String PASSWORD = "petrel-test";

  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asPostgres;
  private final AtomicInteger databases = new AtomicInteger();
  private boolean stopped;

  private PostgresCluster(Path bin, Path dir, int port, boolean asPostgres) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asPostgres = asPostgres;
  }

  /** Where Debian installs PostgreSQL's server programs, newest version first; null if none. */
  static Path binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) return null;
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
          .max(
              Comparator.comparingInt(
                  b -> {
                    try {
                      return Integer.parseInt(b.getParent().getFileName().toString());
                    } catch (NumberFormatException e) {
                      return 0;
                    }
                  }))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  /** Creates and starts a cluster; skips (or fails) the test when PostgreSQL is not installed. */
  public static PostgresCluster start() throws IOException, InterruptedException {
    Path bin = binaries();
    if (bin == null) {
      String why = "PostgreSQL's server is not installed (Debian: package postgresql)";
      if (Peers.required()) fail(why + ", and PETREL_REQUIRE_PEERS=1");
      Assumptions.abort(why + "; skipping");
    }
    boolean root = Peers.root();
    Path dir = Files.createTempDirectory("petrel-pg-");
    PostgresCluster cluster = new PostgresCluster(bin, dir, freePort(), root);
    try {
      cluster.init();
      cluster.startServer();
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void init() throws IOException, InterruptedException {
    Path pw = dir.resolve("pwfile");
    Files.writeString(pw, PASSWORD + "\n", StandardCharsets.UTF_8);
    if (asPostgres) {
      UserPrincipal postgres =
          dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(dir, postgres);
      Files.setOwner(pw, postgres);
    }
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data().toString(),
            "-U",
            "postgres",
            "--pwfile=" + pw,
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8"),
        120);
  }

  private void startServer() throws IOException, InterruptedException {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "start",
            "-w",
            "-t",
            "120",
            "-D",
            data().toString(),
            "-l",
            dir.resolve("server.log").toString(),
            "-o",
            "-c listen_addresses=127.0.0.1 -p "
                + port
                + " -k "
                + dir
                + " -c max_connections=200 -c fsync=on"),
        180);
  }

  private Path data() {
    return dir.resolve("data");
  }

  /** The port the server listens on (127.0.0.1). */
  public int port() {
    return port;
  }

  /**
   * Creates a new empty database owned by a new login role, and returns the store URL of it ({@code
   * postgresql://127.0.0.1:PORT/NAME?user=NAME&password=...}).
   */
  public String createDatabase() throws SQLException {
    String name = "petrel_" + databases.incrementAndGet();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + PASSWORD + "'");
      s.execute("CREATE DATABASE " + name + " OWNER " + name);
    }
    return "postgresql://127.0.0.1:"
        + port
        + "/"
        + name
        + "?user="
        + name
        + "&password="
        + PASSWORD;
  }

  /** A superuser connection to a database of this cluster (for tests that look inside). */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", PASSWORD);
  }

  /**
   * Stops the server as an operator's {@code pg_ctl stop -m fast} does: open sessions are ended at
   * once (their transactions rolled back), the data stays. {@link #startAgain()} brings it back.
   */
  public void stopFast() throws IOException, InterruptedException {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "stop",
            "-w",
            "-t",
            "120",
            "-m",
            "fast",
            "-D",
            data().toString()),
        180);
  }

  /** Starts the server again after {@link #stopFast()}, on the same port and data. */
  public void startAgain() throws IOException, InterruptedException {
    startServer();
  }

  /** The server's log so far (for a failing test's message). */
  public String log() {
    try {
      return Files.readString(dir.resolve("server.log"));
    } catch (IOException e) {
      return "(no server log: " + e.getMessage() + ")";
    }
  }

  /** Stops the server at once and removes the folder. */
  @Override
  public void close() {
    if (stopped) return;
    stopped = true;
    try {
      if (Files.exists(data().resolve("postmaster.pid")))
        run(
            List.of(
                bin.resolve("pg_ctl").toString(),
                "stop",
                "-w",
                "-m",
                "immediate",
                "-D",
                data().toString()),
            60);
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      // removing the folder anyway
    } finally {
      deleteTree(dir);
    }
  }

  private void run(List<String> command, int seconds) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgres) full.addAll(List.of("runuser", "-u", "postgres", "--"));
    full.addAll(command);
    Path out = Files.createTempFile("petrel-pg-run-", ".log");
    try {
      Process p =
          new ProcessBuilder(full)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", full) + " did not finish in " + seconds + " s");
      }
      if (p.exitValue() != 0)
        throw new IOException(
            String.join(" ", full)
                + " exited with "
                + p.exitValue()
                + ":\n"
                + Files.readString(out)
                + "\n"
                + log());
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) return;
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort
                }
              });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
