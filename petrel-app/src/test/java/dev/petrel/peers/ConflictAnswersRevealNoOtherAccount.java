package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two accounts over curl: a sender domain or an SMTP login that one account holds is answered 409
 * "not available" to the other, in words that do not say it exists or that an account holds it (the
 * same words whatever makes a name unavailable); only the holder is told that it is already its
 * own.
 */
class ConflictAnswersRevealNoOtherAccount {

  @TempDir Path dir;
  RunningPetrel petrel;
  Http http;
  String acme;
  String rival;

  @BeforeEach
  void start() throws Exception {
    petrel = RunningPetrel.start(dir.resolve("data"));
    http = new Http(petrel.httpPort());
    acme = petrel.apiKey("acme");
    rival = petrel.apiKey("rival");
  }

  @AfterEach
  void stop() {
    if (petrel != null) petrel.close();
  }

  private Http.Answer post(String path, String key, String body) {
    return http.curl("POST", path, key, body, "Content-Type: application/json");
  }

  /** Checks a 409 tells the caller nothing about who holds the name, and returns its detail. */
  private static String unavailable(Http.Answer a, String type) {
    JsonNode p = a.problem(409);
    assertThat(p.get("type").asString()).endsWith("/" + type);
    String detail = p.get("detail").asString();
    assertThat(detail).contains("not available");
    assertThat(a.body().toLowerCase())
        .doesNotContain("acme")
        .doesNotContain("account")
        .doesNotContain("exist")
        .doesNotContain("already")
        .doesNotContain("taken");
    return detail;
  }

  @Test
  void aDomainHeldByAnotherAccountIsOnlyUnavailable() {
    assertThat(post("/api/v1/domains", acme, "{\"domain\":\"shop.example\"}").status())
        .isEqualTo(201);

    String detail =
        unavailable(
            post("/api/v1/domains", rival, "{\"domain\":\"shop.example\"}"), "domain-unavailable");
    // the same name written otherwise gets the very same words
    assertThat(
            unavailable(
                post("/api/v1/domains", rival, "{\"domain\":\"SHOP.Example.\"}"),
                "domain-unavailable"))
        .isEqualTo(detail);

    // the holder is told plainly that it is its own
    JsonNode own = post("/api/v1/domains", acme, "{\"domain\":\"shop.example\"}").problem(409);
    assertThat(own.get("type").asString()).endsWith("/domain-exists");
    assertThat(own.get("detail").asString()).contains("already a sender domain of this account");

    // and the other account still cannot see or touch it
    assertThat(http.curl("GET", "/api/v1/domains/shop.example", rival, null).status())
        .isEqualTo(404);
  }

  @Test
  void aLoginHeldByAnotherAccountIsOnlyUnavailable() {
    String body = "{\"user\":\"app@shop.example\"}";
    assertThat(post("/api/v1/smtp-credentials", acme, body).status()).isEqualTo(201);

    String detail = unavailable(post("/api/v1/smtp-credentials", rival, body), "login-unavailable");
    assertThat(detail).contains("app@shop.example");

    JsonNode own = post("/api/v1/smtp-credentials", acme, body).problem(409);
    assertThat(own.get("type").asString()).endsWith("/login-exists");
    assertThat(own.get("detail").asString()).contains("already an SMTP login of this account");
    assertThat(http.curl("GET", "/api/v1/smtp-credentials", rival, null).body())
        .doesNotContain("app@shop.example");
  }
}
