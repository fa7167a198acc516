package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.sun.net.httpserver.HttpServer;
import dev.petrel.app.ConfigKey;
import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Debian's chromium, driven by Playwright, uses the dashboard of a real Petrel that delivers to the
 * mailbox simulator: a wrong key is refused with a message; after signing in, a greylisted
 * recipient's timeline shows the 450 and, after "Retry now", the 250, each with the engine's
 * explanation exactly as the API gives it; a hard bounce shows its 550 5.1.1 and lands on the
 * suppressions page; a webhook added in the dashboard shows the bounce event in its delivery log;
 * the overview draws its chart from /api/v1/stats with the quota and the top lists; the code links
 * lead to the reference pages; and the pages fit a phone-width screen.
 *
 * <p>Screenshots go to {@code target/screenshots}, or to the folder named by the system property
 * {@code petrel.screenshots} (docs/screenshots is refreshed that way).
 */
class DashboardShowsEveryReply {

  @TempDir Path dir;
  SimulatorServer sim;
  RunningPetrel petrel;
  Http http;
  String key;
  Chromium chromium;
  Page page;
  Path shots;
  String base;
  HttpServer receiver;
  final List<String> pageErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    chromium = Chromium.launch();
    sim = new SimulatorServer(SimulatorOptions.DEFAULTS);
    int simPort = sim.start(InetAddress.getLoopbackAddress(), 0);
    petrel =
        RunningPetrel.start(
            dir.resolve("data"),
            Map.of(
                ConfigKey.PAUSED,
                "false",
                ConfigKey.ROUTE,
                "sim.test=127.0.0.1:" + simPort,
                // the webhook receiver listens on loopback, which has to be allowed
                ConfigKey.WEBHOOK_ALLOW_NETWORKS,
                "127.0.0.1/32"));
    http = new Http(petrel.httpPort());
    key = petrel.apiKey("acme");
    // a webhook receiver that takes every event
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/",
        x -> {
          x.getRequestBody().readAllBytes();
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    receiver.start();
    base = Chromium.base(petrel);
    var context = chromium.context(new Browser.NewContextOptions().setViewportSize(1280, 900));
    // sums the page's layout shifts (CLS) so the test can see content jump as data arrives
    context.addInitScript(
        "window.__shift = 0; new PerformanceObserver(l => { for (const e of l.getEntries())"
            + " if (!e.hadRecentInput) window.__shift += e.value; })"
            + ".observe({type: 'layout-shift', buffered: true});");
    page = context.newPage();
    page.onConsoleMessage(m -> System.err.println("console: " + m.text()));
    page.onPageError(pageErrors::add);
    shots = Path.of(System.getProperty("petrel.screenshots", "target/screenshots"));
    Files.createDirectories(shots);
  }

  @AfterEach
  void stop() {
    if (chromium != null) chromium.close();
    if (petrel != null) petrel.close();
    if (sim != null) sim.close();
    if (receiver != null) receiver.stop(0);
  }

  private void shot(String name) {
    page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve(name)).setFullPage(true));
  }

  private JsonNode message(String id) {
    return http.curl("GET", "/api/v1/messages/" + id, key, null).json();
  }

  private JsonNode awaitStates(String id, String greylisted, String bounced) {
    JsonNode[] m = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              m[0] = message(id);
              JsonNode rs = m[0].get("recipients");
              return rs.get(0).get("state").asString().equals(greylisted)
                  && rs.get(1).get("state").asString().equals(bounced);
            });
    return m[0];
  }

  private Locator recipient(String address) {
    return page.locator("section[aria-label='Recipient " + address + "']");
  }

  /** Waits until the page has its heading and nothing is loading any more. */
  private void settled() {
    page.waitForFunction(
        "() => document.querySelector('h1') !== null"
            + " && document.querySelector('[aria-busy]') === null");
  }

  private void signIn(String withKey) {
    page.getByLabel("API key").fill(withKey);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
  }

  @Test
  void timelineExplanationsChartAndSuppressionAppear() {
    // a wrong key is refused with the API's own words, and the form stays
    page.navigate(base + "/");
    assertThat(page.url()).startsWith(base + "/ui/");
    PlaywrightAssertions.assertThat(page.getByLabel("API key")).isVisible();
    signIn("pk_this_key_does_not_exist_anywhere");
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.ALERT))
        .containsText("the API key is not valid");
    shot("sign-in-refused.png");

    // by keyboard alone: the key field, then Enter
    page.getByLabel("API key").fill(key);
    page.getByLabel("API key").press("Enter");
    PlaywrightAssertions.assertThat(page.locator("h1")).hasText("Deliverability overview");
    PlaywrightAssertions.assertThat(page.locator("h1")).isFocused();

    // a webhook added in the dashboard; its secret is shown once
    String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/events";
    page.navigate(base + "/ui/#/webhooks");
    page.getByLabel("URL").fill(hook);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add webhook")).click();
    PlaywrightAssertions.assertThat(page.locator("#hook-out")).containsText("whsec_");

    String body =
        """
        {"from": "app@example.com", "to": ["greylist@sim.test", "rcpt-550-5.1.1@sim.test"],
         "subject": "Dashboard", "text": "Hello"}
        """;
    Http.Answer sent =
        http.curl("POST", "/api/v1/messages", key, body, "Content-Type: application/json");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    String id = sent.json().get("id").asString();
    JsonNode first = awaitStates(id, "deferred", "bounced");

    // the messages list finds it, and leads to its page
    page.navigate(base + "/ui/#/messages?status=bounced");
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(id)).click();
    PlaywrightAssertions.assertThat(page.locator("h1")).containsText(id);

    // the greylisting: 450 4.2.0, the engine's meaning exactly as the API says it, a next attempt
    JsonNode grey = first.get("recipients").get(0).get("attempts").get(0);
    Locator greySection = recipient("greylist@sim.test");
    PlaywrightAssertions.assertThat(greySection.locator("li.attempt")).hasCount(1);
    PlaywrightAssertions.assertThat(greySection).containsText("450");
    PlaywrightAssertions.assertThat(greySection).containsText("4.2.0");
    PlaywrightAssertions.assertThat(greySection)
        .containsText(grey.get("explanation").get("meaning").asString());
    PlaywrightAssertions.assertThat(greySection).containsText("Next attempt");
    // the simulator speaks plain SMTP: the attempt says so
    PlaywrightAssertions.assertThat(greySection).containsText("none (plain text)");

    // the hard bounce: 550 5.1.1 with meaning, solution and who must act
    JsonNode gone = first.get("recipients").get(1).get("attempts").get(0);
    Locator goneSection = recipient("rcpt-550-5.1.1@sim.test");
    PlaywrightAssertions.assertThat(goneSection).containsText("bounced");
    PlaywrightAssertions.assertThat(goneSection.locator("a[href='#/codes/550']")).hasCount(1);
    PlaywrightAssertions.assertThat(goneSection.locator("a[href='#/codes/5.1.1']")).hasCount(1);
    PlaywrightAssertions.assertThat(goneSection)
        .containsText(gone.get("explanation").get("meaning").asString());
    PlaywrightAssertions.assertThat(goneSection)
        .containsText(gone.get("explanation").get("solution").asString());
    PlaywrightAssertions.assertThat(goneSection).containsText("Who must act");

    // "Retry now" makes the greylisted recipient due; the second attempt is a 250
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Retry now")).click();
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.STATUS))
        .containsText("will be tried now");
    JsonNode after = awaitStates(id, "delivered", "bounced");
    page.reload();
    greySection = recipient("greylist@sim.test");
    PlaywrightAssertions.assertThat(greySection.locator("li.attempt")).hasCount(2);
    PlaywrightAssertions.assertThat(greySection.locator("li.attempt").nth(1)).containsText("250");
    PlaywrightAssertions.assertThat(greySection)
        .containsText(
            after
                .get("recipients")
                .get(0)
                .get("attempts")
                .get(1)
                .get("explanation")
                .get("meaning")
                .asString());
    shot("message.png");

    // a code link leads to its reference page with the engine's words
    goneSection.locator("a[href='#/codes/5.1.1']").click();
    PlaywrightAssertions.assertThat(page.locator("h1")).hasText("Enhanced status code 5.1.1");
    PlaywrightAssertions.assertThat(page.locator(".code-page"))
        .containsText("Bad destination mailbox address");
    PlaywrightAssertions.assertThat(page.locator(".code-page"))
        .containsText("Messages with the reason userunknown");
    page.getByLabel("A reply as a server sent it").fill("452 4.2.2 Mailbox full");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Explain")).click();
    PlaywrightAssertions.assertThat(page.locator("#explain-out")).containsText("mailboxfull");
    shot("reference.png");

    // the hard bounce put the address on the suppressions page, with the reply that caused it
    page.navigate(base + "/ui/#/suppressions");
    Locator row =
        page.locator("tr", new Page.LocatorOptions().setHasText("rcpt-550-5.1.1@sim.test"));
    PlaywrightAssertions.assertThat(row).containsText("userunknown");
    // "550 5.1.1 simulated reply 550 to RCPT for rcpt-550-5.1.1@sim.test": three codes to link,
    // the ones inside the address stay text
    PlaywrightAssertions.assertThat(row.locator("a[href='#/codes/550']")).hasCount(2);
    PlaywrightAssertions.assertThat(row.locator("a[href='#/codes/5.1.1']")).hasCount(1);
    shot("suppressions.png");
    // add one by hand, find it by search, remove it
    page.getByLabel("Address", new Page.GetByLabelOptions().setExact(true)).fill("ann@example.org");
    page.getByLabel("Reason").fill("complaint");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Suppress")).click();
    PlaywrightAssertions.assertThat(page.locator("#supp-out"))
        .containsText("ann@example.org is suppressed");
    page.getByLabel("Address contains").fill("ann@");
    page.getByLabel("Address contains").press("Enter");
    PlaywrightAssertions.assertThat(page.locator("main tbody tr")).hasCount(1);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Remove ann@example.org"))
        .click();
    PlaywrightAssertions.assertThat(page.locator("#supp-out")).containsText("was removed");
    assertThat(http.curl("GET", "/api/v1/suppressions?q=ann@", key, null).json().get("data").size())
        .isZero();

    // the webhook's delivery log shows the bounce event taken by the receiver
    page.navigate(base + "/ui/#/webhooks");
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(hook)).click();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              page.reload();
              settled();
              return page.locator("main table").count() == 1
                  && page.locator("main table").innerText().contains("message.bounced");
            });
    Locator bouncedEvent =
        page.locator("tr", new Page.LocatorOptions().setHasText("message.bounced"));
    PlaywrightAssertions.assertThat(bouncedEvent).containsText("HTTP 204");
    PlaywrightAssertions.assertThat(bouncedEvent).containsText("delivered");
    shot("webhook-log.png");

    // the overview: the quota, and the chart with data (or a clear word when stats are missing)
    page.navigate(base + "/ui/#/overview");
    PlaywrightAssertions.assertThat(page.locator("#quota")).containsText("of 2,000 this month");
    Locator canvas = page.locator("#chart canvas");
    PlaywrightAssertions.assertThat(canvas).hasCount(1);
    PlaywrightAssertions.assertThat(canvas)
        .hasAttribute(
            "aria-label",
            Pattern.compile(
                "recipients by final outcome: delivered 1, bounced 1, expired 0, suppressed 0"));
    // the deferral is an attempt, not a recipient: it is counted beside the chart, not in it
    PlaywrightAssertions.assertThat(page.locator("#deferred .big")).hasText("1");
    PlaywrightAssertions.assertThat(page.locator("#bounce-rate")).containsText("50.0 %");
    PlaywrightAssertions.assertThat(page.locator("#tops")).containsText("userunknown");
    assertThat(
            (Boolean)
                page.evaluate("PerformanceObserver.supportedEntryTypes.includes('layout-shift')"))
        .as("this chromium reports layout shifts")
        .isTrue();
    assertThat(((Number) page.evaluate("window.__shift")).doubleValue())
        .as("layout shift while the overview loads")
        .isLessThan(0.1);
    shot("overview.png");

    // paging happens on the server: one message a page, the cursor leads to the older one
    Http.Answer second =
        http.curl(
            "POST",
            "/api/v1/messages",
            key,
            "{\"from\": \"app@example.com\", \"to\": \"ok@sim.test\", \"text\": \"2\"}",
            "Content-Type: application/json");
    String newer = second.json().get("id").asString();
    page.navigate(base + "/ui/#/messages?limit=1");
    settled();
    PlaywrightAssertions.assertThat(page.locator("main tbody tr")).hasCount(1);
    PlaywrightAssertions.assertThat(page.locator("main tbody")).containsText(newer);
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Older messages")).click();
    settled();
    PlaywrightAssertions.assertThat(page.locator("main tbody tr")).hasCount(1);
    PlaywrightAssertions.assertThat(page.locator("main tbody")).containsText(id);
    PlaywrightAssertions.assertThat(
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("First page")))
        .isVisible();
    // hold and release from the message page, each answered in words
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("First page")).click();
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(newer)).click();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Hold")).click();
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.STATUS)).containsText("Held");
    assertThat(message(newer).get("held").asBoolean()).isTrue();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Release")).click();
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.STATUS)).containsText("Released");
    assertThat(message(newer).get("held").asBoolean()).isFalse();
    page.navigate(base + "/ui/#/messages?limit=9999");
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.ALERT))
        .containsText("limit must be a whole number from 1 to 500");

    // a sender domain added in the dashboard lists the DKIM, SPF and DMARC records to publish
    page.navigate(base + "/ui/#/domains");
    page.getByLabel("Domain").fill("acme.example");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add domain")).click();
    Locator domain =
        page.locator("section.domain", new Page.LocatorOptions().setHasText("acme.example"));
    PlaywrightAssertions.assertThat(domain).containsText("not verified");
    PlaywrightAssertions.assertThat(domain).containsText("_domainkey.acme.example");
    PlaywrightAssertions.assertThat(domain).containsText("_dmarc.acme.example");
    PlaywrightAssertions.assertThat(domain).containsText("v=spf1");
    shot("domains.png");

    // every form field has a label, and a phone-width screen needs no sideways scrolling
    for (String p : List.of("#/messages", "#/messages/" + id, "#/suppressions", "#/overview")) {
      page.navigate(base + "/ui/" + p);
      settled();
      assertThat(
              (Integer)
                  page.evaluate(
                      "[...document.querySelectorAll('input,select,textarea')]"
                          + ".filter(e => e.labels.length === 0).length"))
          .as("unlabelled fields on " + p)
          .isZero();
    }
    page.setViewportSize(390, 844);
    for (String p : List.of("#/messages", "#/messages/" + id, "#/suppressions")) {
      page.navigate(base + "/ui/" + p);
      settled();
      assertThat(
              (Boolean)
                  page.evaluate(
                      "document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
          .as("no sideways scrolling at 390 px on " + p)
          .isTrue();
    }
    page.navigate(base + "/ui/#/messages/" + id);
    PlaywrightAssertions.assertThat(recipient("greylist@sim.test")).isVisible();
    shot("message-phone.png");

    // a key that stops working mid-session leads back to sign-in, saying why
    page.evaluate("sessionStorage.setItem('petrel.apiKey', 'pk_revoked_or_never_existed_key')");
    page.navigate(base + "/ui/#/suppressions");
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.ALERT))
        .containsText("You were signed out: the API key is not valid");
    PlaywrightAssertions.assertThat(page.getByLabel("API key")).isVisible();
    assertThat(pageErrors).as("uncaught JavaScript errors").isEmpty();
  }
}
