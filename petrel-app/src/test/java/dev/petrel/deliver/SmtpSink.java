package dev.petrel.deliver;

import dev.petrel.peers.Peers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Postfix's {@code smtp-sink} on a free loopback port, with its conversation logged ({@code -v})
 * and each message dumped to a file ({@code -d}); or, for load, silent ({@link #startSilent}).
 * Public for the peer tests in {@code dev.petrel.peers}.
 */
public final class SmtpSink implements AutoCloseable {

  public final int port;
  private final Process process;
  private final Path out;
  private final Path dumps;

  private SmtpSink(int port, Process process, Path out, Path dumps) {
    this.port = port;
    this.process = process;
    this.out = out;
    this.dumps = dumps;
  }

  /** Starts smtp-sink with extra options (e.g. {@code -f RCPT}). */
  public static SmtpSink start(Path dir, String... options) throws Exception {
    return start(dir, true, options);
  }

  /**
   * Starts smtp-sink without a conversation log or dumps, for loads of many thousand messages
   * (nothing is written per message; {@link #messages()} is then empty).
   */
  public static SmtpSink startSilent(Path dir, String... options) throws Exception {
    return start(dir, false, options);
  }

  private static SmtpSink start(Path dir, boolean record, String... options) throws Exception {
    String binary = Peers.require("smtp-sink", "postfix");
    int port = Dnsmasq.freePort();
    Path dumps = Files.createDirectories(dir.resolve("dumps-" + port));
    // smtp-sink run by root drops to nobody, who must be able to write the dumps.
    Files.setPosixFilePermissions(dumps, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    List<String> cmd = new ArrayList<>(List.of(binary));
    if (record) cmd.add("-v");
    if (Peers.root()) cmd.addAll(List.of("-u", "nobody"));
    if (record) cmd.addAll(List.of("-d", dumps + "/%H%M%S."));
    cmd.addAll(List.of(options));
    cmd.add("127.0.0.1:" + port);
    cmd.add(record ? "50" : "256");
    Path out = dir.resolve("smtp-sink-" + port + ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    SmtpSink s = new SmtpSink(port, p, out, dumps);
    s.awaitListening();
    return s;
  }

  private void awaitListening() throws Exception {
    Instant deadline = Instant.now().plusSeconds(20);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive())
        throw new IllegalStateException("smtp-sink exited: " + Files.readString(out));
      if (canConnect()) return;
      Thread.sleep(50);
    }
    throw new IllegalStateException("smtp-sink did not listen on port " + port);
  }

  private boolean canConnect() {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      probes++;
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private int probes;

  /** SMTP connections seen, without the readiness probe. */
  public int connections() throws IOException {
    try (Stream<String> lines = Files.lines(out)) {
      return (int) lines.filter(l -> l.contains(": connect ")).count() - probes;
    }
  }

  /** The commands smtp-sink saw, in order. */
  public List<String> commands() throws IOException {
    try (Stream<String> lines = Files.lines(out)) {
      return lines
          // Lines read "/usr/sbin/smtp-sink: COMMAND" (the program name as started).
          .filter(l -> l.contains("smtp-sink: "))
          .map(l -> l.substring(l.indexOf("smtp-sink: ") + "smtp-sink: ".length()))
          .filter(l -> l.matches("(?i)(EHLO|HELO|MAIL|RCPT|DATA|RSET|QUIT|BDAT|STARTTLS|\\.).*"))
          .toList();
    }
  }

  /** How many dump files there are (cheap; may include a transaction still in progress). */
  public int dumped() throws IOException {
    try (Stream<Path> files = Files.list(dumps)) {
      return (int) files.count();
    }
  }

  /**
   * The dumped messages' text. smtp-sink keeps a capture file open for each transaction in progress
   * (smtp-sink(1), -d); a transaction refused before DATA can leave that file behind empty (seen in
   * CI), and an empty file holds no message. A capture file can also vanish while the folder is
   * read (smtp-sink removes it when the transaction ends without a message); it is skipped.
   */
  public List<String> messages() throws IOException {
    try (Stream<Path> files = Files.list(dumps)) {
      List<String> out = new ArrayList<>();
      for (Path p : files.sorted().toList()) {
        String text;
        try {
          text = Files.readString(p);
        } catch (java.nio.file.NoSuchFileException gone) {
          continue;
        }
        if (!text.isEmpty()) out.add(text);
      }
      return out;
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
  }
}
