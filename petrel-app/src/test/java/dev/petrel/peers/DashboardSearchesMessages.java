package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Debian's chromium searches the message list of a real Petrel by subject (a part, any case), by
 * Message-ID and by tag, through the search fields and through a tag's link: each search shows
 * exactly the account's messages the API finds, never another account's with the same subject.
 */
class DashboardSearchesMessages extends DashboardPages {

  @Override
  DashboardRig.Delivery delivery() {
    return DashboardRig.Delivery.NONE;
  }

  private JsonNode send(String withKey, String subject, String tag) {
    return rig.post(
        withKey,
        "{\"from\": \"app@example.com\", \"to\": \"bob@example.org\", \"subject\": \""
            + subject
            + "\", \"text\": \"hi\", \"tags\": [\""
            + tag
            + "\"]}");
  }

  private void search(Page page, String label, String value) {
    for (String l : List.of("Subject contains", "Message-ID", "Tag"))
      page.getByLabel(l, new Page.GetByLabelOptions().setExact(true)).fill("");
    page.getByLabel(label, new Page.GetByLabelOptions().setExact(true)).fill(value);
    page.getByLabel(label, new Page.GetByLabelOptions().setExact(true)).press("Enter");
    Chromium.settled(page);
  }

  private static void shows(Page page, String... ids) {
    Locator rows = page.locator("main tbody tr");
    PlaywrightAssertions.assertThat(rows).hasCount(ids.length);
    for (String id : ids)
      PlaywrightAssertions.assertThat(
              page.locator("main tbody tr", new Page.LocatorOptions().setHasText(id)))
          .hasCount(1);
  }

  @Test
  void subjectMessageIdAndTagFindTheAccountsMessages() throws Exception {
    String invoice = send(key, "Invoice 42", "billing").get("id").asString();
    JsonNode upper = send(key, "Your INVOICE 43 is ready", "billing");
    String welcome = send(key, "Welcome aboard", "welcome").get("id").asString();
    send(petrel.apiKey("other"), "Invoice 42", "billing");
    Page page = chromium.signedIn(petrel, key, pageErrors);
    page.navigate(Chromium.base(petrel) + "/ui/#/messages");
    Chromium.settled(page);
    shows(page, invoice, upper.get("id").asString(), welcome);

    search(page, "Subject contains", "invoice");
    assertThat(page.url()).contains("subject=invoice");
    shows(page, invoice, upper.get("id").asString());

    search(page, "Message-ID", upper.get("message_id").asString());
    shows(page, upper.get("id").asString());

    search(page, "Tag", "welcome");
    shows(page, welcome);

    // a tag in the list is a link to its search
    page.navigate(Chromium.base(petrel) + "/ui/#/messages");
    Chromium.settled(page);
    page.locator("main tbody tr", new Page.LocatorOptions().setHasText(invoice))
        .locator("a.tag", new Locator.LocatorOptions().setHasText("billing"))
        .click();
    Chromium.settled(page);
    PlaywrightAssertions.assertThat(
            page.getByLabel("Tag", new Page.GetByLabelOptions().setExact(true)))
        .hasValue("billing");
    shows(page, invoice, upper.get("id").asString());
    assertThat(pageErrors).as("uncaught JavaScript errors").isEmpty();
  }
}
