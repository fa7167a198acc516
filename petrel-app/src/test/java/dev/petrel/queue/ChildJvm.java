package dev.petrel.queue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A second JVM on the test classpath, running a test main class: for what only another process can
 * show (a SIGKILL mid-write, a lock held by another pid). Its standard output is collected; only
 * complete lines count, since a killed process may leave half a line.
 */
final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Thread reader;

  private ChildJvm(Process process) {
    this.process = process;
    this.reader =
        Thread.ofPlatform()
            .daemon(true)
            .start(
                () -> {
                  byte[] buf = new byte[8192];
                  try (InputStream in = process.getInputStream()) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                      synchronized (out) {
                        out.write(buf, 0, n);
                      }
                    }
                  } catch (IOException ignored) {
                    // the process is gone
                  }
                });
  }

  static ChildJvm start(Class<?> main, Path stderr, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectError(ProcessBuilder.Redirect.to(stderr.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    return new ChildJvm(pb.start());
  }

  Process process() {
    return process;
  }

  /** Complete output lines so far that start with {@code prefix}, without the prefix. */
  List<String> lines(String prefix) {
    String text;
    synchronized (out) {
      text = out.toString(StandardCharsets.UTF_8);
    }
    List<String> found = new ArrayList<>();
    int start = 0;
    int nl;
    while ((nl = text.indexOf('\n', start)) >= 0) {
      String line = text.substring(start, nl);
      if (line.startsWith(prefix)) found.add(line.substring(prefix.length()));
      start = nl + 1;
    }
    return found;
  }

  /** SIGKILL, then wait for the process and its output to end. */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    int rc = process.waitFor();
    reader.join();
    return rc;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) kill();
  }
}
