package dev.petrel.peers;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's chromium, headless, driven by Playwright for Java (which downloads no browser of its
 * own), for the dashboard tests. When Playwright cannot drive it the test is skipped, or fails
 * under {@code PETREL_REQUIRE_PEERS=1}.
 */
final class Chromium implements AutoCloseable {

  private static final List<String> ARGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync");

  private final Playwright playwright;
  private final Browser browser;

  private Chromium(Playwright playwright, Browser browser) {
    this.playwright = playwright;
    this.browser = browser;
  }

  /** Starts chromium; Playwright's assertions wait up to 30 s (a hang guard, not a speed check). */
  static Chromium launch() {
    String chromium = Peers.require("chromium");
    Playwright playwright = null;
    try {
      playwright =
          Playwright.create(
              new Playwright.CreateOptions()
                  .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
      Browser browser =
          playwright
              .chromium()
              .launch(
                  new BrowserType.LaunchOptions()
                      .setExecutablePath(Path.of(chromium))
                      .setHeadless(true)
                      .setArgs(ARGS));
      PlaywrightAssertions.setDefaultAssertionTimeout(30_000);
      return new Chromium(playwright, browser);
    } catch (PlaywrightException e) {
      if (playwright != null) playwright.close();
      String why = "Playwright cannot drive " + chromium + ": " + e.getMessage();
      if (Peers.required()) throw new AssertionError(why + ", and PETREL_REQUIRE_PEERS=1", e);
      Assumptions.abort(why + "; skipping");
      throw new AssertionError("unreachable");
    }
  }

  /** The dashboard's address on a running Petrel (its {@code /} redirects to the pages). */
  static String base(RunningPetrel petrel) {
    return "http://127.0.0.1:" + petrel.httpPort();
  }

  /** A fresh browser context (its own storage, so its own sign-in). */
  BrowserContext context(Browser.NewContextOptions options) {
    return browser.newContext(options);
  }

  /**
   * A page in a fresh 1280 x 900 context, signed in to the dashboard of {@code petrel} with {@code
   * key} (it shows the overview); the page's uncaught JavaScript errors are added to {@code
   * errors}.
   */
  Page signedIn(RunningPetrel petrel, String key, List<String> errors) {
    Page page = context(new Browser.NewContextOptions().setViewportSize(1280, 900)).newPage();
    page.onPageError(errors::add);
    signIn(page, petrel, key);
    return page;
  }

  /**
   * Signs {@code page} in to the dashboard of {@code petrel} with {@code key}; it shows the
   * overview.
   */
  static void signIn(Page page, RunningPetrel petrel, String key) {
    page.navigate(base(petrel) + "/");
    page.getByLabel("API key").fill(key);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    PlaywrightAssertions.assertThat(page.locator("h1")).hasText("Deliverability overview");
  }

  /**
   * Saves a full-page screenshot to {@code target/screenshots}, or to the folder named by the
   * system property {@code petrel.screenshots} (docs/screenshots is refreshed that way).
   */
  static void shot(Page page, String name) {
    Path folder = Path.of(System.getProperty("petrel.screenshots", "target/screenshots"));
    try {
      java.nio.file.Files.createDirectories(folder);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    page.screenshot(new Page.ScreenshotOptions().setPath(folder.resolve(name)).setFullPage(true));
  }

  /** Waits until the page has its heading and nothing is loading any more. */
  static void settled(Page page) {
    page.waitForFunction(
        "() => document.querySelector('h1') !== null"
            + " && document.querySelector('[aria-busy]') === null");
  }

  @Override
  public void close() {
    browser.close();
    playwright.close();
  }
}
