package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import org.junit.jupiter.api.Test;

/**
 * Debian's chromium keeps the dashboard of a real Petrel open while mail arrives and is delivered
 * to the mailbox simulator, and never reloads: a message sent through the API appears in the open
 * list, and once delivery resumes its open page shows the 250 attempt and the list its new state.
 * While the tab is hidden the page asks the API nothing; shown again, it catches up at once.
 */
class DashboardRefreshesWhileDelivering extends DashboardPages {

  /** Delivery starts paused: the test resumes it once the pages are open. */
  @Override
  DashboardRig.Delivery delivery() {
    return DashboardRig.Delivery.PAUSED;
  }

  private String send(String subject) {
    return rig.send(
        "{\"from\": \"app@example.com\", \"to\": \"ok@sim.test\", \"subject\": \""
            + subject
            + "\", \"text\": \"hi\"}");
  }

  /**
   * Sets what the page believes about its tab's visibility, as a browser does on a tab switch, and
   * from then on counts the page's calls to the API in {@code window.__calls}.
   */
  private static void visible(Page page, boolean visible) {
    page.evaluate(
        "v => { Object.defineProperty(document, 'visibilityState', {configurable: true,"
            + " get: () => v ? 'visible' : 'hidden'});"
            + " Object.defineProperty(document, 'hidden', {configurable: true, get: () => !v});"
            + " if (!window.__fetch) { window.__fetch = window.fetch;"
            + " window.fetch = (...a) => { window.__calls++; return window.__fetch(...a); }; }"
            + " window.__calls = 0;"
            + " document.dispatchEvent(new Event('visibilitychange')); }",
        visible);
  }

  private static int calls(Page page) {
    return ((Number) page.evaluate("window.__calls")).intValue();
  }

  @Test
  void listAndTimelineFollowDeliveryWithoutAReload() throws Exception {
    Page page = chromium.signedIn(petrel, key, pageErrors);
    String base = Chromium.base(petrel);
    page.navigate(base + "/ui/#/messages");
    Chromium.settled(page);
    PlaywrightAssertions.assertThat(page.locator("main")).containsText("No message matches");
    // a reload or a new document would lose this
    page.evaluate("window.__sameDocument = true");

    String id = send("Live one");
    Locator row = page.locator("main tbody tr", new Page.LocatorOptions().setHasText(id));
    PlaywrightAssertions.assertThat(row).containsText("Live one");
    PlaywrightAssertions.assertThat(row.locator(".state")).hasText("queued");

    // its page, while nothing has been tried yet
    row.locator("a", new Locator.LocatorOptions().setHasText(id)).click();
    Locator recipient = page.locator("section[aria-label='Recipient ok@sim.test']");
    PlaywrightAssertions.assertThat(recipient).containsText("No delivery attempt yet");

    // delivery resumes: the timeline gets its 250 by itself
    petrel.store().resume(null);
    petrel.server().scheduler().wake();
    PlaywrightAssertions.assertThat(recipient.locator("li.attempt")).hasCount(1);
    PlaywrightAssertions.assertThat(recipient.locator("li.attempt")).containsText("250");
    PlaywrightAssertions.assertThat(recipient.locator(".state")).hasText("delivered");

    // back in the list (a link, not a reload): delivered; then a hidden tab asks nothing
    page.locator("a", new Page.LocatorOptions().setHasText("All messages")).click();
    PlaywrightAssertions.assertThat(row.locator(".state")).hasText("delivered");
    visible(page, false);
    String second = send("While hidden");
    // three refresh periods pass with the tab hidden
    page.waitForTimeout(10_000);
    assertThat(calls(page)).as("API calls while hidden").isZero();
    assertThat(page.locator("main tbody tr", new Page.LocatorOptions().setHasText(second)).count())
        .isZero();
    visible(page, true);
    PlaywrightAssertions.assertThat(
            page.locator("main tbody tr", new Page.LocatorOptions().setHasText(second)))
        .containsText("While hidden");
    assertThat(calls(page)).isPositive();

    assertThat(page.evaluate("window.__sameDocument === true"))
        .as("never reloaded")
        .isEqualTo(true);
    assertThat(pageErrors).as("uncaught JavaScript errors").isEmpty();
  }
}
