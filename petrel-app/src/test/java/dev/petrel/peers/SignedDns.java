package dev.petrel.peers;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * DNSSEC for tests, with Debian's own programs: zones written at test time, signed with ldnsutils'
 * {@code ldns-keygen} and {@code ldns-signzone} (fresh keys each time), served by NSD as their
 * authority, and Unbound in front as the validating resolver, holding each signed zone's DS record
 * as its trust anchor. Both run in the foreground from configuration files in the test's folder, on
 * free loopback ports, as the user running the test (no chroot, no privilege drop), and are stopped
 * by {@link #close}. Nothing touches a system NSD or Unbound.
 *
 * <p>Signed zones validate (Unbound sets AD); unsigned zones answer without AD (no trust anchor
 * covers them); {@link Builder#corruptSignature} breaks one RRset's signature after signing, so
 * Unbound answers SERVFAIL for it (bogus).
 */
public final class SignedDns implements AutoCloseable {

  private static final Duration GUARD = Duration.ofSeconds(60);

  private final Path dir;
  private final int authorityPort;
  private final int resolverPort;
  private final List<Process> processes = new ArrayList<>();

  private SignedDns(Path dir, int authorityPort, int resolverPort) {
    this.dir = dir;
    this.authorityPort = authorityPort;
    this.resolverPort = resolverPort;
  }

  /** Zones to serve from {@code dir} (created when missing). */
  public static Builder in(Path dir) {
    return new Builder(dir);
  }

  /** Zones and their records, then {@link #start}. */
  public static final class Builder {
    private final Path dir;
    private final Map<String, List<String>> signed = new LinkedHashMap<>();
    private final Map<String, List<String>> unsigned = new LinkedHashMap<>();
    private final List<String[]> corrupt = new ArrayList<>();

    private Builder(Path dir) {
      this.dir = dir;
    }

    /**
     * A zone signed with fresh keys. Records are zone-file lines relative to the zone ({@code @ MX
     * 10 mx}, {@code mx A 127.0.0.1}); SOA and NS records are added.
     */
    public Builder signed(String zone, String... records) {
      signed.put(zone, List.of(records));
      return this;
    }

    /** A zone served without signatures. */
    public Builder unsigned(String zone, String... records) {
      unsigned.put(zone, List.of(records));
      return this;
    }

    /** Spoils the signature over {@code type} records at {@code owner} (a full name). */
    public Builder corruptSignature(String owner, String type) {
      corrupt.add(new String[] {owner, type});
      return this;
    }

    public SignedDns start() throws Exception {
      String nsd = Peers.require("nsd", "nsd");
      String unbound = Peers.require("unbound", "unbound");
      Peers.require("ldns-keygen", "ldnsutils");
      Peers.require("ldns-signzone", "ldnsutils");
      Path home = Files.createDirectories(dir.resolve("dns"));
      SignedDns d = new SignedDns(home, freePort(), freePort());
      try {
        d.startAll(this, nsd, unbound);
      } catch (Exception | Error e) {
        d.close();
        throw e;
      }
      return d;
    }
  }

  private void startAll(Builder b, String nsd, String unbound) throws Exception {
    StringBuilder nsdConf = new StringBuilder();
    nsdConf.append(
        """
        server:
          ip-address: 127.0.0.1
          port: %d
          username: ""
          chroot: ""
          zonesdir: "%s"
          database: ""
          zonelistfile: "%s/zone.list"
          xfrdfile: "%s/xfrd.state"
          xfrdir: "%s"
          pidfile: "%s/nsd.pid"
          logfile: "%s/nsd.log"
          server-count: 1
          verbosity: 2
        remote-control:
          control-enable: no
        """
            .formatted(authorityPort, dir, dir, dir, dir, dir, dir));
    StringBuilder transparent = new StringBuilder();
    for (String zone : b.signed.keySet())
      transparent.append("  local-zone: \"").append(zone).append(".\" transparent\n");
    for (String zone : b.unsigned.keySet())
      transparent.append("  local-zone: \"").append(zone).append(".\" transparent\n");
    StringBuilder anchors = new StringBuilder();
    StringBuilder stubs = new StringBuilder();
    for (var e : b.signed.entrySet()) {
      Path zoneFile = writeZone(e.getKey(), e.getValue());
      String ds = sign(e.getKey(), zoneFile, b.corrupt);
      Path anchor = Files.writeString(dir.resolve(e.getKey() + ".ds"), ds);
      anchors.append("  trust-anchor-file: \"").append(anchor).append("\"\n");
      nsdConf.append(zoneBlock(e.getKey(), dir.resolve(e.getKey() + ".zone.signed")));
      stubs.append(stubBlock(e.getKey()));
    }
    for (var e : b.unsigned.entrySet()) {
      nsdConf.append(zoneBlock(e.getKey(), writeZone(e.getKey(), e.getValue())));
      stubs.append(stubBlock(e.getKey()));
    }
    Path nsdConfFile = Files.writeString(dir.resolve("nsd.conf"), nsdConf);
    String unboundConf =
        """
        server:
          interface: 127.0.0.1
          port: %d
          username: ""
          chroot: ""
          directory: "%s"
          pidfile: "%s/unbound.pid"
          logfile: "%s/unbound.log"
          use-syslog: no
          verbosity: 1
          val-log-level: 2
          num-threads: 1
          do-ip6: no
          do-not-query-localhost: no
          # Nothing outside the test's zones: there is no network to recurse to, and an answer
          # that waits for root servers would only slow the test down.
          local-zone: "." refuse
        %s%sremote-control:
          control-enable: no
        %s"""
            .formatted(resolverPort, dir, dir, dir, transparent, anchors, stubs);
    Path unboundConfFile = Files.writeString(dir.resolve("unbound.conf"), unboundConf);
    start(List.of(nsd, "-d", "-c", nsdConfFile.toString()), "nsd.out");
    start(List.of(unbound, "-d", "-c", unboundConfFile.toString()), "unbound.out");
    String probe = !b.signed.isEmpty() ? b.signed.keySet().iterator().next() : null;
    if (probe == null) probe = b.unsigned.keySet().iterator().next();
    awaitAnswer(authorityPort, probe, "nsd");
    awaitAnswer(resolverPort, probe, "unbound");
  }

  private Path writeZone(String zone, List<String> records) throws IOException {
    StringBuilder z = new StringBuilder();
    z.append("$ORIGIN ").append(zone).append(".\n$TTL 300\n");
    z.append("@ IN SOA ns.").append(zone).append(". hostmaster.").append(zone);
    z.append(". 1 3600 600 86400 300\n");
    z.append("@ IN NS ns.").append(zone).append(".\nns IN A 127.0.0.1\n");
    for (String r : records) z.append(r).append('\n');
    return Files.writeString(dir.resolve(zone + ".zone"), z, StandardCharsets.UTF_8);
  }

  /** Signs the zone with a fresh KSK and ZSK; returns the KSK's DS record (the trust anchor). */
  private String sign(String zone, Path zoneFile, List<String[]> corrupt) throws Exception {
    String ksk = run(List.of("ldns-keygen", "-a", "ECDSAP256SHA256", "-k", zone)).strip();
    String zsk = run(List.of("ldns-keygen", "-a", "ECDSAP256SHA256", zone)).strip();
    DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    Instant now = Instant.now();
    run(
        List.of(
            "ldns-signzone",
            "-i",
            f.format(now.minus(1, ChronoUnit.DAYS)),
            "-e",
            f.format(now.plus(30, ChronoUnit.DAYS)),
            zoneFile.toString(),
            zsk,
            ksk));
    Path signedFile = dir.resolve(zone + ".zone.signed");
    List<String> lines = new ArrayList<>(Files.readAllLines(signedFile));
    for (String[] c : corrupt) {
      String owner = c[0].endsWith(".") ? c[0] : c[0] + ".";
      boolean done = false;
      for (int i = 0; i < lines.size(); i++) {
        String[] fields = lines.get(i).split("\\s+");
        if (fields.length > 5
            && fields[0].equalsIgnoreCase(owner)
            && fields[3].equals("RRSIG")
            && fields[4].equalsIgnoreCase(c[1])) {
          String line = lines.get(i);
          int at = line.length() - 10;
          char flipped = line.charAt(at) == 'A' ? 'B' : 'A';
          lines.set(i, line.substring(0, at) + flipped + line.substring(at + 1));
          done = true;
        }
      }
      if (!done && owner.endsWith(zone + "."))
        throw new IllegalStateException("no RRSIG " + c[1] + " at " + owner + " to spoil");
    }
    Files.write(signedFile, lines);
    return Files.readString(dir.resolve(ksk + ".ds"));
  }

  private static String zoneBlock(String zone, Path file) {
    return "zone:\n  name: \"" + zone + "\"\n  zonefile: \"" + file + "\"\n";
  }

  private String stubBlock(String zone) {
    return "stub-zone:\n  name: \"" + zone + ".\"\n  stub-addr: 127.0.0.1@" + authorityPort + "\n";
  }

  /** Runs a signing tool in the zone folder (ldns-keygen writes its files there). */
  private String run(List<String> command) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(GUARD.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " hung");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0)
      throw new IllegalStateException(command + " failed (" + p.exitValue() + "):\n" + text);
    return text;
  }

  private void start(List<String> command, String output) throws IOException {
    processes.add(
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(output).toFile())
            .start());
  }

  private void awaitAnswer(int port, String zone, String who) throws Exception {
    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
    r.setTimeout(Duration.ofMillis(500));
    Message q =
        Message.newQuery(Record.newRecord(Name.fromString(zone + "."), Type.SOA, DClass.IN));
    Instant deadline = Instant.now().plus(GUARD);
    while (Instant.now().isBefore(deadline)) {
      for (Process p : processes)
        if (!p.isAlive()) throw new IllegalStateException(who + " exited:\n" + log());
      try {
        if (r.send(q).getRcode() == Rcode.NOERROR) return;
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(who + " did not answer on port " + port + "\n" + log());
  }

  /** The validating resolver (Unbound): what Petrel's dns-server and dnssec-resolver point at. */
  public String resolver() {
    return "127.0.0.1:" + resolverPort;
  }

  public int resolverPort() {
    return resolverPort;
  }

  /** The authoritative server (NSD), which sets no AD bit. */
  public int authorityPort() {
    return authorityPort;
  }

  /** Whether the resolver answers {@code type} at {@code name} with the AD bit (for checks). */
  public boolean validated(String name, int type) throws IOException {
    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", resolverPort));
    r.setEDNS(0, 1232, org.xbill.DNS.ExtendedFlags.DO, List.of());
    Message q = Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN));
    q.getHeader().setFlag(Flags.AD);
    return r.send(q).getHeader().getFlag(Flags.AD);
  }

  /** The logs of both servers, for assertion messages. */
  public String log() {
    StringBuilder b = new StringBuilder();
    for (String f : List.of("nsd.out", "nsd.log", "unbound.out", "unbound.log")) {
      try {
        b.append("--- ").append(f).append('\n').append(Files.readString(dir.resolve(f)));
      } catch (IOException missing) {
        // not written (yet)
      }
    }
    return b.toString();
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
      for (ProcessHandle h : children) if (h.isAlive()) h.destroyForcibly();
    }
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
}
