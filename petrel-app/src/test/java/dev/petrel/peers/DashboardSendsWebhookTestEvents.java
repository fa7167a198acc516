package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.petrel.app.ConfigKey;
import dev.petrel.report.StatusJson;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Debian's chromium adds a webhook in the dashboard of a real Petrel and presses "Send test event":
 * the Python receiver of the webhook tests gets a {@code test} event whose signature it checks with
 * the secret the page showed, and the page says the target answered HTTP 200. For a target nobody
 * listens on, the page says it was not delivered and why.
 */
class DashboardSendsWebhookTestEvents {

  @TempDir Path dir;
  RunningPetrel petrel;
  Chromium chromium;
  Python.Server receiver;
  Path log;
  Path secrets;
  final List<String> pageErrors = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    chromium = Chromium.launch();
    log = dir.resolve("seen.jsonl");
    secrets = dir.resolve("secrets.json");
    Files.writeString(secrets, "{}");
    receiver =
        Python.serve(dir, "/peers/webhook_receiver.py", secrets.toString(), log.toString(), "0");
    petrel =
        RunningPetrel.start(
            dir.resolve("data"), Map.of(ConfigKey.WEBHOOK_ALLOW_NETWORKS, "127.0.0.1/32"));
  }

  @AfterEach
  void stop() {
    if (chromium != null) chromium.close();
    if (petrel != null) petrel.close();
    if (receiver != null) receiver.close();
  }

  /** Adds a webhook in the page; returns the secret the page shows once. */
  private String add(Page page, String url) {
    page.getByLabel("URL").fill(url);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add webhook")).click();
    PlaywrightAssertions.assertThat(page.locator("#hook-out")).containsText("whsec_");
    Matcher m = Pattern.compile("whsec_\\S+").matcher(page.locator("#hook-out code").innerText());
    assertThat(m.find()).isTrue();
    return m.group();
  }

  @Test
  void theButtonSendsASignedTestEventAndSaysHowItWent() throws Exception {
    Page page = chromium.signedIn(petrel, petrel.apiKey("acme"), pageErrors);
    page.navigate(Chromium.base(petrel) + "/ui/#/webhooks");
    String url = "http://127.0.0.1:" + receiver.port() + "/hooks/acme";
    String secret = add(page, url);
    Files.writeString(secrets, StatusJson.MAPPER.writeValueAsString(Map.of("/hooks/acme", secret)));

    page.getByRole(
            AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send a test event to " + url))
        .click();
    PlaywrightAssertions.assertThat(page.locator("#test-result"))
        .containsText("delivered, the target answered HTTP 200");
    Chromium.shot(page, "webhook-test-event.png");
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1);
    JsonNode seen = StatusJson.MAPPER.readTree(lines.getFirst());
    assertThat(seen.get("verified").asBoolean()).as("signature checked by Python's hmac").isTrue();
    assertThat(seen.get("payload").get("type").asString()).isEqualTo("test");
    PlaywrightAssertions.assertThat(page.locator("#test-result"))
        .containsText(seen.get("id").asString());

    // a target nobody listens on, tested from its own page
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String dead = "http://127.0.0.1:" + closed + "/gone";
    add(page, dead);
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(dead)).click();
    page.getByRole(
            AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send a test event to " + dead))
        .click();
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.ALERT))
        .containsText("not delivered (connect: refused)");
    assertThat(Files.readAllLines(log, StandardCharsets.UTF_8)).hasSize(1);
    assertThat(pageErrors).as("uncaught JavaScript errors").isEmpty();
  }
}
