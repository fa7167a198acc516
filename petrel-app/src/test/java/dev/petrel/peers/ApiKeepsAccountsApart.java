package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.app.ConfigKey;
import dev.petrel.report.StatusJson;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Python's urllib (a client Petrel did not write) calls every endpoint with one account's key on
 * another account's data: nothing is shown, changed or leaked. Quotas: a plan of 3 recipients a
 * month refuses the fourth with 429, Retry-After and the reset time, over HTTP and over SMTP (450
 * 4.7.1).
 */
class ApiKeepsAccountsApart {

  /** Calls the API; prints "status json-body" (problem bodies too). */
  static final String CLIENT =
      """
      import sys, urllib.request, urllib.error
      method, url, key, body = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
      req = urllib.request.Request(url, method=method,
          data=body.encode() if body else None,
          headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
      try:
          with urllib.request.urlopen(req, timeout=60) as r:
              print(r.status, r.headers.get("Retry-After") or "-", r.read().decode() or "{}")
      except urllib.error.HTTPError as e:
          print(e.code, e.headers.get("Retry-After") or "-", e.read().decode() or "{}")
      """;

  record Answer(int status, String retryAfter, JsonNode body) {}

  @TempDir Path dir;
  RunningPetrel petrel;
  String base;

  @BeforeEach
  void start() throws Exception {
    petrel =
        RunningPetrel.start(
            dir.resolve("data"),
            Map.of(
                ConfigKey.PLANS,
                "tiny=3",
                ConfigKey.TRUSTED_NETWORKS,
                "",
                ConfigKey.AUTH_WITHOUT_TLS,
                "true"));
    base = "http://127.0.0.1:" + petrel.httpPort();
  }

  @AfterEach
  void stop() {
    if (petrel != null) petrel.close();
  }

  Answer call(String method, String path, String key, String body) {
    Exec.Result r = Python.run(CLIENT, method, base + path, key, body == null ? "" : body);
    assertThat(r.exit()).as(r.err()).isZero();
    String[] parts = r.out().strip().split(" ", 3);
    return new Answer(Integer.parseInt(parts[0]), parts[1], StatusJson.MAPPER.readTree(parts[2]));
  }

  @Test
  void anotherAccountsKeySeesNothingOfIt() throws Exception {
    String alice = petrel.apiKey("alice");
    String bob = petrel.apiKey("bob");
    Answer sent =
        call(
            "POST",
            "/api/v1/messages",
            alice,
            "{\"from\":\"a@example.com\",\"to\":\"x@example.net\",\"text\":\"hi\"}");
    assertThat(sent.status()).isEqualTo(202);
    String id = sent.body().get("id").asString();
    assertThat(
            call("POST", "/api/v1/suppressions", alice, "{\"address\":\"gone@example.net\"}")
                .status())
        .isEqualTo(201);

    // alice sees her own
    assertThat(call("GET", "/api/v1/messages/" + id, alice, null).status()).isEqualTo(200);
    assertThat(call("GET", "/api/v1/messages", alice, null).body().get("data").size()).isEqualTo(1);

    // bob, endpoint by endpoint
    Answer get = call("GET", "/api/v1/messages/" + id, bob, null);
    assertThat(get.status()).isEqualTo(404);
    assertThat(get.body().toString()).doesNotContain("a@example.com");
    assertThat(call("GET", "/api/v1/messages", bob, null).body().get("data").size()).isZero();
    assertThat(
            call("GET", "/api/v1/messages?recipient=x@example.net", bob, null)
                .body()
                .get("data")
                .size())
        .isZero();
    assertThat(call("GET", "/api/v1/suppressions", bob, null).body().get("data").size()).isZero();
    assertThat(call("DELETE", "/api/v1/suppressions/gone@example.net", bob, null).status())
        .isEqualTo(404);
    assertThat(call("GET", "/api/v1/account", bob, null).body().get("name").asString())
        .isEqualTo("bob");
    // sender domains: alice's is hers alone
    Answer added = call("POST", "/api/v1/domains", alice, "{\"domain\":\"alice.example\"}");
    assertThat(added.status()).as(added.body().toString()).isEqualTo(201);
    assertThat(added.body().toString())
        .contains("_domainkey.alice.example")
        .doesNotContain("PRIVATE");
    assertThat(call("GET", "/api/v1/domains/alice.example", alice, null).status()).isEqualTo(200);
    assertThat(call("GET", "/api/v1/domains/alice.example", bob, null).status()).isEqualTo(404);
    assertThat(call("POST", "/api/v1/domains/alice.example/check", bob, null).status())
        .isEqualTo(404);
    assertThat(call("DELETE", "/api/v1/domains/alice.example", bob, null).status()).isEqualTo(404);
    assertThat(call("POST", "/api/v1/domains", bob, "{\"domain\":\"alice.example\"}").status())
        .isEqualTo(409);
    assertThat(call("GET", "/api/v1/domains", bob, null).body().get("data").size()).isZero();
    assertThat(call("GET", "/api/v1/domains", alice, null).body().get("data").size()).isEqualTo(1);

    // queue operations on alice's message
    for (String op : new String[] {"retry", "hold", "release", "cancel"})
      assertThat(call("POST", "/api/v1/messages/" + id + "/" + op, bob, null).status())
          .as(op)
          .isEqualTo(404);
    assertThat(call("POST", "/api/v1/messages/" + id + "/hold", alice, null).status())
        .isEqualTo(200);

    // keys: bob cannot revoke alice's; a revoked key stops working
    Answer newKey = call("POST", "/api/v1/keys", alice, null);
    assertThat(newKey.status()).isEqualTo(201);
    String newId = newKey.body().get("id").asString();
    String newSecret = newKey.body().get("key").asString();
    assertThat(call("GET", "/api/v1/keys", bob, null).body().toString()).doesNotContain(newId);
    assertThat(call("DELETE", "/api/v1/keys/" + newId, bob, null).status()).isEqualTo(404);
    assertThat(call("GET", "/api/v1/account", newSecret, null).status()).isEqualTo(200);
    assertThat(call("DELETE", "/api/v1/keys/" + newId, alice, null).status()).isEqualTo(204);
    assertThat(call("GET", "/api/v1/account", newSecret, null).status()).isEqualTo(401);

    // SMTP logins
    Answer login =
        call("POST", "/api/v1/smtp-credentials", alice, "{\"user\":\"app@alice.example\"}");
    assertThat(login.status()).isEqualTo(201);
    assertThat(login.body().get("password").asString()).isNotBlank();
    assertThat(call("GET", "/api/v1/smtp-credentials", bob, null).body().get("data").size())
        .isZero();
    assertThat(call("DELETE", "/api/v1/smtp-credentials/app@alice.example", bob, null).status())
        .isEqualTo(404);
    assertThat(
            call("POST", "/api/v1/smtp-credentials", bob, "{\"user\":\"app@alice.example\"}")
                .status())
        .isEqualTo(409);
    assertThat(call("GET", "/api/v1/smtp-credentials", alice, null).body().get("data").size())
        .isEqualTo(1);

    // alice's entry is still there
    assertThat(call("GET", "/api/v1/suppressions", alice, null).body().get("data").size())
        .isEqualTo(1);
  }

  @Test
  void quotaRefusesPastTheLimitOverHttpAndSmtp() throws Exception {
    String key = petrel.apiKey("small");
    var accounts = petrel.server().accounts();
    accounts.setPlan("small", "tiny");
    Answer first =
        call(
            "POST",
            "/api/v1/messages",
            key,
            "{\"from\":\"a@example.com\",\"to\":[\"1@example.net\",\"2@example.net\"],\"text\":\"x\"}");
    assertThat(first.status()).isEqualTo(202);
    Answer over =
        call(
            "POST",
            "/api/v1/messages",
            key,
            "{\"from\":\"a@example.com\",\"to\":[\"3@example.net\",\"4@example.net\"],\"text\":\"x\"}");
    assertThat(over.status()).isEqualTo(429);
    assertThat(Long.parseLong(over.retryAfter())).isPositive();
    assertThat(over.body().get("detail").asString()).contains("resets at");
    JsonNode account = call("GET", "/api/v1/account", key, null).body();
    assertThat(account.get("quota").get("used").asInt()).isEqualTo(2);
    assertThat(account.get("quota").get("limit").asInt()).isEqualTo(3);

    // SMTP: a login of the same account gets the third recipient, then 450 4.7.1
    String password = petrel.credential("small", "app@example.com");
    Exec.Result smtp =
        Python.run(
            """
            import smtplib, sys
            s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=60)
            s.ehlo()
            s.login("app@example.com", sys.argv[2])
            s.mail("a@example.com")
            print(s.rcpt("5@example.net")[0])
            code, text = s.rcpt("6@example.net")
            print(code, text.decode())
            s.quit()
            """,
            Integer.toString(petrel.port()),
            password);
    assertThat(smtp.exit()).as(smtp.err()).isZero();
    String[] lines = smtp.out().strip().split("\n");
    assertThat(lines[0]).isEqualTo("250");
    assertThat(lines[1]).startsWith("450 4.7.1").contains("resets at");
  }
}
