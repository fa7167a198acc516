package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.report.StatusJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * curl against a real server: a message's tags and metadata are kept with the JSON type of each
 * value and come back in the send answer and in {@code GET /api/v1/messages/{id}} (with the subject
 * and Message-ID); the limits (10 tags, 20 metadata keys, keys of 1 to 40 characters, string values
 * of at most 500) hold at their edge and past it get a 422 naming the JSON pointer.
 */
class ApiKeepsTagsAndMetadata {

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

  private Http.Answer post(Object body) {
    return http.curl(
        "POST",
        "/api/v1/messages",
        key,
        StatusJson.MAPPER.writeValueAsString(body),
        "Content-Type: application/json");
  }

  private static Map<String, Object> message(Object tags, Object metadata) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("from", "ann@example.com");
    m.put("to", "bob@example.net");
    m.put("subject", "Order 42");
    m.put("text", "t");
    if (tags != null) m.put("tags", tags);
    if (metadata != null) m.put("metadata", metadata);
    return m;
  }

  /** The pointers of a 422's errors. */
  private List<String> refused(Object tags, Object metadata) {
    JsonNode p = post(message(tags, metadata)).problem(422);
    List<String> pointers = new ArrayList<>();
    for (JsonNode e : p.get("errors")) pointers.add(e.get("pointer").asString());
    return pointers;
  }

  @Test
  void tagsAndMetadataComeBackWithTheirTypes() {
    Http.Answer sent =
        http.curl(
            "POST",
            "/api/v1/messages",
            key,
            """
            {"from": "ann@example.com", "to": "bob@example.net", "subject": "Order 42",
             "text": "t", "tags": ["invoice", "nov", "invoice"],
             "metadata": {"order": 42, "price": 4.5, "vip": true, "paid": false,
                          "customer": "c-7", "note": "ünïcödé"}}
            """,
            "Content-Type: application/json");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    JsonNode answer = sent.json();
    assertThat(answer.get("metadata").get("order").isIntegralNumber()).isTrue();
    assertThat(answer.get("tags").toString()).isEqualTo("[\"invoice\",\"nov\"]");

    JsonNode m =
        http.curl("GET", "/api/v1/messages/" + answer.get("id").asString(), key, null).json();
    assertThat(m.get("subject").asString()).isEqualTo("Order 42");
    assertThat(m.get("message_id").asString()).isEqualTo(answer.get("message_id").asString());
    assertThat(m.get("tags").toString()).isEqualTo("[\"invoice\",\"nov\"]");
    JsonNode md = m.get("metadata");
    assertThat(md.get("order").isIntegralNumber()).isTrue();
    assertThat(md.get("order").asInt()).isEqualTo(42);
    assertThat(md.get("price").isFloatingPointNumber()).isTrue();
    assertThat(md.get("price").asDouble()).isEqualTo(4.5);
    assertThat(md.get("vip").isBoolean()).isTrue();
    assertThat(md.get("vip").asBoolean()).isTrue();
    assertThat(md.get("paid").asBoolean()).isFalse();
    assertThat(md.get("customer").isString()).isTrue();
    assertThat(md.get("note").asString()).isEqualTo("ünïcödé");
    // keys keep the order they were given in
    List<String> keys = new ArrayList<>();
    md.propertyNames().forEach(keys::add);
    assertThat(keys).containsExactly("order", "price", "vip", "paid", "customer", "note");

    // a message without any: empty, not absent
    Http.Answer plain = post(message(null, null));
    JsonNode bare =
        http.curl("GET", "/api/v1/messages/" + plain.json().get("id").asString(), key, null).json();
    assertThat(bare.get("tags").size()).isZero();
    assertThat(bare.get("metadata").size()).isZero();
  }

  @Test
  void limitsHoldAtTheEdgeAndPastItNameThePointer() {
    List<String> ten = new ArrayList<>();
    for (int i = 0; i < 10; i++) ten.add("t" + i);
    Map<String, Object> twenty = new LinkedHashMap<>();
    for (int i = 0; i < 19; i++) twenty.put("k" + i, i);
    twenty.put("k".repeat(40), "v".repeat(500));
    assertThat(post(message(ten, twenty)).status()).isEqualTo(202);

    List<String> eleven = new ArrayList<>(ten);
    eleven.add("t10");
    assertThat(refused(eleven, null)).containsExactly("/tags");
    assertThat(refused(List.of("ok", "two words", ""), null)).containsExactly("/tags/1", "/tags/2");
    assertThat(refused("invoice", null)).containsExactly("/tags");

    Map<String, Object> twentyOne = new LinkedHashMap<>(twenty);
    twentyOne.put("one-more", 1);
    assertThat(refused(null, twentyOne)).containsExactly("/metadata");
    assertThat(refused(null, Map.of("k".repeat(41), 1)))
        .containsExactly("/metadata/" + "k".repeat(41));
    assertThat(refused(null, Map.of("a/b", 1))).containsExactly("/metadata/a~1b");
    assertThat(refused(null, Map.of("order", "v".repeat(501)))).containsExactly("/metadata/order");
    Map<String, Object> nulls = new LinkedHashMap<>();
    nulls.put("gone", null);
    assertThat(refused(null, nulls)).containsExactly("/metadata/gone");
    assertThat(refused(null, Map.of("nested", Map.of("a", 1)))).containsExactly("/metadata/nested");
    assertThat(refused(null, Map.of("list", List.of(1)))).containsExactly("/metadata/list");
    assertThat(refused(null, List.of("x"))).containsExactly("/metadata");
    JsonNode huge =
        http.curl(
                "POST",
                "/api/v1/messages",
                key,
                "{\"from\": \"ann@example.com\", \"to\": \"bob@example.net\", \"text\": \"t\","
                    + " \"metadata\": {\"big\": 1e400}}",
                "Content-Type: application/json")
            .problem(422);
    assertThat(huge.get("errors").get(0).get("pointer").asString()).isEqualTo("/metadata/big");
    // nothing refused was queued
    assertThat(http.curl("GET", "/api/v1/messages", key, null).json().get("data").size())
        .isEqualTo(1);
  }
}
