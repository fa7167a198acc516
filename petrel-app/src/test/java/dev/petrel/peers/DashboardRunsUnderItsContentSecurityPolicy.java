package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Debian's chromium, driven by Playwright, signs in to the dashboard of a real Petrel and opens
 * every page (the overview draws its chart) under the Content Security Policy the server sends: no
 * page reports a violation, in the console or as a {@code securitypolicyviolation} event. Then a
 * script injected inline into the page is refused and reported, which shows the policy is enforced
 * and that the test would see a violation.
 */
class DashboardRunsUnderItsContentSecurityPolicy extends DashboardPages {

  Page page;
  final List<String> console = new CopyOnWriteArrayList<>();

  @Override
  DashboardRig.Delivery delivery() {
    return DashboardRig.Delivery.RUNNING;
  }

  @BeforeEach
  void start() {
    var context = chromium.context(new Browser.NewContextOptions());
    // every violation the browser reports, as the page itself would see it
    context.addInitScript(
        "window.__violations = []; document.addEventListener('securitypolicyviolation', e =>"
            + " window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));");
    page = context.newPage();
    page.onConsoleMessage(m -> console.add(m.type() + ": " + m.text()));
    page.onPageError(pageErrors::add);
  }

  @SuppressWarnings("unchecked")
  private List<String> violations() {
    return (List<String>) page.evaluate("window.__violations");
  }

  private List<String> cspConsole() {
    return console.stream().filter(m -> m.contains("Content Security Policy")).toList();
  }

  @Test
  void everyPageLoadsWithoutAViolation() throws Exception {
    // one delivered message, so that the overview draws its chart; its HTML part is shown in a
    // sandboxed frame on the message page
    String id =
        rig.send(
            "{\"from\":\"app@example.com\",\"to\":\"ok@sim.test\",\"text\":\"hi\","
                + " \"html\":\"<p>hi</p>\"}");
    rig.awaitDelivered(id);
    String base = Chromium.base(petrel);

    Chromium.signIn(page, petrel, key);
    PlaywrightAssertions.assertThat(page.locator("#chart canvas")).hasCount(1);
    PlaywrightAssertions.assertThat(page.locator("#chart canvas"))
        .hasAttribute("aria-label", java.util.regex.Pattern.compile("delivered 1"));

    for (String route :
        List.of("messages", "suppressions", "codes", "codes/550", "domains", "webhooks")) {
      page.navigate(base + "/ui/#/" + route);
      page.waitForFunction(
          "() => document.querySelector('h1') !== null"
              + " && document.querySelector('[aria-busy]') === null");
    }
    page.navigate(base + "/ui/#/messages");
    page.locator("table a").first().click();
    PlaywrightAssertions.assertThat(page.locator("h1")).containsText("Message");
    PlaywrightAssertions.assertThat(page.frameLocator("#html-part").locator("p")).hasText("hi");
    PlaywrightAssertions.assertThat(page.locator("#text-part")).hasText("hi");

    assertThat(violations()).as("securitypolicyviolation events; console: %s", console).isEmpty();
    assertThat(cspConsole()).as("console").isEmpty();
    assertThat(pageErrors).isEmpty();

    // the control: an inline script is refused, and the refusal is seen
    page.evaluate(
        "() => { const s = document.createElement('script');"
            + " s.textContent = 'window.__inlineRan = true'; document.body.append(s); }");
    page.waitForFunction("() => window.__violations.length > 0");
    assertThat(page.evaluate("window.__inlineRan === true")).isEqualTo(false);
    assertThat(violations()).singleElement().asString().startsWith("script-src");
  }
}
