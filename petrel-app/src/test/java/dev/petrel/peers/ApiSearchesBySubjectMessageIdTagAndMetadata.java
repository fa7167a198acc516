package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * curl searches a real server's messages by subject (part of the decoded Subject, any case, any
 * script), Message-ID (with or without angle brackets), tag and {@code metadata.KEY=VALUE}; the
 * list answer carries each message's subject, Message-ID, tags and metadata with their JSON types.
 * One account's search never finds another's messages, and an empty, repeated or malformed filter
 * is a 400 problem.
 */
class ApiSearchesBySubjectMessageIdTagAndMetadata {

  @TempDir Path dir;
  RunningPetrel petrel;
  Http http;
  String alice;
  String bob;

  @BeforeEach
  void start() throws Exception {
    petrel = RunningPetrel.start(dir.resolve("data"));
    http = new Http(petrel.httpPort());
    alice = petrel.apiKey("alice");
    bob = petrel.apiKey("bob");
  }

  @AfterEach
  void stop() {
    if (petrel != null) petrel.close();
  }

  private String send(String key, String json) {
    Http.Answer a =
        http.curl("POST", "/api/v1/messages", key, json, "Content-Type: application/json");
    assertThat(a.status()).as(a.body()).isEqualTo(202);
    return a.json().get("id").asString();
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** The ids a search finds, newest first. */
  private List<String> found(String key, String query) {
    Http.Answer a = http.curl("GET", "/api/v1/messages?" + query, key, null);
    assertThat(a.status()).as(query + ": " + a.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    for (JsonNode m : a.json().get("data")) ids.add(m.get("id").asString());
    return ids;
  }

  @Test
  void filtersFindTheRightMessagesOfTheCallerOnly() {
    String invoice =
        send(
            alice,
            """
            {"from": "ann@example.com", "to": "bob@example.net", "subject": "Your Invoice ÜBER 42",
             "text": "t", "tags": ["invoice", "nov"],
             "metadata": {"order": 42, "vip": true, "customer": "c-7", "price": 4.5}}
            """);
    String welcome =
        send(
            alice,
            """
            {"from": "ann@example.com", "to": "eve@example.net", "subject": "Welcome 100%_sure",
             "text": "t", "tags": ["welcome"], "metadata": {"order": "42"}}
            """);
    // raw mail: an RFC 2047 encoded subject ("Rechnung über" in UTF-8) and its own Message-ID
    String raw =
        send(
            alice,
            """
            {"raw": "From: ann@example.com\\r\\nTo: joe@example.net\\r\\nMessage-ID: <raw-1@example.com>\\r\\nSubject: =?UTF-8?B?UmVjaG51bmcgw7xiZXI=?=\\r\\n\\r\\nhi\\r\\n"}
            """);
    // bob: the same subject, tag and metadata, and a Message-ID of his own
    String bobs =
        send(
            bob,
            """
            {"raw": "From: b@example.org\\r\\nTo: x@example.net\\r\\nMessage-ID: <raw-2@example.com>\\r\\nSubject: Your Invoice\\r\\n\\r\\nhi\\r\\n",
             "tags": ["invoice"], "metadata": {"order": 42}}
            """);

    // subject: any case, any script, a part of it; % and _ are plain characters
    assertThat(found(alice, "subject=invoice")).containsExactly(invoice);
    assertThat(found(alice, "subject=" + q("über"))).containsExactly(raw, invoice);
    assertThat(found(alice, "subject=" + q("Ü"))).containsExactly(raw, invoice);
    assertThat(found(alice, "subject=" + q("100%_"))).containsExactly(welcome);
    assertThat(found(alice, "subject=" + q("0%s"))).isEmpty();
    // message_id: exact, brackets optional
    assertThat(found(alice, "message_id=raw-1@example.com")).containsExactly(raw);
    assertThat(found(alice, "message_id=" + q("<raw-1@example.com>"))).containsExactly(raw);
    assertThat(found(alice, "message_id=raw-1@example.co")).isEmpty();
    // tag
    assertThat(found(alice, "tag=invoice")).containsExactly(invoice);
    assertThat(found(alice, "tag=nov")).containsExactly(invoice);
    assertThat(found(alice, "tag=Invoice")).isEmpty();
    // metadata: the value's text; several must all match
    assertThat(found(alice, "metadata.order=42")).containsExactly(welcome, invoice);
    assertThat(found(alice, "metadata.vip=true")).containsExactly(invoice);
    assertThat(found(alice, "metadata.vip=1")).isEmpty();
    assertThat(found(alice, "metadata.price=4.5")).containsExactly(invoice);
    assertThat(found(alice, "metadata.order=42&metadata.customer=c-7")).containsExactly(invoice);
    assertThat(found(alice, "metadata.order=42&metadata.customer=c-8")).isEmpty();
    // with the older filters
    assertThat(found(alice, "tag=invoice&status=queued&recipient=bob@example.net"))
        .containsExactly(invoice);
    assertThat(found(alice, "tag=invoice&recipient=eve@example.net")).isEmpty();

    // the list answer: subject, Message-ID, tags, metadata of its JSON types
    JsonNode m =
        http.curl("GET", "/api/v1/messages?tag=nov", alice, null).json().get("data").get(0);
    assertThat(m.get("subject").asString()).isEqualTo("Your Invoice ÜBER 42");
    assertThat(m.get("message_id").asString()).matches("<[0-9a-f-]{36}@petrel\\.test>");
    assertThat(m.get("tags").toString()).isEqualTo("[\"invoice\",\"nov\"]");
    assertThat(m.get("metadata").get("order").isIntegralNumber()).isTrue();
    assertThat(m.get("metadata").get("order").asInt()).isEqualTo(42);
    assertThat(m.get("metadata").get("vip").isBoolean()).isTrue();
    assertThat(m.get("metadata").get("customer").asString()).isEqualTo("c-7");
    Http.Answer r = http.curl("GET", "/api/v1/messages?message_id=raw-1@example.com", alice, null);
    assertThat(r.json().get("data").get(0).get("subject").asString()).isEqualTo("Rechnung über");
    assertThat(r.json().get("data").get(0).get("message_id").asString())
        .isEqualTo("<raw-1@example.com>");

    // bob finds his own and never alice's, whatever he asks
    assertThat(found(bob, "subject=invoice")).containsExactly(bobs);
    assertThat(found(bob, "tag=invoice")).containsExactly(bobs);
    assertThat(found(bob, "metadata.order=42")).containsExactly(bobs);
    assertThat(found(bob, "message_id=raw-1@example.com")).isEmpty();
    assertThat(found(bob, "subject=" + q("über"))).isEmpty();
    assertThat(found(alice, "message_id=raw-2@example.com")).isEmpty();
  }

  @Test
  void emptyRepeatedOrMalformedFiltersAreRefused() {
    for (String query :
        List.of(
            "subject=",
            "subject=%20",
            "message_id=",
            "tag=",
            "metadata.order=",
            "subject=a&subject=b",
            "tag=two%20words",
            "metadata.=x",
            "metadata.a%20b=x",
            "metadata.order=1&metadata.order=2")) {
      JsonNode p = http.curl("GET", "/api/v1/messages?" + query, alice, null).problem(400);
      assertThat(p.get("detail").asString()).as(query).isNotBlank();
    }
    assertThat(
            http.curl("GET", "/api/v1/messages?tag=", alice, null)
                .problem(400)
                .get("detail")
                .asString())
        .contains("tag must not be empty");
    // names outside the declared ones and the metadata.* family are still refused
    assertThat(
            http.curl("GET", "/api/v1/messages?metadataorder=42", alice, null)
                .problem(400)
                .get("detail")
                .asString())
        .contains("'metadataorder'")
        .contains("metadata.*");
    http.curl("GET", "/api/v1/messages?tags=x", alice, null).problem(400);
  }
}
