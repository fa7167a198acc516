package dev.petrel.peers;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A private Postfix instance for one test: its own configuration folder ({@code postfix -c DIR}),
 * queue and data folders under the test's temporary folder, smtpd on a free loopback port, no
 * chroot, its log in a file. Nothing is shared with a system Postfix, so tests may run side by
 * side.
 *
 * <p>Configure with {@link #set} and {@link #file} before {@link #start}; {@link #close} stops the
 * master and kills any process of the instance still alive, also after a failed test.
 */
public final class PostfixInstance implements AutoCloseable {

  private static final Duration GUARD = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home;
  private final Path conf;
  private final Path queue;
  private final String address;
  private final int port;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private final List<ProcessHandle> started = new ArrayList<>();
  private boolean running;

  private PostfixInstance(Path home, String address, int port) {
    this.home = home;
    this.address = address;
    this.conf = home.resolve("conf");
    this.queue = home.resolve("queue");
    this.port = port;
  }

  /**
   * An instance named {@code name} under {@code parent}, not yet started, whose smtpd will call
   * itself {@code hostname}. Skips the test (or fails it under PETREL_REQUIRE_PEERS=1) when Postfix
   * is missing or the test does not run as root (Postfix's master switches users).
   */
  public static PostfixInstance configure(Path parent, String name, String hostname)
      throws IOException {
    return configure(parent, name, hostname, "127.0.0.1", freePort());
  }

  /**
   * As {@link #configure(Path, String, String)}, with smtpd on {@code address:port} (a loopback
   * address; port 25 for tests that route through MX records, which always use port 25).
   */
  public static PostfixInstance configure(
      Path parent, String name, String hostname, String address, int port) throws IOException {
    Peers.require("postfix");
    Peers.require("postqueue");
    if (!"root".equals(System.getProperty("user.name"))) {
      String why = "a private Postfix instance needs root";
      if (Peers.required()) fail(why + ", and PETREL_REQUIRE_PEERS=1");
      Assumptions.abort(why + "; skipping");
    }
    // Postfix's daemons run as the postfix user and must reach their folders: the test's
    // temporary folder is private to root by default.
    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path home = Files.createDirectories(parent.resolve(name));
    PostfixInstance p = new PostfixInstance(home, address, port);
    Files.createDirectories(p.conf);
    Files.createDirectories(p.queue);
    Path data = Files.createDirectories(home.resolve("data"));
    Files.setOwner(
        data,
        data.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postfix"));
    p.set("compatibility_level", "3.6");
    p.set("queue_directory", p.queue.toString());
    p.set("data_directory", data.toString());
    p.set("mail_owner", "postfix");
    p.set("setgid_group", "postdrop");
    p.set("myhostname", hostname);
    p.set("mydestination", "");
    // Postfix takes only addresses an interface carries; the smtpd address is set in master.cf.
    p.set("inet_interfaces", "127.0.0.1");
    p.set("inet_protocols", "ipv4");
    p.set("mynetworks", "127.0.0.0/8");
    p.set("smtpd_peername_lookup", "no");
    p.set("alias_maps", "");
    p.set("alias_database", "");
    p.set("biff", "no");
    p.set("maillog_file", home.resolve("maillog").toString());
    p.set("maillog_file_prefixes", home.toString());
    return p;
  }

  /** Sets a main.cf parameter (before {@link #start}). */
  public PostfixInstance set(String parameter, String value) {
    settings.put(parameter, value);
    return this;
  }

  /** Writes a file into the configuration folder (a lookup table, say) and returns its path. */
  public Path file(String name, String text) throws IOException {
    return Files.writeString(conf.resolve(name), text, StandardCharsets.UTF_8);
  }

  /** Writes main.cf and master.cf, starts the master and waits until smtpd answers. */
  public PostfixInstance start() throws IOException, InterruptedException {
    StringBuilder main = new StringBuilder();
    settings.forEach((k, v) -> main.append(k).append(" = ").append(v).append('\n'));
    Files.writeString(conf.resolve("main.cf"), main);
    Files.writeString(conf.resolve("master.cf"), masterCf());
    running = true;
    Exec.Result r =
        Exec.run(GUARD, List.of(Peers.require("postfix"), "-c", conf.toString(), "start"));
    if (r.exit() != 0)
      throw new IllegalStateException("postfix did not start:\n" + r.all() + log());
    masterPid().flatMap(ProcessHandle::of).ifPresent(started::add);
    Instant deadline = Instant.now().plus(GUARD);
    while (!answers()) {
      if (Instant.now().isAfter(deadline))
        throw new IllegalStateException("postfix smtpd not listening on " + port + "\n" + log());
      Thread.sleep(50);
    }
    return this;
  }

  /**
   * The distribution's services without chroot (the private queue holds no copy of /etc), and smtpd
   * on this instance's port instead of 25.
   */
  private String masterCf() throws IOException {
    StringBuilder out = new StringBuilder();
    for (String line : Files.readAllLines(Path.of("/usr/share/postfix/master.cf.dist"))) {
      String[] f = line.split("\\s+");
      boolean service = !line.startsWith("#") && !line.startsWith(" ") && f.length >= 8;
      if (service) {
        if (f[0].equals("smtp") && f[1].equals("inet")) f[0] = address + ":" + port;
        f[4] = "n";
        out.append(String.join(" ", f)).append('\n');
      } else {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  private boolean answers() {
    try (Socket s = new Socket(InetAddress.getByName(address), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public int port() {
    return port;
  }

  public Path configDir() {
    return conf;
  }

  /** A message in the instance's queue, as {@code postqueue -j} lists it. */
  public record Queued(String queueName, String queueId, String sender, List<String> recipients) {}

  /** Every message in the queue ({@code postqueue -c DIR -j}). */
  public List<Queued> queue() {
    Exec.Result r =
        Exec.run(GUARD, List.of(Peers.require("postqueue"), "-c", conf.toString(), "-j"));
    if (r.exit() != 0) throw new AssertionError("postqueue -j failed\n" + r.all());
    List<Queued> out = new ArrayList<>();
    for (String line : r.out().split("\n")) {
      if (line.isBlank()) continue;
      JsonNode n = JSON.readTree(line);
      List<String> rcpts = new ArrayList<>();
      for (JsonNode rc : n.get("recipients")) rcpts.add(rc.get("address").asString());
      out.add(
          new Queued(
              n.get("queue_name").asString(),
              n.get("queue_id").asString(),
              n.get("sender").asString(),
              rcpts));
    }
    return out;
  }

  /** A queued message's text, headers and body ({@code postcat -h -b}). */
  public String message(String queueId) {
    Exec.Result r =
        Exec.run(
            GUARD,
            List.of(Peers.require("postcat"), "-c", conf.toString(), "-h", "-b", "-q", queueId));
    if (r.exit() != 0) throw new AssertionError("postcat failed\n" + r.all());
    return r.out();
  }

  /** Submits a message through this instance's sendmail (postdrop into its maildrop). */
  public Exec.Result sendmail(String sender, byte[] message, String... recipients) {
    List<String> cmd =
        new ArrayList<>(
            List.of(Peers.require("sendmail"), "-C", conf.toString(), "-i", "-f", sender));
    cmd.addAll(List.of(recipients));
    return Exec.run(GUARD, message, cmd);
  }

  /** Asks the queue manager to try deferred mail again now ({@code postqueue -f}). */
  public void flush() {
    Exec.run(GUARD, List.of(Peers.require("postqueue"), "-c", conf.toString(), "-f"));
  }

  /** The instance's log so far, for assertion messages. */
  public String log() {
    try {
      return Files.readString(home.resolve("maillog"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no maillog: " + e.getMessage() + ")";
    }
  }

  private Optional<Long> masterPid() {
    try {
      String pid = Files.readString(queue.resolve("pid/master.pid")).strip();
      return Optional.of(Long.parseLong(pid));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** {@code postfix stop}, then SIGKILL for any process of this instance still alive. */
  @Override
  public void close() throws InterruptedException {
    if (!running) return;
    running = false;
    List<ProcessHandle> all = new ArrayList<>();
    for (ProcessHandle master : started) {
      all.add(master);
      master.descendants().forEach(all::add);
    }
    Exec.run(GUARD, List.of(Peers.require("postfix"), "-c", conf.toString(), "stop"));
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception stillRunning) {
        h.destroyForcibly();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
