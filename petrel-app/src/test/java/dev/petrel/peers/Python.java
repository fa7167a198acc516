package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs a Python 3 script (given as text) with arguments, or a server script of the tests. */
final class Python {

  private Python() {}

  /**
   * A server script running in the background on the port it chose; {@code output} is the file its
   * standard output and error go to.
   */
  record Server(Process process, int port, Path output) implements AutoCloseable {
    /** What the script printed so far (a request log, say). */
    String printed() throws IOException {
      return Files.exists(output) ? Files.readString(output) : "";
    }

    @Override
    public void close() {
      process.destroy();
    }
  }

  /**
   * Starts the test resource {@code resource} (e.g. {@code /peers/webhook_receiver.py}) with a port
   * file as its first argument, then {@code args}; waits until the script wrote its port there.
   */
  static Server serve(Path dir, String resource, String... args) throws IOException {
    Path script = dir.resolve(Path.of(resource).getFileName().toString());
    try (InputStream in = Python.class.getResourceAsStream(resource)) {
      Files.write(script, in.readAllBytes());
    }
    Path portFile = dir.resolve(script.getFileName() + ".port");
    Path out = dir.resolve(script.getFileName() + ".out");
    List<String> cmd = new ArrayList<>(List.of(Peers.require("python3"), script.toString()));
    cmd.add(portFile.toString());
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                (Files.exists(portFile) && !Files.readString(portFile).isBlank()) || !p.isAlive());
    assertThat(p.isAlive()).as(Files.readString(out)).isTrue();
    return new Server(p, Integer.parseInt(Files.readString(portFile).trim()), out);
  }

  static Exec.Result run(String script, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Peers.require("python3"));
    cmd.add("-c");
    cmd.add(script);
    cmd.addAll(List.of(args));
    return Exec.run(Duration.ofSeconds(120), cmd);
  }
}
