package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Debian's chromium reads the overview of a real Petrel delivering to the mailbox simulator: no
 * warning with no bounce; one hard bounce in 20 recipients (5 %) is a warning, three in 22 (13.6 %)
 * critical, each with the bounces' reasons and counts as {@code GET /api/v1/stats} gives them; the
 * chart counts recipients (its label says so, and a deferral is not in it); another account sees no
 * warning. The reply-code index shows each code's title from the engine, and the sign-in hint shows
 * its command as code, without backticks.
 */
class DashboardWarnsOfHighBounceRates extends DashboardPages {

  @Override
  DashboardRig.Delivery delivery() {
    return DashboardRig.Delivery.RUNNING;
  }

  /** Sends one message to these recipients and waits until none of them waits any more. */
  private void deliver(List<String> to) {
    String list = String.join("\", \"", to);
    String id =
        rig.send("{\"from\": \"app@example.com\", \"to\": [\"" + list + "\"], \"text\": \"hi\"}");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              for (JsonNode r :
                  http.curl("GET", "/api/v1/messages/" + id, key, null).json().get("recipients"))
                if (!List.of("delivered", "bounced").contains(r.get("state").asString()))
                  return false;
              return true;
            });
  }

  private JsonNode stats() {
    return http.curl("GET", "/api/v1/stats", key, null).json();
  }

  private Locator overview(Page page) {
    page.navigate(Chromium.base(petrel) + "/ui/#/overview");
    page.reload(); // the same address again: a fresh load, not a no-op
    Chromium.settled(page);
    PlaywrightAssertions.assertThat(page.locator("#chart canvas")).hasCount(1);
    return page.locator("#bounce-warning");
  }

  /** The reasons and counts as the API gives them, in its order, as the page writes them. */
  private static List<String> reasons(JsonNode stats) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : stats.get("top_bounce_reasons"))
      out.add(r.get("reason").asString() + ": " + r.get("count").asLong());
    return out;
  }

  @Test
  void theWarningFollowsTheBounceRateWithItsReasons() throws Exception {
    Page page = chromium.signedIn(petrel, key, pageErrors);
    deliver(IntStream.rangeClosed(1, 3).mapToObj(i -> "ok" + i + "@sim.test").toList());
    assertThat(overview(page).count()).as("no bounce, no warning").isZero();

    // 16 more delivered and one hard bounce: 1 of 20 is 5 %, a warning
    List<String> to =
        new ArrayList<>(
            IntStream.rangeClosed(4, 19).mapToObj(i -> "ok" + i + "@sim.test").toList());
    to.add("rcpt-550-5.1.1@sim.test");
    deliver(to);
    JsonNode s = stats();
    assertThat(s.get("bounce_rate").asDouble()).isEqualTo(0.05);
    Locator warning = overview(page);
    PlaywrightAssertions.assertThat(warning).hasClass(Pattern.compile("alert-warning"));
    PlaywrightAssertions.assertThat(warning.locator("h2"))
        .hasText("Warning: bounce rate 5.0 % over the last 7 days");
    PlaywrightAssertions.assertThat(warning).containsText("1 of 20 recipients bounced");
    PlaywrightAssertions.assertThat(warning.locator("#bounce-reasons li"))
        .hasText(reasons(s).toArray(String[]::new));

    // two more hard bounces of two kinds: 3 of 22, critical
    deliver(List.of("rcpt-550-5.1.1+2@sim.test", "rcpt-552-5.2.2@sim.test"));
    s = stats();
    assertThat(reasons(s)).hasSize(2).first().asString().startsWith("userunknown: 2");
    warning = overview(page);
    PlaywrightAssertions.assertThat(warning).hasClass(Pattern.compile("alert-critical"));
    PlaywrightAssertions.assertThat(warning.locator("h2"))
        .hasText(
            String.format(
                "Critical: bounce rate %.1f %% over the last 7 days",
                s.get("bounce_rate").asDouble() * 100));
    PlaywrightAssertions.assertThat(warning.locator("#bounce-reasons li"))
        .hasText(reasons(s).toArray(String[]::new));
    PlaywrightAssertions.assertThat(warning.locator("a[href*='aws.amazon.com']")).hasCount(1);

    // the chart counts recipients by final state, as the API's totals do; deferrals stand apart
    JsonNode t = s.get("totals");
    PlaywrightAssertions.assertThat(page.locator("#chart canvas"))
        .hasAttribute(
            "aria-label",
            "Chart of recipients by final outcome: delivered "
                + t.get("delivered").asLong()
                + ", bounced "
                + t.get("bounced").asLong()
                + ", expired 0, suppressed 0");
    PlaywrightAssertions.assertThat(page.locator("#deferred .big")).hasText("0");
    Chromium.shot(page, "overview-bounce-warning.png");

    // a reason leads to the bounced messages with it
    warning.locator("#bounce-reasons a").first().click();
    PlaywrightAssertions.assertThat(page.locator("#f-status")).hasValue("bounced");
    PlaywrightAssertions.assertThat(page.locator("#f-reason")).hasValue("userunknown");
    PlaywrightAssertions.assertThat(page.locator("main tbody tr")).hasCount(2);

    // another account's overview knows nothing of acme's bounces
    Page other = chromium.signedIn(petrel, petrel.apiKey("other"), pageErrors);
    Chromium.settled(other);
    PlaywrightAssertions.assertThat(other.locator("#bounce-rate")).containsText("—");
    assertThat(other.locator("#bounce-warning").count()).isZero();
    assertThat(pageErrors).as("uncaught JavaScript errors").isEmpty();
  }

  @Test
  void theCodeIndexShowsTitlesAndTheSignInHintHasNoBackticks() throws Exception {
    Page page = chromium.signedIn(petrel, key, pageErrors);
    page.navigate(Chromium.base(petrel) + "/ui/#/codes");
    Chromium.settled(page); // every title asked for
    // each code's title is the engine's, as the API gives it
    for (String code : List.of("250", "421", "450", "550", "554")) {
      String title =
          http.curl("GET", "/api/v1/explain?reply=" + code, key, null)
              .json()
              .get("code_title")
              .asString();
      assertThat(title).isNotBlank();
      PlaywrightAssertions.assertThat(
              page.locator("#basic-codes li[data-code='" + code + "'] .title"))
          .hasText(title);
    }
    for (String code : List.of("5.1.1", "5.2.2", "5.7.1", "5.7.26", "5.4.4")) {
      String title =
          http.curl("GET", "/api/v1/explain?reply=" + code, key, null)
              .json()
              .get("enhanced_title")
              .asString();
      assertThat(title).isNotBlank();
      PlaywrightAssertions.assertThat(
              page.locator("#enhanced-codes li[data-code='" + code + "'] .title"))
          .hasText(title);
    }
    JsonNode subject = http.curl("GET", "/api/v1/explain?reply=5.7.0", key, null).json();
    PlaywrightAssertions.assertThat(page.locator("#enhanced-codes h3").nth(7))
        .containsText(subject.get("enhanced_subject").asString());

    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
    Locator hint = page.locator("#key-hint");
    PlaywrightAssertions.assertThat(hint).containsText("petrel keys create ACCOUNT makes one");
    assertThat(hint.innerText()).doesNotContain("`");
    PlaywrightAssertions.assertThat(hint.locator("code").nth(1))
        .hasText("petrel keys create ACCOUNT");
    assertThat(pageErrors).as("uncaught JavaScript errors").isEmpty();
  }
}
