package dev.petrel.peers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The test resource {@code /peers/mail_load.py} in the background: Python's smtplib and curl send
 * tagged messages to one or more nodes (SMTP and API ports taken in turn) until {@link #stop} or
 * until each client has sent its share, and every answer is a line of its output file. Only "data
 * 250" (SMTP) and "post 202" (API) count as accepted.
 */
final class MixedLoad implements AutoCloseable {

  /** One answer a client got. */
  record Answer(String tag, String channel, String port, String phase, String code, String rest) {
    boolean accepted() {
      return (channel.equals("smtp") && phase.equals("data") && code.equals("250"))
          || (channel.equals("api") && code.equals("202"));
    }

    /**
     * A refusal that tells the client not to try again, or a server failure: 5xx over SMTP, and
     * over HTTP any 5xx but 503 (the API's "try again shortly", with Retry-After).
     */
    boolean permanent() {
      return code.startsWith("5") && !(channel.equals("api") && code.equals("503"));
    }

    /** A temporary refusal: 4xx over SMTP; 4xx or 503 over HTTP. */
    boolean temporary() {
      return code.startsWith("4") || (channel.equals("api") && code.equals("503"));
    }
  }

  private final Process process;
  private final Path out;
  private final Path stop;
  private final Path log;

  private MixedLoad(Process process, Path out, Path stop, Path log) {
    this.process = process;
    this.out = out;
    this.stop = stop;
    this.log = log;
  }

  /**
   * Starts the clients.
   *
   * @param smtpPorts SMTP ports of the nodes (may be empty)
   * @param httpPorts HTTP ports of the nodes (may be empty)
   * @param limit messages per client at most
   */
  static MixedLoad start(
      Path dir,
      String prefix,
      List<Integer> smtpPorts,
      List<Integer> httpPorts,
      String apiKey,
      String domain,
      int smtpClients,
      int apiClients,
      int limit)
      throws IOException {
    Peers.require("curl");
    Path script = dir.resolve("mail_load.py");
    if (!Files.exists(script))
      try (InputStream in = MixedLoad.class.getResourceAsStream("/peers/mail_load.py")) {
        Files.write(script, in.readAllBytes());
      }
    Path out = dir.resolve(prefix + ".answers");
    Path stop = dir.resolve(prefix + ".stop");
    Path log = dir.resolve(prefix + ".log");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Peers.require("python3"),
                script.toString(),
                out.toString(),
                stop.toString(),
                join(smtpPorts),
                join(httpPorts),
                apiKey == null ? "-" : apiKey,
                domain,
                prefix,
                Integer.toString(smtpClients),
                Integer.toString(apiClients),
                Integer.toString(limit)));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new MixedLoad(p, out, stop, log);
  }

  private static String join(List<Integer> ports) {
    return ports.isEmpty()
        ? "-"
        : ports.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  /** Every answer so far. */
  List<Answer> answers() throws IOException {
    if (!Files.exists(out)) return List.of();
    List<Answer> all = new ArrayList<>();
    for (String line : Files.readAllLines(out)) {
      String[] f = line.split(" ", 6);
      if (f.length < 5 || f[1].equals("done")) continue;
      all.add(new Answer(f[0], f[1], f[2], f[3], f[4], f.length > 5 ? f[5] : ""));
    }
    return all;
  }

  /** Tags of the messages accepted so far. */
  Set<String> accepted() throws IOException {
    Set<String> tags = new LinkedHashSet<>();
    for (Answer a : answers()) if (a.accepted()) tags.add(a.tag());
    return tags;
  }

  long count(java.util.function.Predicate<Answer> which) throws IOException {
    return answers().stream().filter(which).count();
  }

  boolean running() {
    return process.isAlive();
  }

  /** The script's own output (a Python traceback, if it failed). */
  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  /** Asks the clients to stop after their current message and waits for them. */
  void stop(Duration guard) throws IOException, InterruptedException {
    Files.writeString(stop, "stop");
    if (!process.waitFor(guard.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the load clients did not stop within " + guard + ":\n" + log());
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (!Files.exists(stop)) Files.writeString(stop, "stop");
    if (!process.waitFor(90, TimeUnit.SECONDS)) process.destroyForcibly();
  }
}
