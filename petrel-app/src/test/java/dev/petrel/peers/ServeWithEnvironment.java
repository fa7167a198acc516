package dev.petrel.peers;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code petrel serve} as a child process with chosen {@code PETREL_*} environment variables (the
 * ones an operator sets for logging), standard output and standard error kept apart, on a free HTTP
 * port chosen up front (the log may be too quiet to report it).
 */
final class ServeWithEnvironment implements AutoCloseable {

  final Process process;
  final Path out;
  final Path err;
  final int httpPort;

  private ServeWithEnvironment(Process process, Path out, Path err, int httpPort) {
    this.process = process;
    this.out = out;
    this.err = err;
    this.httpPort = httpPort;
  }

  static ServeWithEnvironment start(Path dir, Map<String, String> env, String... extra)
      throws IOException {
    int http;
    try (ServerSocket s = new ServerSocket(0)) {
      http = s.getLocalPort();
    }
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx256m", "--enable-native-access=ALL-UNNAMED"));
    cmd.add("-Dlogback.configurationFile=" + productionLogConfig());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.petrel.app.Main"));
    cmd.addAll(
        List.of(
            "serve",
            "--data-dir",
            dir.resolve("data").toString(),
            "--smtp-port",
            "0",
            "--http-port",
            String.valueOf(http),
            "--listen-address",
            "127.0.0.1"));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("PETREL_"));
    pb.environment().putAll(env);
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return new ServeWithEnvironment(pb.start(), out, err, http);
  }

  String stdout() throws IOException {
    return Files.readString(out);
  }

  String stderr() throws IOException {
    return Files.readString(err);
  }

  private static String productionLogConfig() {
    try {
      return Path.of(ServeWithEnvironment.class.getResource("/logback.xml").toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
