package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.deliver.SmtpSink;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Moving an installation from the embedded store to PostgreSQL with {@code petrel store copy}. A
 * serve on the embedded store takes real traffic: swaks and Python's smtplib over SMTP, curl over
 * the API (tags, metadata, a body large enough to be kept as a file), a peer that refuses every
 * recipient with 550 5.1.1 (so bounces, attempts and suppressions), a destination that is down (a
 * message deferred, still queued), a manual suppression, a webhook, an SMTP login and a sender
 * domain. The copy is refused while that serve runs. After it stops, the copy runs, a second copy
 * into the now full database is refused, and a serve on PostgreSQL (with a new, empty data folder)
 * answers the old API key with the same messages, attempts, suppressions, domains, webhooks, logins
 * and raw bodies, and delivers the deferred message once its destination is up.
 */
class StoreCopyKeepsEverything {

  @TempDir Path dir;

  @Test
  void aCopiedStoreServesTheSameMailOnPostgresql() throws Exception {
    try (PostgresCluster cluster = PostgresCluster.start();
        SmtpSink sink = SmtpSink.start(dir);
        Python.Server refuser = Python.serve(dir, "/peers/refusing_smtp.py")) {
      String url = cluster.createDatabase();
      Path data = dir.resolve("data");
      int down = freePort();
      Map<String, JsonNode> before = new LinkedHashMap<>();
      List<String> ids = new ArrayList<>();
      String key;
      String defaultKey;
      String deferred;
      String big;
      String webhook;
      byte[] bigRaw;

      // 1. the embedded store takes traffic
      try (RunningPetrel petrel =
          RunningPetrel.start(
              data,
              Map.of(
                  ConfigKey.PAUSED,
                  "false",
                  ConfigKey.ROUTE,
                  "sink.test=127.0.0.1:"
                      + sink.port
                      + ",refuse.test=127.0.0.1:"
                      + refuser.port()
                      + ",later.test=127.0.0.1:"
                      + down))) {
        Http http = new Http(petrel.httpPort());
        key = petrel.apiKey("acme");
        defaultKey = petrel.apiKey("default");

        // the webhook first: every event after it is queued for it (and logged as tried)
        Http.Answer hook =
            http.curl(
                "POST",
                "/api/v1/webhooks",
                key,
                "{\"url\": \"https://hooks.example.com/petrel\"}",
                "Content-Type: application/json");
        assertThat(hook.status()).as(hook.body()).isEqualTo(201);
        webhook = hook.json().get("id").asString();
        Swaks.Run swaks =
            Swaks.run(
                petrel.port(),
                "--from",
                "alice@example.com",
                "--to",
                "bob@sink.test",
                "--header",
                "Subject: over swaks",
                "--body",
                "Hello from swaks.\n");
        assertThat(swaks.replies()).as(swaks.transcript()).anyMatch(r -> r.startsWith("250 2.0.0"));
        ids.add(swaks.queuedId());

        Exec.Result smtplib =
            Python.run(
                """
                import smtplib, sys
                s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=60)
                s.sendmail("alice@example.com", ["gone@refuse.test"],
                           b"From: alice@example.com\\r\\nTo: gone@refuse.test\\r\\n"
                           b"Subject: over smtplib\\r\\n\\r\\nHello from smtplib.\\r\\n")
                s.quit()
                """,
                String.valueOf(petrel.port()));
        assertThat(smtplib.exit()).as(smtplib.all()).isZero();

        ids.add(
            send(
                http,
                key,
                """
                {"from": "app@example.com", "to": ["ok@sink.test", "nobody@refuse.test"],
                 "subject": "tagged", "text": "Hello", "tags": ["welcome", "nov"],
                 "metadata": {"order": 42, "vip": true}}
                """));
        big = send(http, key, bigMessage());
        ids.add(big);
        deferred =
            send(
                http,
                key,
                """
                {"from": "app@example.com", "to": ["wait@later.test"], "subject": "waiting",
                 "text": "Delivered once later.test is up."}
                """);
        ids.add(deferred);

        Http.Answer suppressed =
            http.curl(
                "POST",
                "/api/v1/suppressions",
                key,
                "{\"address\": \"manual@example.org\"}",
                "Content-Type: application/json");
        assertThat(suppressed.status()).as(suppressed.body()).isEqualTo(201);
        Http.Answer login =
            http.curl(
                "POST",
                "/api/v1/smtp-credentials",
                key,
                "{\"user\": \"app@example.com\"}",
                "Content-Type: application/json");
        assertThat(login.status()).as(login.body()).isEqualTo(201);

        // three delivered to the sink; both refuse.test recipients bounced and suppressed; the
        // later.test one deferred
        sink.messages();
        await().atMost(Duration.ofSeconds(90)).until(() -> sink.messages().size() >= 3);
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(300))
            .until(
                () ->
                    suppressions(http, key).contains("nobody@refuse.test")
                        && suppressions(http, defaultKey).contains("gone@refuse.test")
                        && state(http, key, deferred).equals("deferred")
                        && !ok(http.curl(
                                "GET", "/api/v1/webhooks/" + webhook + "/deliveries", key, null))
                            .get("data")
                            .isEmpty());
        Http.Answer domain =
            http.curl(
                "POST",
                "/api/v1/domains",
                key,
                "{\"domain\": \"mail.acme.test\"}",
                "Content-Type: application/json");
        assertThat(domain.status()).as(domain.body()).isEqualTo(201);

        for (String id : ids) before.put("message " + id, get(http, key, id, defaultKey));
        before.put("acme messages", ok(http.curl("GET", "/api/v1/messages?limit=100", key, null)));
        before.put(
            "default messages",
            ok(http.curl("GET", "/api/v1/messages?limit=100", defaultKey, null)));
        before.put("acme suppressions", ok(http.curl("GET", "/api/v1/suppressions", key, null)));
        before.put(
            "default suppressions", ok(http.curl("GET", "/api/v1/suppressions", defaultKey, null)));
        before.put("domains", ok(http.curl("GET", "/api/v1/domains", key, null)));
        before.put("webhooks", ok(http.curl("GET", "/api/v1/webhooks", key, null)));
        before.put("logins", ok(http.curl("GET", "/api/v1/smtp-credentials", key, null)));
        before.put("account", ok(http.curl("GET", "/api/v1/account", key, null)));
        bigRaw = raw(http, key, big);
        before.put(
            "webhook log",
            ok(http.curl("GET", "/api/v1/webhooks/" + webhook + "/deliveries", key, null)));

        // a running serve holds the data folder: no copy
        Exec.Result busy = PetrelCli.run("store", "copy", "--from", data.toString(), "--to", url);
        assertThat(busy.exit()).as(busy.all()).isEqualTo(2);
        assertThat(busy.err()).contains("in use by another petrel serve");
      }
      assertThat(before.get("message " + big).toString()).contains("\"attempts\"");

      // 2. the copy, and a second one refused
      Exec.Result copy = PetrelCli.run("store", "copy", "--from", data.toString(), "--to", url);
      assertThat(copy.exit()).as(copy.all()).isZero();
      int messages =
          before.get("acme messages").get("data").size()
              + before.get("default messages").get("data").size();
      assertThat(messages).isGreaterThanOrEqualTo(5);
      assertThat(copy.out()).contains("copied " + messages + " messages");
      Exec.Result again = PetrelCli.run("store", "copy", "--from", data.toString(), "--to", url);
      assertThat(again.exit()).as(again.all()).isEqualTo(2);
      assertThat(again.err()).contains("is not empty");

      // 3. serve on PostgreSQL, from a new data folder: the same answers to the same key
      try (RunningPetrel petrel =
          RunningPetrel.start(
              dir.resolve("data-pg"),
              Map.of(
                  ConfigKey.STORE,
                  url,
                  ConfigKey.PAUSED,
                  "false",
                  ConfigKey.ROUTE,
                  "sink.test=127.0.0.1:"
                      + sink.port
                      + ",refuse.test=127.0.0.1:"
                      + refuser.port()
                      + ",later.test=127.0.0.1:"
                      + sink.port))) {
        Http http = new Http(petrel.httpPort());
        Map<String, JsonNode> after = new LinkedHashMap<>();
        for (String id : ids) after.put("message " + id, get(http, key, id, defaultKey));
        after.put("acme messages", ok(http.curl("GET", "/api/v1/messages?limit=100", key, null)));
        after.put(
            "default messages",
            ok(http.curl("GET", "/api/v1/messages?limit=100", defaultKey, null)));
        after.put("acme suppressions", ok(http.curl("GET", "/api/v1/suppressions", key, null)));
        after.put(
            "default suppressions", ok(http.curl("GET", "/api/v1/suppressions", defaultKey, null)));
        after.put("domains", ok(http.curl("GET", "/api/v1/domains", key, null)));
        after.put("webhooks", ok(http.curl("GET", "/api/v1/webhooks", key, null)));
        after.put("logins", ok(http.curl("GET", "/api/v1/smtp-credentials", key, null)));
        after.put("account", ok(http.curl("GET", "/api/v1/account", key, null)));
        for (String what : before.keySet())
          if (!what.equals("webhook log"))
            assertThat(after.get(what)).as(what).isEqualTo(before.get(what));
        assertThat(raw(http, key, big)).isEqualTo(bigRaw);
        // the webhook's log: every try made before the copy is still there (more may follow)
        JsonNode log =
            ok(http.curl("GET", "/api/v1/webhooks/" + webhook + "/deliveries", key, null));
        List<JsonNode> tried = new ArrayList<>();
        before.get("webhook log").get("data").forEach(tried::add);
        List<JsonNode> kept = new ArrayList<>();
        log.get("data").forEach(kept::add);
        assertThat(tried).isNotEmpty();
        assertThat(kept).containsAll(tried);

        // the deferred message goes out now that its destination is up
        int delivered = sink.messages().size();
        Http.Answer retry = http.curl("POST", "/api/v1/messages/" + deferred + "/retry", key, null);
        assertThat(retry.status()).as(retry.body()).isBetween(200, 204);
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(300))
            .until(() -> state(http, key, deferred).equals("delivered"));
        assertThat(sink.messages()).hasSize(delivered + 1);
        assertThat(sink.messages().getLast()).contains("Subject: waiting");
      }
    }
  }

  private static String bigMessage() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < 600_000; i++)
      text.append("line ").append(i).append(" of a body kept as a file\\n");
    return "{\"from\": \"app@example.com\", \"to\": [\"big@sink.test\"], \"subject\": \"big\","
        + " \"text\": \""
        + text
        + "\"}";
  }

  private String send(Http http, String key, String json) throws Exception {
    Path body = Files.createTempFile(dir, "request", ".json");
    Files.writeString(body, json, StandardCharsets.UTF_8);
    Http.Answer a =
        http.curl("POST", "/api/v1/messages", key, "@" + body, "Content-Type: application/json");
    assertThat(a.status()).as(a.body()).isEqualTo(202);
    return a.json().get("id").asString();
  }

  /** A message as the API shows it, asked with the key of the account that sent it. */
  private static JsonNode get(Http http, String key, String id, String otherKey) {
    Http.Answer a = http.curl("GET", "/api/v1/messages/" + id, key, null);
    if (a.status() == 404) a = http.curl("GET", "/api/v1/messages/" + id, otherKey, null);
    return ok(a);
  }

  private static byte[] raw(Http http, String key, String id) {
    Http.Answer a = http.curl("GET", "/api/v1/messages/" + id + "/raw", key, null);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.body().getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode ok(Http.Answer a) {
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json();
  }

  private static String suppressions(Http http, String key) {
    return ok(http.curl("GET", "/api/v1/suppressions", key, null)).toString();
  }

  private static String state(Http http, String key, String id) {
    return ok(http.curl("GET", "/api/v1/messages/" + id, key, null))
        .get("recipients")
        .get(0)
        .get("state")
        .asString();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
