package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.report.StatusJson;
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
 * curl sends batches to a real Petrel that delivers to Postfix's smtp-sink. Each item is checked
 * and queued on its own with the single send's rules (fields, sender domain, size, quota,
 * suppression): the answer has one result per item in order, accepted ones with the single send's
 * answer, refused ones with the problem a single send would get; the accepted ones reach the sink
 * (without their tags or metadata) and the refused ones never do. A request that is wrong as a
 * whole (over 500 items, no messages array, not JSON) is one problem and queues nothing; an
 * Idempotency-Key replays the whole answer.
 */
class ApiBatchSendsEachMessageOnItsOwn {

  @TempDir Path dir;

  private static Map<String, Object> message(String from, Object to, String subject) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("from", from);
    if (to != null) m.put("to", to);
    m.put("subject", subject);
    m.put("text", "body of " + subject);
    return m;
  }

  private static Http.Answer batch(Http http, Path dir, String key, Object body, String... headers)
      throws Exception {
    Path file = Files.createTempFile(dir, "batch", ".json");
    Files.writeString(
        file,
        body instanceof String s ? s : StatusJson.MAPPER.writeValueAsString(body),
        java.nio.charset.StandardCharsets.UTF_8);
    List<String> h = new ArrayList<>(List.of("Content-Type: application/json"));
    h.addAll(List.of(headers));
    return http.curl("POST", "/api/v1/messages/batch", key, "@" + file, h.toArray(String[]::new));
  }

  @Test
  void mixedItemsAnswerInOrderAndOnlyTheGoodOnesAreDelivered() throws Exception {
    try (DeliveringPetrel p =
        DeliveringPetrel.start(
            dir,
            Map.of(
                ConfigKey.ALLOW_ANY_SENDER,
                "false",
                ConfigKey.MAX_MESSAGE_SIZE,
                "64KiB",
                ConfigKey.PLANS,
                "small=6"))) {
      String key = p.petrel.apiKey("acme");
      String other = p.petrel.apiKey("other");
      p.petrel.server().accounts().setPlan("acme", "small");
      assertThat(
              p.http
                  .curl(
                      "POST",
                      "/api/v1/domains",
                      key,
                      "{\"domain\": \"acme.test\"}",
                      "Content-Type: application/json")
                  .status())
          .isIn(200, 201);
      assertThat(
              p.http
                  .curl(
                      "POST",
                      "/api/v1/suppressions",
                      key,
                      "{\"address\": \"gone@sink.test\"}",
                      "Content-Type: application/json")
                  .status())
          .isEqualTo(201);

      String from = "app@acme.test";
      List<Object> items = new ArrayList<>();
      Map<String, Object> first = message(from, "one@sink.test", "batch-0");
      first.put("tags", List.of("tag-marker-5150"));
      first.put("metadata", Map.of("meta-key-7431", "meta-value-9902"));
      items.add(first); // 0: queued
      items.add(message(from, null, "batch-1")); // 1: no recipient, 422
      items.add(message("ceo@victim.test", "x@sink.test", "batch-2")); // 2: foreign sender, 403
      Map<String, Object> two = message(from, "two@sink.test", "batch-3");
      two.put("cc", "three@sink.test");
      items.add(two); // 3: queued, 2 recipients
      items.add("hello"); // 4: not a message object, 422
      Map<String, Object> big = message(from, "big@sink.test", "batch-5");
      big.put("text", "x".repeat(70 * 1024));
      items.add(big); // 5: over max-message-size, 413
      items.add(message(from, "gone@sink.test", "batch-6")); // 6: suppressed, 202
      items.add(message(from, "four@sink.test", "batch-7")); // 7: queued (5 of 6 used)
      items.add(message(from, List.of("five@sink.test", "six@sink.test"), "batch-8")); // 8: 429
      items.add(message(from, "seven@sink.test", "batch-9")); // 9: queued (6 of 6)

      Http.Answer a = batch(p.http, dir, key, Map.of("messages", items));
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      JsonNode answer = a.json();
      assertThat(answer.get("accepted").asInt()).isEqualTo(5);
      assertThat(answer.get("refused").asInt()).isEqualTo(5);
      JsonNode results = answer.get("results");
      assertThat(results.size()).isEqualTo(10);
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) {
        assertThat(results.get(i).get("index").asInt()).isEqualTo(i);
        statuses.add(results.get(i).get("status").asInt());
      }
      assertThat(statuses).containsExactly(202, 422, 403, 202, 422, 413, 202, 202, 429, 202);

      JsonNode ok = results.get(0).get("message");
      assertThat(ok.get("status").asString()).isEqualTo("queued");
      assertThat(ok.get("message_id").asString()).matches("<[0-9a-f-]{36}@petrel\\.test>");
      assertThat(ok.get("metadata").get("meta-key-7431").asString()).isEqualTo("meta-value-9902");
      assertThat(results.get(3).get("message").get("recipients").size()).isEqualTo(2);
      assertThat(results.get(6).get("message").get("status").asString()).isEqualTo("suppressed");
      JsonNode noRecipient = results.get(1).get("problem");
      assertThat(noRecipient.get("status").asInt()).isEqualTo(422);
      assertThat(noRecipient.get("errors").get(0).get("pointer").asString())
          .isEqualTo("/messages/1/to");
      assertThat(noRecipient.get("type").asString()).startsWith("https://");
      assertThat(results.get(2).get("problem").get("detail").asString()).contains("victim.test");
      assertThat(results.get(4).get("problem").get("errors").get(0).get("pointer").asString())
          .isEqualTo("/messages/4");
      assertThat(results.get(5).get("problem").get("type").asString())
          .endsWith("/message-too-large");
      JsonNode quota = results.get(8);
      assertThat(quota.get("problem").get("type").asString()).endsWith("/quota");
      assertThat(quota.get("retry_after").asLong()).isPositive();

      // /metrics counts each accepted message of the batch, with its recipients
      String metrics = p.http.curl("GET", "/metrics", null, null).body();
      assertThat(metrics)
          .containsPattern("(?m)^petrel_accepted_messages_total\\{[^}]*source=\"api\"[^}]*} 5\\.0$")
          .containsPattern(
              "(?m)^petrel_accepted_recipients_total\\{[^}]*source=\"api\"[^}]*} 6\\.0$");

      // what was accepted is queued under the caller's account, and only there
      List<String> ids = new ArrayList<>();
      for (int i : List.of(0, 3, 6, 7, 9))
        ids.add(results.get(i).get("message").get("id").asString());
      assertThat(p.queued()).isEqualTo(5);
      assertThat(p.http.curl("GET", "/api/v1/messages", key, null).json().get("data").size())
          .isEqualTo(5);
      assertThat(p.http.curl("GET", "/api/v1/messages", other, null).json().get("data").size())
          .isZero();
      for (String id : ids) p.http.curl("GET", "/api/v1/messages/" + id, other, null).problem(404);

      // the good ones reach the sink; the suppressed and refused ones never do
      await()
          .atMost(DeliveringPetrel.GUARD)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                for (String id : ids)
                  for (JsonNode r :
                      p.http
                          .curl("GET", "/api/v1/messages/" + id, key, null)
                          .json()
                          .get("recipients")) {
                    String s = r.get("state").asString();
                    if (!s.equals("delivered") && !s.equals("suppressed")) return false;
                  }
                return true;
              });
      StringBuilder all = new StringBuilder();
      List<String> subjects = new ArrayList<>();
      for (String dump : p.sink.messages()) {
        String header = DeliveringPetrel.header(DeliveringPetrel.message(dump));
        for (String line : header.split("\n"))
          if (line.startsWith("Subject: ")) subjects.add(line.substring(9));
        all.append(dump);
      }
      assertThat(subjects).containsExactlyInAnyOrder("batch-0", "batch-3", "batch-7", "batch-9");
      assertThat(all.toString())
          .contains("one@sink.test", "two@sink.test", "three@sink.test", "seven@sink.test")
          .doesNotContain("gone@sink.test")
          .doesNotContain("tag-marker-5150")
          .doesNotContain("meta-value-9902")
          .doesNotContain("meta-key-7431")
          .doesNotContainIgnoringCase("x-petrel");
    }
  }

  @Test
  void wrongRequestsAreOneProblemAndKeysReplayTheWholeAnswer() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir.resolve("data"))) {
      Http http = new Http(petrel.httpPort());
      String key = petrel.apiKey("acme");
      List<Object> many = new ArrayList<>();
      for (int i = 0; i < 501; i++) many.add(message("a@example.com", "b@example.net", "m" + i));
      JsonNode tooMany = batch(http, dir, key, Map.of("messages", many)).problem(422);
      assertThat(tooMany.get("errors").get(0).get("pointer").asString()).isEqualTo("/messages");
      assertThat(tooMany.get("detail").asString()).contains("501").contains("500");
      batch(http, dir, key, Map.of("messages", List.of())).problem(422);
      batch(http, dir, key, Map.of()).problem(422);
      batch(http, dir, key, Map.of("messages", "x")).problem(422);
      JsonNode extra =
          batch(
                  http,
                  dir,
                  key,
                  Map.of(
                      "messages",
                      List.of(message("a@example.com", "b@example.net", "s")),
                      "extra",
                      1))
              .problem(422);
      assertThat(extra.get("errors").get(0).get("pointer").asString()).isEqualTo("/extra");
      batch(http, dir, key, List.of(message("a@example.com", "b@example.net", "s"))).problem(400);
      batch(http, dir, key, "{not json").problem(400);
      http.curl("POST", "/api/v1/messages/batch", key, "{}", "Content-Type: text/plain")
          .problem(415);
      assertThat(petrel.store().list(1000)).isEmpty();

      // the path answers POST only; GET reads it as a message id
      Http.Answer put = http.curl("PUT", "/api/v1/messages/batch", key, null);
      put.problem(405);
      assertThat(put.headers().get("allow")).contains("POST");
      http.curl("GET", "/api/v1/messages/batch", key, null).problem(404);

      // Idempotency-Key: the same body replays the first answer and queues nothing more
      Map<String, Object> body =
          Map.of(
              "messages",
              List.of(
                  message("a@example.com", "b@example.net", "k1"),
                  message("a@example.com", null, "k2")));
      Http.Answer first = batch(http, dir, key, body, "Idempotency-Key: batch-key-1");
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.json().get("accepted").asInt()).isEqualTo(1);
      Http.Answer again = batch(http, dir, key, body, "Idempotency-Key: batch-key-1");
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.headers().get("idempotent-replayed")).isEqualTo("true");
      assertThat(again.json()).isEqualTo(first.json());
      assertThat(petrel.store().list(1000)).hasSize(1);
      JsonNode mismatch =
          batch(
                  http,
                  dir,
                  key,
                  Map.of("messages", List.of(message("a@example.com", "c@example.net", "k3"))),
                  "Idempotency-Key: batch-key-1")
              .problem(422);
      assertThat(mismatch.get("type").asString()).endsWith("/idempotency-mismatch");
      // keys are shared with single sends
      http.curl(
              "POST",
              "/api/v1/messages",
              key,
              StatusJson.MAPPER.writeValueAsString(message("a@example.com", "d@example.net", "s")),
              "Content-Type: application/json",
              "Idempotency-Key: batch-key-1")
          .problem(422);
      // another account's same key is its own
      String bob = petrel.apiKey("bob");
      Http.Answer bobs = batch(http, dir, bob, body, "Idempotency-Key: batch-key-1");
      assertThat(bobs.status()).isEqualTo(200);
      assertThat(bobs.headers()).doesNotContainKey("idempotent-replayed");
      assertThat(petrel.store().list(1000)).hasSize(2);
    }
  }
}
