package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * curl reads the headers of every kind of answer a real Petrel gives over HTTP: API successes
 * (including the ones that carry a new key or password), the dashboard's page, script and library,
 * the redirect to it, and problem documents (401, 404, 413, 415). Each has nosniff, no referrer, a
 * Content Security Policy that forbids framing; the dashboard's policy allows its own scripts only;
 * every answer outside the dashboard says {@code no-store}.
 */
class SecurityHeadersOnEveryAnswer {

  @TempDir Path dir;
  RunningPetrel petrel;
  Http http;
  String key;

  @BeforeEach
  void start() throws Exception {
    petrel = RunningPetrel.start(dir.resolve("data"));
    http = new Http(petrel.httpPort());
    key = petrel.apiKey("acme");
  }

  @AfterEach
  void stop() {
    if (petrel != null) petrel.close();
  }

  private static void common(String what, Map<String, String> h) {
    assertThat(h.get("x-content-type-options")).as(what).isEqualTo("nosniff");
    assertThat(h.get("referrer-policy")).as(what).isIn("no-referrer", "strict-origin");
    assertThat(h.get("content-security-policy")).as(what).contains("frame-ancestors 'none'");
  }

  /** An answer outside the dashboard: nothing may be loaded or run, nothing stored. */
  private static void api(String what, Http.Answer a) {
    common(what, a.headers());
    assertThat(a.headers().get("content-security-policy")).as(what).contains("default-src 'none'");
    assertThat(a.headers().get("cache-control")).as(what).isEqualTo("no-store");
  }

  private static void dashboard(String what, Http.Answer a) {
    common(what, a.headers());
    String csp = a.headers().get("content-security-policy");
    assertThat(csp).as(what).contains("script-src 'self'").doesNotContain("unsafe");
    assertThat(a.headers().get("cache-control")).as(what).isNotEqualTo("public");
  }

  @Test
  void everyAnswerCarriesTheHeaders() {
    Http.Answer account = http.curl("GET", "/api/v1/account", key, null);
    assertThat(account.status()).isEqualTo(200);
    api("account", account);

    Http.Answer newKey = http.curl("POST", "/api/v1/keys", key, null);
    assertThat(newKey.status()).isEqualTo(201);
    assertThat(newKey.body()).contains("\"key\":\"pk_");
    api("new key", newKey);

    Http.Answer login =
        http.curl(
            "POST",
            "/api/v1/smtp-credentials",
            key,
            "{\"user\":\"app@example.com\"}",
            "Content-Type: application/json");
    assertThat(login.status()).isEqualTo(201);
    api("new login", login);

    api("openapi", http.curl("GET", "/api/v1/openapi.json", null, null));
    api("health", http.curl("GET", "/healthz", null, null));

    // problem documents
    Http.Answer unauthorized = http.curl("GET", "/api/v1/account", null, null);
    unauthorized.problem(401);
    api("401", unauthorized);
    Http.Answer missing = http.curl("GET", "/no/such/thing", null, null);
    missing.problem(404);
    api("404", missing);
    Http.Answer type =
        http.curl("POST", "/api/v1/suppressions", key, "{}", "Content-Type: text/plain");
    type.problem(415);
    api("415", type);
    Http.Answer tooLarge =
        http.curl(
            "POST",
            "/api/v1/messages",
            key,
            "{}",
            "Content-Type: application/json",
            "Content-Length: 99999999999");
    tooLarge.problem(413);
    api("413", tooLarge);

    // the dashboard
    Http.Answer page = http.curl("GET", "/ui/", null, null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("<script type=\"module\" src=\"/ui/js/app.js\">");
    dashboard("page", page);
    dashboard("script", http.curl("GET", "/ui/js/app.js", null, null));
    Http.Answer redirect = http.curl("GET", "/", null, null);
    assertThat(redirect.status()).isEqualTo(302);
    dashboard("redirect", redirect);
    Http.Answer missingPage = http.curl("GET", "/ui/nothing-here.js", null, null);
    assertThat(missingPage.status()).isEqualTo(404);
    common("dashboard 404", missingPage.headers());
  }
}
