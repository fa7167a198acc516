package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.deliver.sim.ReceivedMessage;
import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import dev.petrel.peers.SmtpClient;
import dev.petrel.report.Verp;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The return path delivery announces: a VERP address naming the recipient when the message has one
 * recipient at the domain, else the message; the same on every retry (greylisting remembers the
 * sender); and the null sender kept as it is.
 */
class ReturnPathTest {

  static final Duration GUARD = Duration.ofSeconds(60);

  @TempDir Path dir;
  SimulatorServer sim;
  PetrelServer petrel;

  @BeforeEach
  void start() throws Exception {
    sim = new SimulatorServer(SimulatorOptions.DEFAULTS);
    int port = sim.start(InetAddress.getLoopbackAddress(), 0);
    Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
    flags.put(ConfigKey.DATA_DIR, dir.toString());
    flags.put(ConfigKey.SMTP_PORT, "0");
    flags.put(ConfigKey.LISTEN_ADDRESS, "127.0.0.1");
    flags.put(ConfigKey.HOSTNAME, "petrel.test");
    flags.put(ConfigKey.SHUTDOWN_TIMEOUT, "5s");
    flags.put(ConfigKey.BOUNCE_DOMAIN, "rp.petrel.test");
    flags.put(ConfigKey.ROUTE, "sim.test=127.0.0.1:" + port + ",solo.test=127.0.0.1:" + port);
    petrel =
        PetrelServer.start(
            ConfigLoader.resolve(flags, null, Map.of()).config(), InstantSource.system());
  }

  @AfterEach
  void stop() {
    if (petrel != null) petrel.stop();
    if (sim != null) sim.close();
  }

  @Test
  void aRecipientKeepsItsReturnPathAcrossRetries() throws Exception {
    QueueId id = send("app@sender.test", "ok@sim.test", "greylist@sim.test", "ok@solo.test");
    await().atMost(GUARD).until(() -> state(id, 1) == RecipientState.DEFERRED);
    await().atMost(GUARD).until(() -> state(id, 2) == RecipientState.DELIVERED);
    petrel.store().retryNow(dev.petrel.queue.Selection.of(List.of(id)), java.time.Instant.now());
    petrel.scheduler().wake();
    await().atMost(GUARD).until(() -> state(id, 1) == RecipientState.DELIVERED);

    Verp verp =
        new Verp(petrel.store().secrets().secret(VerpSecret.NAME).orElseThrow(), "rp.petrel.test");
    String wholeMessage = verp.returnPath(id).toString();
    String solo = verp.returnPath(id, 2).toString();
    List<ReceivedMessage> got = sim.received();
    assertThat(got)
        .filteredOn(r -> r.recipients().contains("greylist@sim.test"))
        .extracting(ReceivedMessage::sender)
        .containsOnly(wholeMessage);
    assertThat(got)
        .filteredOn(r -> r.recipients().contains("ok@sim.test"))
        .extracting(ReceivedMessage::sender)
        .containsOnly(wholeMessage);
    assertThat(got)
        .filteredOn(r -> r.recipients().contains("ok@solo.test"))
        .extracting(ReceivedMessage::sender)
        .containsExactly(solo);
    assertThat(verp.read(dev.petrel.model.EmailAddress.parse(solo)))
        .contains(new Verp.Target(id, 2));
  }

  @Test
  void theNullSenderStaysNull() throws Exception {
    QueueId id = send("", "ok@solo.test");
    await().atMost(GUARD).until(() -> state(id, 0) == RecipientState.DELIVERED);
    assertThat(sim.received())
        .filteredOn(r -> r.recipients().contains("ok@solo.test"))
        .extracting(ReceivedMessage::sender)
        .allSatisfy(s -> assertThat(s == null ? "" : s).isEmpty());
  }

  private QueueId send(String from, String... to) throws Exception {
    try (SmtpClient c = new SmtpClient(petrel.smtpAddress().getPort(), Duration.ofSeconds(30))) {
      assertThat(c.reply()).startsWith("220");
      assertThat(c.command("EHLO client.test")).startsWith("250");
      assertThat(c.command("MAIL FROM:<" + from + ">")).startsWith("250");
      for (String t : to) assertThat(c.command("RCPT TO:<" + t + ">")).startsWith("250");
      assertThat(c.command("DATA")).startsWith("354");
      String done = c.command("Subject: return path test\r\n\r\nHello.\r\n.");
      assertThat(done).startsWith("250");
      String queued = done.substring(done.indexOf("queued as ") + "queued as ".length()).strip();
      c.command("QUIT");
      return QueueId.parse(queued);
    }
  }

  private RecipientState state(QueueId id, int position) throws Exception {
    return petrel.store().find(id).orElseThrow().recipients().get(position).state();
  }
}
