package dev.petrel.deliver;

import dev.petrel.peers.Peers;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A dnsmasq serving test records on a free loopback port, started by the test itself: no
 * configuration file, no upstream servers, no hosts file, names under {@code .test} answered
 * locally only (anything not given is NXDOMAIN). Public for the peer tests in {@code
 * dev.petrel.peers}.
 */
public final class Dnsmasq implements AutoCloseable {

  public final int port;
  private final Process process;
  private final Path log;

  private Dnsmasq(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts dnsmasq with the given record options (e.g. {@code --mx-host=a.test,mx.a.test,10}). */
  public static Dnsmasq start(Path dir, List<String> records) throws Exception {
    String binary = Peers.require("dnsmasq", "dnsmasq-base");
    int port = freePort();
    Path log = dir.resolve("dnsmasq.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(binary);
    cmd.add("--keep-in-foreground");
    cmd.add("--conf-file=/dev/null");
    cmd.add("--no-resolv");
    cmd.add("--no-hosts");
    cmd.add("--listen-address=127.0.0.1");
    cmd.add("--bind-interfaces");
    cmd.add("--port=" + port);
    cmd.add("--pid-file=" + dir.resolve("dnsmasq.pid"));
    cmd.add("--log-facility=" + log);
    cmd.add("--log-queries");
    if (Peers.root()) cmd.add("--user=root");
    cmd.add("--local=/test/");
    cmd.add("--host-record=ready.test,127.0.0.1");
    cmd.addAll(records);
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("dnsmasq.out").toFile())
            .start();
    Dnsmasq d = new Dnsmasq(port, p, log);
    d.awaitReady(dir);
    return d;
  }

  public HostPort server() {
    return new HostPort("127.0.0.1", port);
  }

  private void awaitReady(Path dir) throws Exception {
    DnsJavaLookup probe = new DnsJavaLookup(server(), Duration.ofMillis(300), false);
    Instant deadline = Instant.now().plusSeconds(20);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive())
        throw new IllegalStateException(
            "dnsmasq exited: " + Files.readString(dir.resolve("dnsmasq.out")));
      if (probe.addresses("ready.test").status() == DnsAnswer.Status.FOUND) return;
      Thread.sleep(50);
    }
    throw new IllegalStateException("dnsmasq did not answer on port " + port);
  }

  public String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** A port free for both UDP and TCP on loopback, right now. */
  static int freePort() throws IOException {
    for (int i = 0; i < 50; i++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = tcp.getLocalPort();
        try (DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
          return port;
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IOException("no free port");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
  }
}
