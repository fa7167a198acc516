package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real Petrel delivering to its built-in mailbox simulator: a {@code rate-421} address slows down
 * only itself (the simulator's limits are kept per local part), and a recipient held back by its
 * destination says why and until when, read with curl from the API and with {@code petrel queue
 * show} from another process.
 */
class SimulatorAddressesDoNotSlowEachOtherDown {

  static final String SIM = "simulator.petrel.test";

  @TempDir Path dir;
  RunningPetrel petrel;
  Http http;
  String key;

  void start(Map<ConfigKey, String> extra) throws Exception {
    var flags = new java.util.EnumMap<ConfigKey, String>(ConfigKey.class);
    flags.put(ConfigKey.PAUSED, "false");
    flags.putAll(extra);
    petrel = RunningPetrel.start(dir.resolve("data"), flags);
    http = new Http(petrel.httpPort());
    key = petrel.apiKey("acme");
  }

  @AfterEach
  void stop() {
    if (petrel != null) petrel.close();
  }

  private String send(String... to) {
    StringBuilder list = new StringBuilder();
    for (String t : to) list.append(list.isEmpty() ? "" : ",").append('"').append(t).append('"');
    Http.Answer a =
        http.curl(
            "POST",
            "/api/v1/messages",
            key,
            "{\"from\": \"ann@example.com\", \"to\": [" + list + "], \"text\": \"hello\"}",
            "Content-Type: application/json");
    assertThat(a.status()).as(a.body()).isEqualTo(202);
    return a.json().get("id").asString();
  }

  private JsonNode get(String id) {
    return http.curl("GET", "/api/v1/messages/" + id, key, null).json();
  }

  /** Polls the API until the message's recipient at {@code index} satisfies {@code ok}. */
  private JsonNode awaitRecipient(String id, int index, Predicate<JsonNode> ok) {
    JsonNode[] r = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              r[0] = get(id).get("recipients").get(index);
              return ok.test(r[0]);
            });
    return r[0];
  }

  private static boolean state(JsonNode r, String state) {
    return r.get("state").asString().equals(state);
  }

  @Test
  void aRateLimitedAddressWaitsAloneAndSaysWhy() throws Exception {
    // The slowest rate is far below what one slow-down reaches, so the halved rate decides.
    start(Map.of(ConfigKey.SLOW_DOWN_MIN_RATE, "1/h"));
    // The first 421 slows rate-421's destination down; the next start is still let through at
    // once (nothing was spaced yet), and spaces the one after it by the slowed rate.
    String a = send("rate-421@" + SIM);
    JsonNode ra = awaitRecipient(a, 0, r -> state(r, "deferred"));
    assertThat(ra.get("attempts").get(0).get("code").asInt()).isEqualTo(421);
    String b = send("rate-421+b@" + SIM);
    awaitRecipient(b, 0, r -> state(r, "deferred"));

    String c = send("rate-421+c@" + SIM);
    JsonNode waiting = awaitRecipient(c, 0, r -> r.hasNonNull("waiting")).get("waiting");
    assertThat(waiting.get("reason").asString()).isEqualTo("destination-slowed");
    assertThat(waiting.get("destination").asString()).isEqualTo(SIM + "/rate-421");
    assertThat(waiting.get("cause").asString()).startsWith("421 4.7.0");
    Instant until = Instant.parse(waiting.get("until").asString());
    assertThat(until).isAfter(Instant.parse(ra.get("attempts").get(0).get("at").asString()));

    // Ordinary simulator addresses sent after it are delivered while it still waits, also one
    // sharing a message with a rate-421 address (that one waits too, on its own).
    String d = send("ok@" + SIM);
    String e = send("alice@" + SIM, "ok+e@" + SIM);
    String f = send("rate-421+f@" + SIM, "ok+f@" + SIM);
    awaitRecipient(d, 0, r -> state(r, "delivered"));
    awaitRecipient(e, 0, r -> state(r, "delivered"));
    awaitRecipient(e, 1, r -> state(r, "delivered"));
    awaitRecipient(f, 1, r -> state(r, "delivered"));
    JsonNode fRate = awaitRecipient(f, 0, r -> r.hasNonNull("waiting"));
    assertThat(fRate.get("state").asString()).isEqualTo("queued");
    assertThat(fRate.get("waiting").get("destination").asString()).isEqualTo(SIM + "/rate-421");

    JsonNode stillWaiting = get(c).get("recipients").get(0);
    assertThat(stillWaiting.get("state").asString()).isEqualTo("queued");
    assertThat(stillWaiting.get("attempts")).isEmpty();
    assertThat(stillWaiting.get("waiting").get("reason").asString())
        .isEqualTo("destination-slowed");
    // Delivered recipients wait for nothing.
    assertThat(get(d).get("recipients").get(0).get("waiting").isNull()).isTrue();

    // Another account learns nothing about the message, waiting or not.
    String other = petrel.apiKey("other");
    assertThat(http.curl("GET", "/api/v1/messages/" + c, other, null).status()).isEqualTo(404);

    // queue show, another process reading the data folder, says the same.
    String data = petrel.dataDir().toString();
    Exec.Result show = PetrelCli.run("queue", "show", "--data-dir", data, c);
    assertThat(show.exit()).as(show.all()).isZero();
    assertThat(show.out())
        .as(show.all())
        .contains("rate-421+c@" + SIM + "  queued")
        .contains("waiting: destination " + SIM + "/rate-421 slowed down until ")
        .contains("(after \"421 4.7.0");
    Exec.Result json = PetrelCli.run("queue", "show", "--json", "--data-dir", data, c);
    JsonNode shown = dev.petrel.report.StatusJson.MAPPER.readTree(json.out());
    JsonNode w = shown.get("recipients").get(0).get("waiting");
    assertThat(w.get("reason").asString()).as(json.all()).isEqualTo("destination-slowed");
    assertThat(w.get("until").asString()).isEqualTo(waiting.get("until").asString());
    Exec.Result delivered = PetrelCli.run("queue", "show", "--data-dir", data, d);
    assertThat(delivered.out()).as(delivered.all()).doesNotContain("waiting:");
  }

  @Test
  void theDashboardSaysWhyARecipientWaits() throws Exception {
    String chromium = Peers.require("chromium");
    start(Map.of(ConfigKey.SLOW_DOWN_MIN_RATE, "1/h"));
    String a = send("rate-421@" + SIM);
    awaitRecipient(a, 0, r -> state(r, "deferred"));
    String b = send("rate-421+b@" + SIM);
    awaitRecipient(b, 0, r -> state(r, "deferred"));
    String c = send("rate-421+c@" + SIM);
    awaitRecipient(c, 0, r -> r.hasNonNull("waiting"));
    try (com.microsoft.playwright.Playwright pw =
        com.microsoft.playwright.Playwright.create(
            new com.microsoft.playwright.Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
      var browser =
          pw.chromium()
              .launch(
                  new com.microsoft.playwright.BrowserType.LaunchOptions()
                      .setExecutablePath(Path.of(chromium))
                      .setHeadless(true)
                      .setArgs(java.util.List.of("--headless", "--no-sandbox", "--disable-gpu")));
      var page = browser.newPage();
      String base = "http://127.0.0.1:" + petrel.httpPort();
      page.navigate(base + "/ui/");
      page.getByLabel("API key").fill(key);
      page.getByLabel("API key").press("Enter");
      com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(page.locator("h1"))
          .hasText("Deliverability overview");
      page.navigate(base + "/ui/#/messages/" + c);
      var section = page.locator("section[aria-label='Recipient rate-421+c@" + SIM + "']");
      com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(
              section.getByRole(com.microsoft.playwright.options.AriaRole.STATUS))
          .containsText("Waiting: " + SIM + "/rate-421 asked to slow down until ");
      com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(section)
          .containsText("(421 4.7.0 rate limit exceeded");
      browser.close();
    }
  }

  @Test
  void aFullDestinationSaysItsConnectionsAreInUse() throws Exception {
    // One connection per simulator address: a second slow message waits for the first.
    start(Map.of(ConfigKey.DESTINATION_LIMIT, SIM + ":connections=1"));
    String first = send("slow-30@" + SIM);
    String second = send("slow-30+2@" + SIM);
    JsonNode w =
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  for (String id : new String[] {first, second}) {
                    JsonNode r = get(id).get("recipients").get(0);
                    if (r.hasNonNull("waiting")) return r;
                  }
                  return null;
                },
                java.util.Objects::nonNull);
    assertThat(w.get("state").asString()).isEqualTo("queued");
    assertThat(w.get("waiting").get("reason").asString()).isEqualTo("connection-limit");
    assertThat(w.get("waiting").get("destination").asString()).isEqualTo(SIM + "/slow-30");
    assertThat(w.get("waiting").has("until")).isFalse();
    // An ordinary address is not behind them.
    String ok = send("ok@" + SIM);
    awaitRecipient(ok, 0, r -> state(r, "delivered"));
  }
}
