package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Debian's chromium looks at mail a real Petrel delivered to the mailbox simulator. The message
 * page shows every header field (the Subject's RFC 2047 words decoded), the text part as text, the
 * attachment by name, and the HTML part in a sandboxed frame: the hostile part's script and image
 * {@code onerror} handler run neither there nor in the dashboard, whose own document never holds
 * the markup; "Download .eml" saves exactly the stored message. The list shows each message's
 * subject, and at 390 px (a phone) its addresses and sizes fit without being cut off.
 */
class DashboardShowsTheMessageSafely extends DashboardPages {

  static final String HOSTILE =
      "<p id=\\\"rich\\\">Rich part</p><script>document.body.dataset.ran = 'script';"
          + " parent.document.body.dataset.ran = 'script';</script>"
          + "<img id=\\\"trap\\\" src=\\\"no-such-image\\\" onerror=\\\"document.body.dataset.ran"
          + " = 'onerror'; parent.document.body.dataset.ran = 'onerror'\\\">";

  @Override
  DashboardRig.Delivery delivery() {
    return DashboardRig.Delivery.RUNNING;
  }

  private String send(String json) {
    String id = rig.send(json);
    rig.awaitDelivered(id);
    return id;
  }

  @Test
  void theMessageShowsItsPartsAndItsHtmlRunsNothing() throws Exception {
    String csv = Base64.getEncoder().encodeToString("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
    String id =
        send(
            "{\"from\": \"app@example.com\", \"to\": \"ok@sim.test\", \"subject\": \"Hostile"
                + " \u00fcn\u00efcode\", \"text\": \"Plain part line 1\\nline 2\", \"html\": \""
                + HOSTILE
                + "\", \"attachments\": [{\"filename\": \"report.csv\", \"content\": \""
                + csv
                + "\", \"content_type\": \"text/csv\"}]}");
    JsonNode detail = http.curl("GET", "/api/v1/messages/" + id, key, null).json();
    Page page = chromium.signedIn(petrel, key, pageErrors);
    String base = Chromium.base(petrel);

    // the list: the subject column, leading to the message
    page.navigate(base + "/ui/#/messages");
    Locator row = page.locator("main tbody tr", new Page.LocatorOptions().setHasText(id));
    PlaywrightAssertions.assertThat(row.locator("td.subject")).hasText("Hostile \u00fcn\u00efcode");
    row.locator("a", new Locator.LocatorOptions().setHasText(id)).click();
    PlaywrightAssertions.assertThat(page.locator("h1")).containsText(id);

    // every header field, decoded; the text part as text; the attachment by name
    Locator fields = page.locator("#header-fields");
    PlaywrightAssertions.assertThat(fields).containsText("Hostile \u00fcn\u00efcode");
    PlaywrightAssertions.assertThat(fields)
        .containsText(detail.get("headers").get("Message-ID").asString());
    PlaywrightAssertions.assertThat(fields).containsText("Received");
    PlaywrightAssertions.assertThat(page.locator("#text-part"))
        .containsText("Plain part line 1\nline 2");
    PlaywrightAssertions.assertThat(
            page.locator("main table", new Page.LocatorOptions().setHasText("report.csv")))
        .containsText("text/csv");

    // the HTML part renders in a frame sandboxed with no permission at all
    Locator frame = page.locator("iframe#html-part");
    PlaywrightAssertions.assertThat(frame).hasAttribute("sandbox", "");
    FrameLocator inside = page.frameLocator("iframe#html-part");
    PlaywrightAssertions.assertThat(inside.locator("#rich")).hasText("Rich part");
    // the broken image has been tried (its onerror would have fired by then, were scripts on)
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> (Boolean) inside.locator("#trap").evaluate("img => img.complete"));
    assertThat(inside.locator("body").getAttribute("data-ran")).as("script in the frame").isNull();
    assertThat(page.evaluate("document.body.dataset.ran === undefined")).isEqualTo(true);
    // the dashboard's own document never held the markup: no script, no handler, only text
    assertThat(
            page.evaluate(
                "document.querySelectorAll('main script, main [onerror], main #rich').length"))
        .isEqualTo(0);
    assertThat((String) page.evaluate("document.getElementById('main').innerHTML"))
        .doesNotContain("<script")
        .contains("&lt;script&gt;");
    page.locator("summary", new Page.LocatorOptions().setHasText("HTML source")).click();
    PlaywrightAssertions.assertThat(page.locator("#html-source"))
        .containsText("<script>document.body.dataset.ran");

    Chromium.shot(page, "message-content.png");

    // "Download .eml" saves the stored message, byte for byte
    Download eml = page.waitForDownload(() -> page.locator("#download-eml").click());
    assertThat(eml.suggestedFilename()).isEqualTo(id + ".eml");
    assertThat(Files.readAllBytes(eml.path())).isEqualTo(petrel.body(id));
    assertThat(pageErrors).as("uncaught JavaScript errors").isEmpty();
  }

  @Test
  void aPhoneShowsAddressesAndSizesWhole() throws Exception {
    String longFrom = "notifications-for-the-accounting-department@example.com";
    String longTo = "a-rather-long-recipient-address-that-phones-must-wrap@sim.test";
    String id =
        send(
            "{\"from\": \""
                + longFrom
                + "\", \"to\": [\""
                + longTo
                + "\", \"ok@sim.test\"], \"subject\": \"Your monthly statement of account is"
                + " ready to be downloaded\", \"text\": \""
                + "x".repeat(20_000)
                + "\"}");
    Page page = chromium.signedIn(petrel, key, pageErrors);
    page.setViewportSize(390, 844);
    page.navigate(Chromium.base(petrel) + "/ui/#/messages");
    Chromium.settled(page);
    Locator row = page.locator("main tbody tr", new Page.LocatorOptions().setHasText(id));
    PlaywrightAssertions.assertThat(row.locator("td.address")).containsText(longFrom);
    PlaywrightAssertions.assertThat(row.locator("td.recipients")).containsText(longTo);
    PlaywrightAssertions.assertThat(row.locator("td.size")).containsText("KiB");
    // each cell, address and size lies inside the screen and inside its own box
    @SuppressWarnings("unchecked")
    List<String> clipped =
        (List<String>)
            page.evaluate(
                "() => [...document.querySelectorAll('main tbody td, main tbody .address')]"
                    + ".filter(e => e.scrollWidth > e.clientWidth + 1"
                    + " || e.getBoundingClientRect().right > window.innerWidth"
                    + " || e.getBoundingClientRect().left < 0)"
                    + ".map(e => (e.dataset.label || e.className) + ': ' + e.textContent"
                    + " + ' ' + e.scrollWidth + '/' + e.clientWidth)");
    assertThat(clipped).as("cells cut off or outside a 390 px screen").isEmpty();
    Chromium.shot(page, "messages-phone.png");
    assertThat(
            (Boolean)
                page.evaluate(
                    "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
                        + " && [...document.querySelectorAll('.table-wrap')]"
                        + ".every(w => w.scrollWidth <= w.clientWidth)"))
        .as("no sideways scrolling")
        .isTrue();
    assertThat(pageErrors).as("uncaught JavaScript errors").isEmpty();
  }
}
