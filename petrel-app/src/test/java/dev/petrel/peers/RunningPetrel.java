package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.app.ConfigLoader;
import dev.petrel.app.PetrelServer;
import dev.petrel.model.EmailAddress;
import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A real Petrel started in this JVM the way {@code petrel serve} starts it (configuration, lock,
 * store, TLS, listeners), on free ports, with its own data folder.
 */
public final class RunningPetrel implements AutoCloseable {

  public static final String HOSTNAME = "petrel.test";

  private final PetrelServer server;

  private RunningPetrel(PetrelServer server) {
    this.server = server;
  }

  public static RunningPetrel start(Path dataDir) throws Exception {
    return start(dataDir, Map.of());
  }

  /** Starts with the test defaults (loopback, port 0, short shutdown timeout) and {@code extra}. */
  public static RunningPetrel start(Path dataDir, Map<ConfigKey, String> extra) throws Exception {
    return start(dataDir, extra, dev.petrel.report.WebhookDispatcher.Settings.DEFAULTS);
  }

  /** As {@link #start(Path, Map)}, with the given webhook settings (a short retry schedule). */
  public static RunningPetrel start(
      Path dataDir,
      Map<ConfigKey, String> extra,
      dev.petrel.report.WebhookDispatcher.Settings hooks)
      throws Exception {
    Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
    flags.put(ConfigKey.DATA_DIR, dataDir.toString());
    flags.put(ConfigKey.SMTP_PORT, "0");
    flags.put(ConfigKey.HTTP_PORT, "0");
    flags.put(ConfigKey.LISTEN_ADDRESS, "127.0.0.1");
    flags.put(ConfigKey.HOSTNAME, HOSTNAME);
    flags.put(ConfigKey.SHUTDOWN_TIMEOUT, "5s");
    // Acceptance tests look at what was queued: delivery stays paused unless a test turns it on.
    flags.put(ConfigKey.PAUSED, "true");
    flags.putAll(extra);
    var config = ConfigLoader.resolve(flags, null, Map.of()).config();
    return new RunningPetrel(
        PetrelServer.start(
            config,
            InstantSource.system(),
            dev.petrel.queue.RetrySchedule.Policy.defaults(),
            hooks));
  }

  /** The HTTP API's port. */
  public int httpPort() {
    return server.httpAddress().getPort();
  }

  /** Makes an API key for an account (created on the free plan when missing). */
  public String apiKey(String account) throws Exception {
    var accounts = server.accounts();
    if (accounts.findAccount(account).isEmpty())
      accounts.createAccount(
          new dev.petrel.accounts.Account(account, "free", java.time.Instant.now()));
    return accounts.createKey(account, java.time.Instant.now()).secret();
  }

  /** Creates an SMTP login for an account in the server's store; returns its password. */
  public String credential(String account, String user) throws Exception {
    return new dev.petrel.accept.CredentialStore(server.store().logins()).add(account, user);
  }

  public int port() {
    return server.smtpAddress().getPort();
  }

  public int smtpsPort() {
    return server.smtpsAddress().getPort();
  }

  public dev.petrel.queue.Store store() {
    return server.store();
  }

  public Path dataDir() {
    return server.config().dataDir();
  }

  public PetrelServer server() {
    return server;
  }

  public Optional<StoredMessage> find(String queueId) throws Exception {
    return store().find(QueueId.parse(queueId));
  }

  public byte[] body(String queueId) throws IOException {
    try (InputStream in = store().openBody(QueueId.parse(queueId))) {
      return in.readAllBytes();
    }
  }

  /** Waits (at most {@code guard}) until the recipient of the message is in {@code state}. */
  public void awaitState(String id, String address, RecipientState state, Duration guard) {
    EmailAddress a = EmailAddress.parse(address);
    await()
        .atMost(guard)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                find(id).orElseThrow().recipients().stream()
                        .filter(r -> r.address().equals(a))
                        .findFirst()
                        .orElseThrow()
                        .state()
                    == state);
  }

  /** {@code petrel queue show ID --json}, run as its own process beside the server. */
  public JsonNode show(String id) {
    Exec.Result r =
        PetrelCli.run("queue", "show", id, "--json", "--data-dir", dataDir().toString());
    assertThat(r.exit()).as(r.all()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  /** The recipient {@code address} of what {@link #show} printed. */
  public static JsonNode recipient(JsonNode shown, String address) {
    for (JsonNode r : shown.get("recipients"))
      if (r.get("address").asString().equals(address)) return r;
    throw new AssertionError(address + " not in " + shown);
  }

  @Override
  public void close() {
    server.stop();
  }
}
