package dev.petrel.peers;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code petrel serve} as a child process (the same classes the jar holds, on this test's class
 * path), for what only a separate process shows: SIGKILL, SIGTERM, a second start on the same data
 * folder. Its log goes to a file the test reads.
 */
public final class PetrelProcess implements AutoCloseable {

  private static final Pattern LISTENING =
      Pattern.compile("(smtps?) listening on [0-9a-f.:]+:(\\d+)");

  private final Process process;
  private final Path log;

  private PetrelProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Runs {@code petrel ARGS...} with the production logging configuration. */
  public static PetrelProcess launch(Path logFile, String... args) throws IOException {
    return launch(List.of("-Xmx256m"), logFile, args);
  }

  /**
   * Runs {@code petrel ARGS...} with the given JVM options (e.g. a heap limit) before the class.
   */
  public static PetrelProcess launch(List<String> jvmOptions, Path logFile, String... args)
      throws IOException {
    return launch(List.of(), jvmOptions, logFile, args);
  }

  /**
   * Runs {@code serve} as {@link #serve(Path, Path, String...)} does, under the given umask (a
   * shell sets it, then becomes the JVM).
   */
  public static PetrelProcess serveWithUmask(
      String umask, Path dataDir, Path logFile, String... extra) throws IOException {
    return serve(
        List.of("/bin/sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"),
        List.of("-Xmx256m"),
        true,
        dataDir,
        logFile,
        extra);
  }

  private static PetrelProcess launch(
      List<String> prefix, List<String> jvmOptions, Path logFile, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-Dlogback.configurationFile=" + productionLogConfig());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.petrel.app.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("PETREL_"));
    pb.redirectErrorStream(true);
    pb.redirectOutput(logFile.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return new PetrelProcess(pb.start(), logFile);
  }

  /**
   * Starts {@code serve} on free loopback ports with {@code dataDir} and waits until it listens.
   */
  public static PetrelProcess serve(Path dataDir, Path logFile, String... extra)
      throws IOException {
    return serve(List.of("-Xmx256m"), true, dataDir, logFile, extra);
  }

  /** As {@link #serve(Path, Path, String...)}, with the given JVM options (e.g. a heap limit). */
  public static PetrelProcess serve(
      List<String> jvmOptions, Path dataDir, Path logFile, String... extra) throws IOException {
    return serve(jvmOptions, true, dataDir, logFile, extra);
  }

  /**
   * Starts {@code serve} with delivery running (give it {@code --route}s to sinks) and the given
   * JVM options, and waits until it listens.
   */
  public static PetrelProcess serveDelivering(
      List<String> jvmOptions, Path dataDir, Path logFile, String... extra) throws IOException {
    return serve(jvmOptions, false, dataDir, logFile, extra);
  }

  private static PetrelProcess serve(
      List<String> jvmOptions, boolean paused, Path dataDir, Path logFile, String... extra)
      throws IOException {
    return serve(List.of(), jvmOptions, paused, dataDir, logFile, extra);
  }

  private static PetrelProcess serve(
      List<String> prefix,
      List<String> jvmOptions,
      boolean paused,
      Path dataDir,
      Path logFile,
      String... extra)
      throws IOException {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "serve",
            "--data-dir",
            dataDir.toString(),
            "--smtp-port",
            "0",
            "--http-port",
            "0",
            "--listen-address",
            "127.0.0.1",
            "--hostname",
            RunningPetrel.HOSTNAME,
            "--shutdown-timeout",
            "20s",
            // acceptance tests look at what was queued; delivery would move it on
            "--paused=" + paused));
    args.addAll(List.of(extra));
    PetrelProcess p = launch(prefix, jvmOptions, logFile, args.toArray(String[]::new));
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> p.port("smtp") > 0 || !p.process.isAlive());
    if (p.port("smtp") <= 0)
      throw new IllegalStateException("petrel serve did not start:\n" + p.log());
    return p;
  }

  private static String productionLogConfig() {
    try {
      // target/classes/logback.xml; the test class path also holds logback-test.xml, which would
      // win.
      return Path.of(PetrelProcess.class.getResource("/logback.xml").toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final Pattern HTTP = Pattern.compile("HTTP API listening on port (\\d+)");
  private static final Pattern KEY =
      Pattern.compile("its API key \\(shown only this once\\): (\\S+)");

  /** The HTTP API's port as the log reported it, or -1 before it did. */
  public int httpPort() {
    Matcher m = HTTP.matcher(log());
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** The API key a first start printed (standard output goes to the log file), or null. */
  public String firstKey() {
    Matcher m = KEY.matcher(log());
    return m.find() ? m.group(1) : null;
  }

  /** The port a listener reported in the log, or -1 before it did. */
  public int port(String listener) {
    Matcher m = LISTENING.matcher(log());
    while (m.find()) if (m.group(1).equals(listener)) return Integer.parseInt(m.group(2));
    return -1;
  }

  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook, no flush; the worst crash the process can have. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, as a service manager stops it. */
  public void terminate() {
    process.destroy();
  }

  public int waitFor(Duration guard) throws InterruptedException {
    if (!process.waitFor(guard.toMillis(), TimeUnit.MILLISECONDS))
      throw new AssertionError("petrel still running after " + guard + "\n" + log());
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) kill();
  }
}
