package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import dev.petrel.model.EmailAddress;
import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import dev.petrel.peers.SmtpClient;
import dev.petrel.queue.StoredMessage;
import dev.petrel.report.StatusJson;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The whole path: mail accepted by a real in-process Petrel over SMTP is delivered by the scheduler
 * through the real client, with {@code --route}, to the mailbox simulator; results are recorded per
 * recipient, a refused address bounces with a notice to the sender and is suppressed, and a
 * greylisted one is delivered on its retry.
 */
class DeliverySchedulerEndToEndTest {

  static final Duration GUARD = Duration.ofSeconds(60);

  @TempDir Path dir;
  SimulatorServer sim;
  PetrelServer petrel;

  @BeforeEach
  void start() throws Exception {
    sim = new SimulatorServer(SimulatorOptions.DEFAULTS);
    int simPort = sim.start(InetAddress.getLoopbackAddress(), 0);
    Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
    flags.put(ConfigKey.DATA_DIR, dir.toString());
    flags.put(ConfigKey.SMTP_PORT, "0");
    flags.put(ConfigKey.HTTP_PORT, "0");
    flags.put(ConfigKey.LISTEN_ADDRESS, "127.0.0.1");
    flags.put(ConfigKey.HOSTNAME, "petrel.test");
    flags.put(ConfigKey.SHUTDOWN_TIMEOUT, "5s");
    flags.put(ConfigKey.ROUTE, "sim.test=127.0.0.1:" + simPort);
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
  void deliversBouncesSuppressesAndRetriesAGreylistedRecipient() throws Exception {
    QueueId id =
        send("sender@sim.test", "ok@sim.test", "rcpt-550-5.1.1@sim.test", "greylist@sim.test");

    await().atMost(GUARD).until(() -> state(id, "ok@sim.test") == RecipientState.DELIVERED);
    await()
        .atMost(GUARD)
        .until(() -> state(id, "rcpt-550-5.1.1@sim.test") == RecipientState.BOUNCED);
    await().atMost(GUARD).until(() -> state(id, "greylist@sim.test") == RecipientState.DEFERRED);

    // The refused address is suppressed and the sender gets a notice from the null sender.
    StoredMessage m = petrel.store().find(id).orElseThrow();
    assertThat(
            petrel
                .store()
                .findSuppression(m.account(), "rcpt-550-5.1.1@sim.test")
                .map(s -> s.reason()))
        .contains("userunknown");
    await().atMost(GUARD).until(() -> notice(id).isPresent());
    StoredMessage dsn = notice(id).orElseThrow();
    assertThat(dsn.recipients())
        .extracting(r -> r.address().toString())
        .containsExactly("sender@sim.test");

    // `queue retry` (another store connection, as from a shell) makes it due; the loop, which
    // looks for due work between wake-ups, delivers it.
    var retried = CredentialsCommandTest.run("queue", "retry", "--data-dir=" + dir, id.value());
    assertThat(retried.status()).as(retried.err()).isZero();
    await().atMost(GUARD).until(() -> state(id, "greylist@sim.test") == RecipientState.DELIVERED);
    assertThat(sim.received())
        .anySatisfy(r -> assertThat(r.recipients()).contains("greylist@sim.test"));

    // queue show --json has every attempt with the remote's reply and its classification.
    var r = CredentialsCommandTest.run("queue", "show", "--data-dir=" + dir, id.value(), "--json");
    assertThat(r.status()).as(r.err()).isZero();
    JsonNode shown = StatusJson.MAPPER.readTree(r.out());
    JsonNode grey = recipient(shown, "greylist@sim.test");
    assertThat(grey.get("state").asString()).isEqualTo("delivered");
    assertThat(grey.get("attempts")).hasSize(2);
    JsonNode first = grey.get("attempts").get(0);
    assertThat(first.get("code").asInt()).isEqualTo(450);
    assertThat(first.get("enhanced").asString()).isEqualTo("4.2.0");
    assertThat(first.get("phase").asString()).isEqualTo("rcpt");
    assertThat(first.get("reason").asString()).isEqualTo("greylisted");
    assertThat(first.get("ip").asString()).isEqualTo("127.0.0.1");
    assertThat(grey.get("attempts").get(1).get("code").asInt()).isEqualTo(250);
    JsonNode bounced = recipient(shown, "rcpt-550-5.1.1@sim.test");
    assertThat(bounced.get("attempts")).hasSize(1);
    JsonNode b = bounced.get("attempts").get(0);
    assertThat(b.get("code").asInt()).isEqualTo(550);
    assertThat(b.get("enhanced").asString()).isEqualTo("5.1.1");
    assertThat(b.get("bounce").asString()).isEqualTo("hard");
    assertThat(b.get("final").asBoolean()).isTrue();
    assertThat(b.get("reason").asString()).isEqualTo("userunknown");
    assertThat(recipient(shown, "ok@sim.test").get("attempts").get(0).get("code").asInt())
        .isEqualTo(250);
  }

  @Test
  void pausedStartsWithDeliveryPausedAndResumeDelivers() throws Exception {
    petrel.stop();
    Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
    flags.put(ConfigKey.DATA_DIR, dir.toString());
    flags.put(ConfigKey.SMTP_PORT, "0");
    flags.put(ConfigKey.HTTP_PORT, "0");
    flags.put(ConfigKey.LISTEN_ADDRESS, "127.0.0.1");
    flags.put(ConfigKey.HOSTNAME, "petrel.test");
    flags.put(ConfigKey.SHUTDOWN_TIMEOUT, "5s");
    flags.put(ConfigKey.ROUTE, "sim.test=127.0.0.1:" + sim.port());
    flags.put(ConfigKey.PAUSED, "true");
    petrel =
        PetrelServer.start(
            ConfigLoader.resolve(flags, null, Map.of()).config(), InstantSource.system());
    assertThat(petrel.store().paused()).contains("");
    QueueId id = send("sender@sim.test", "ok@sim.test");
    assertThat(state(id, "ok@sim.test")).isEqualTo(RecipientState.QUEUED);
    petrel.store().resume(null);
    petrel.scheduler().wake();
    await().atMost(GUARD).until(() -> state(id, "ok@sim.test") == RecipientState.DELIVERED);
  }

  @Test
  void nullSenderGetsNoNotice() throws Exception {
    QueueId id = send("", "rcpt-550-5.1.1@sim.test", "ok@sim.test");
    await()
        .atMost(GUARD)
        .until(() -> state(id, "rcpt-550-5.1.1@sim.test") == RecipientState.BOUNCED);
    await().atMost(GUARD).until(() -> state(id, "ok@sim.test") == RecipientState.DELIVERED);
    assertThat(petrel.store().list(100)).extracting(StoredMessage::id).containsExactly(id);
  }

  @Test
  void aRefusalAfterTheDataBouncesEveryRecipientOfTheTransaction() throws Exception {
    QueueId id = send("sender@sim.test", "data-554-5.7.1@sim.test");
    await()
        .atMost(GUARD)
        .until(() -> state(id, "data-554-5.7.1@sim.test") == RecipientState.BOUNCED);
    var attempts = petrel.store().deliveries(id).getFirst().attempts();
    assertThat(attempts).hasSize(1);
    assertThat(attempts.getFirst().code()).isEqualTo(554);
    assertThat(attempts.getFirst().phase()).isEqualTo("end-of-data");
    // 5.7.1 is about the content or policy, not the address: it is not suppressed
    StoredMessage m = petrel.store().find(id).orElseThrow();
    assertThat(petrel.store().findSuppression(m.account(), "data-554-5.7.1@sim.test")).isEmpty();
    await().atMost(GUARD).until(() -> notice(id).isPresent());
  }

  @Test
  void onlyEvidenceOfADeadAddressSuppressesIt() throws Exception {
    // The simulator's refusals name the recipient's address ("550 simulated reply 550 to RCPT for
    // rcpt-550@sim.test"): a bare 550 and a policy 5.7.1 bounce the message but keep the address;
    // 5.1.1 (no such mailbox) suppresses it.
    QueueId id =
        send(
            "sender@sim.test",
            "rcpt-550@sim.test",
            "rcpt-550-5.7.1@sim.test",
            "rcpt-550-5.1.1@sim.test");
    for (String r :
        List.of("rcpt-550@sim.test", "rcpt-550-5.7.1@sim.test", "rcpt-550-5.1.1@sim.test"))
      await().atMost(GUARD).until(() -> state(id, r) == RecipientState.BOUNCED);
    StoredMessage m = petrel.store().find(id).orElseThrow();
    assertThat(petrel.store().findSuppression(m.account(), "rcpt-550@sim.test")).isEmpty();
    assertThat(petrel.store().findSuppression(m.account(), "rcpt-550-5.7.1@sim.test")).isEmpty();
    assertThat(petrel.store().findSuppression(m.account(), "rcpt-550-5.1.1@sim.test")).isPresent();
    var bare = petrel.store().deliveries(id).getFirst().attempts().getFirst();
    assertThat(bare.text()).contains("rcpt-550@sim.test");
    assertThat(bare.bounce()).isEqualTo("soft");
  }

  @Test
  void stopDuringADeliveryRecordsItAsDeferred() throws Exception {
    QueueId id = send("sender@sim.test", "timeout-after-data@sim.test");
    await()
        .atMost(GUARD)
        .until(() -> sim.commands().stream().anyMatch(c -> c.toUpperCase().contains(" DATA")));
    petrel.stop();
    petrel = null;
    try (var store =
        dev.petrel.queue.SqliteMessageStore.open(
            dir, dev.petrel.queue.SqliteStoreOptions.defaults(), InstantSource.system())) {
      var r = store.find(id).orElseThrow().recipients().getFirst();
      assertThat(r.state()).isEqualTo(RecipientState.DEFERRED);
      var d = store.deliveries(id).getFirst();
      assertThat(d.attempts()).hasSize(1);
      assertThat(d.inFlight()).isFalse();
      assertThat(d.nextAttempt()).isNotNull();
    }
  }

  @Test
  void aReplyLostAfterTheDotIsRetriedAsAPossibleDuplicate() throws Exception {
    QueueId id = send("sender@sim.test", "disconnect-after-data@sim.test");
    await()
        .atMost(GUARD)
        .until(() -> state(id, "disconnect-after-data@sim.test") == RecipientState.DEFERRED);
    var d = petrel.store().deliveries(id).getFirst();
    assertThat(d.possibleDuplicate()).isTrue();
    assertThat(d.nextAttempt()).isNotNull();
    assertThat(d.attempts()).hasSize(1);
  }

  @Test
  void aRecipientPastTheGiveUpAgeExpiresAndTheSenderIsTold() throws Exception {
    petrel.stop();
    Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
    flags.put(ConfigKey.DATA_DIR, dir.toString());
    flags.put(ConfigKey.SMTP_PORT, "0");
    flags.put(ConfigKey.HTTP_PORT, "0");
    flags.put(ConfigKey.LISTEN_ADDRESS, "127.0.0.1");
    flags.put(ConfigKey.HOSTNAME, "petrel.test");
    flags.put(ConfigKey.ROUTE, "sim.test=127.0.0.1:" + sim.port());
    petrel =
        PetrelServer.start(
            ConfigLoader.resolve(flags, null, Map.of()).config(),
            InstantSource.system(),
            dev.petrel.queue.RetrySchedule.Policy.defaults().withGiveUpAfter(Duration.ofMillis(1)));
    QueueId id = send("sender@sim.test", "rcpt-451-4.3.0@sim.test");
    await()
        .atMost(GUARD)
        .until(() -> state(id, "rcpt-451-4.3.0@sim.test") == RecipientState.EXPIRED);
    var a = petrel.store().deliveries(id).getFirst().attempts().getFirst();
    assertThat(a.code()).isEqualTo(451);
    assertThat(a.reason()).isEqualTo("expired");
    await().atMost(GUARD).until(() -> notice(id).isPresent());
    try (var body = petrel.store().openBody(notice(id).orElseThrow().id())) {
      assertThat(new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .contains(
              "Status: 4.4.7",
              "Action: failed",
              "Final-Recipient: rfc822; rcpt-451-4.3.0@sim.test");
    }
  }

  private QueueId send(String from, String... to) throws Exception {
    try (SmtpClient c = new SmtpClient(petrel.smtpAddress().getPort(), Duration.ofSeconds(30))) {
      assertThat(c.reply()).startsWith("220");
      assertThat(c.command("EHLO client.test")).startsWith("250");
      assertThat(c.command("MAIL FROM:<" + from + ">")).startsWith("250");
      for (String t : to) assertThat(c.command("RCPT TO:<" + t + ">")).startsWith("250");
      assertThat(c.command("DATA")).startsWith("354");
      String done = c.command("From: <" + from + ">\r\nSubject: scheduler test\r\n\r\nHello.\r\n.");
      assertThat(done).startsWith("250");
      String queued = done.substring(done.indexOf("queued as ") + "queued as ".length()).strip();
      c.command("QUIT");
      return QueueId.parse(queued);
    }
  }

  private RecipientState state(QueueId id, String address) throws Exception {
    EmailAddress a = EmailAddress.parse(address);
    return petrel.store().find(id).orElseThrow().recipients().stream()
        .filter(r -> r.address().equals(a))
        .findFirst()
        .orElseThrow()
        .state();
  }

  /** The notice about {@code id}: a message from the null sender. */
  private Optional<StoredMessage> notice(QueueId id) throws Exception {
    return petrel.store().list(100).stream()
        .filter(m -> m.sender() == null && !m.id().equals(id))
        .findFirst();
  }

  private static JsonNode recipient(JsonNode shown, String address) {
    for (JsonNode r : shown.get("recipients"))
      if (r.get("address").asString().equals(address)) return r;
    throw new AssertionError("no recipient " + address + " in " + shown);
  }
}
