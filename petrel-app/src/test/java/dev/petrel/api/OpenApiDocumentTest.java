package dev.petrel.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.model.DeliveryWaits;
import dev.petrel.model.Envelope;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.MessageQuery;
import dev.petrel.report.DomainCheck;
import dev.petrel.report.DomainRecords;
import dev.petrel.status.Action;
import dev.petrel.status.Bounce;
import dev.petrel.status.Reason;
import dev.petrel.status.Who;
import dev.petrel.webhooks.Webhook;
import dev.petrel.webhooks.WebhookDelivery;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document is valid for a real parser (swagger-parser, the one code generators use),
 * its enums are exactly the values the code writes, every example in it matches its own schema, and
 * every operation is tagged and documents its headers and error answers the same way.
 */
class OpenApiDocumentTest {

  private final OpenApiSchemas schemas = OpenApiSchemas.load();
  private final JsonNode doc = schemas.document();

  @Test
  void swaggerParserReadsItWithoutAMessage() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result =
        new OpenAPIParser()
            .readContents(
                new String(OpenApiDocument.load(), StandardCharsets.UTF_8), null, options);
    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
    assertThat(result.getOpenAPI().getWebhooks()).containsOnlyKeys(webhookTypes());
    assertThat(result.getOpenAPI().getPaths()).hasSize(doc.get("paths").size());
  }

  /**
   * No object of the document names a key twice. A JSON parser keeps the last of two equal keys
   * without a word, so a path or field added twice (as a text merge of two branches' additions
   * does) would silently replace the first; this parse refuses it.
   */
  @Test
  void noKeyIsGivenTwice() {
    var strict =
        tools.jackson.databind.json.JsonMapper.builder()
            .enable(tools.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    assertThat(strict.readTree(OpenApiDocument.load()).get("paths").size())
        .isEqualTo(doc.get("paths").size());
    byte[] twice = "{\"paths\": {\"/a\": {}, \"/a\": {}}}".getBytes(StandardCharsets.UTF_8);
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> strict.readTree(twice)))
        .hasMessageContaining("Duplicate")
        .hasMessageContaining("\"/a\"");
  }

  /**
   * The type of the event POST /api/v1/webhooks/{id}/test sends (WebhookTestEvent.TYPE): not one a
   * webhook subscribes to, but one it receives, so the webhooks section describes it too.
   */
  private static final String TEST_EVENT = "test";

  private static List<String> webhookTypes() {
    List<String> all = new ArrayList<>(Webhook.TYPES);
    all.add(TEST_EVENT);
    return all;
  }

  private List<String> enumOf(String pointer) {
    JsonNode e = doc.at(pointer);
    assertThat(e.isArray()).as(pointer).isTrue();
    List<String> out = new ArrayList<>();
    for (JsonNode v : e) out.add(v.asString());
    return out;
  }

  private static <E extends Enum<E>> List<String> ids(
      E[] values, java.util.function.Function<E, String> id) {
    return Arrays.stream(values).map(id).toList();
  }

  @Test
  void enumsAreTheValuesTheCodeWrites() {
    String s = "/components/schemas/";
    assertThat(enumOf(s + "RecipientState/enum"))
        .containsExactlyElementsOf(ids(RecipientState.values(), RecipientState::id));
    assertThat(enumOf(s + "Reason/enum"))
        .containsExactlyElementsOf(ids(Reason.values(), Reason::id));
    assertThat(enumOf(s + "Action/enum"))
        .containsExactlyElementsOf(ids(Action.values(), Action::id));
    assertThat(enumOf(s + "Bounce/enum"))
        .containsExactlyElementsOf(ids(Bounce.values(), Bounce::id));
    assertThat(enumOf(s + "Who/enum")).containsExactlyElementsOf(ids(Who.values(), Who::id));
    assertThat(enumOf(s + "WebhookEventType/enum")).containsExactlyElementsOf(Webhook.TYPES);
    assertThat(enumOf(s + "MessageSource/enum"))
        .containsExactlyInAnyOrder(Envelope.SOURCE_SMTP, Envelope.SOURCE_API);
    assertThat(enumOf(s + "WebhookDelivery/properties/state/enum"))
        .containsExactlyElementsOf(ids(WebhookDelivery.State.values(), WebhookDelivery.State::id));
    assertThat(enumOf(s + "DnsRecord/properties/kind/enum"))
        .containsExactlyElementsOf(ids(DomainRecords.Kind.values(), DomainRecords.Kind::id));
    assertThat(enumOf(s + "DomainCheckResult/properties/kind/enum"))
        .containsExactlyElementsOf(ids(DomainRecords.Kind.values(), DomainRecords.Kind::id));
    assertThat(enumOf(s + "DomainCheckResult/properties/status/enum"))
        .containsExactlyElementsOf(ids(DomainCheck.Status.values(), DomainCheck.Status::id));
    assertThat(enumOf(s + "WaitReason/enum"))
        .containsExactlyInAnyOrder(
            DeliveryWaits.DESTINATION_SLOWED, DeliveryWaits.CONNECTION_LIMIT);

    List<String> messageEvents =
        Webhook.TYPES.stream().filter(t -> t.startsWith("message.")).toList();
    assertThat(enumOf(s + "MessageEvent/properties/type/enum"))
        .containsExactlyElementsOf(messageEvents);
    assertThat(enumOf(s + "MessageEventData/properties/state/enum"))
        .containsExactlyElementsOf(
            messageEvents.stream().map(t -> t.substring("message.".length())).toList());
    // every message event's state is a recipient state
    assertThat(ids(RecipientState.values(), RecipientState::id))
        .containsAll(enumOf(s + "MessageEventData/properties/state/enum"));

    // the webhooks section has one entry per event type, each with the payload of its kind
    Set<String> hooks = new TreeSet<>();
    doc.get("webhooks").propertyNames().forEach(hooks::add);
    assertThat(hooks).containsExactlyInAnyOrderElementsOf(webhookTypes());
    assertThat(doc.at(s + "TestEvent/properties/type/const").asString()).isEqualTo(TEST_EVENT);
    assertThat(enumOf(s + "WebhookTestResult/properties/event_type/enum"))
        .containsExactly(TEST_EVENT);
    // the list filter takes the same states and reasons
    JsonNode params = doc.at("/paths/~1api~1v1~1messages/get/parameters");
    for (JsonNode p : params) {
      String name = p.get("name").asString();
      if (name.equals("status"))
        assertThat(p.at("/schema/$ref").asString()).endsWith("/RecipientState");
      if (name.equals("reason")) assertThat(p.at("/schema/$ref").asString()).endsWith("/Reason");
    }
  }

  @Test
  void tagMetadataAndBatchLimitsAreTheOnesTheCodeEnforces() {
    String tag = "^" + MessageQuery.TAG.pattern() + "$";
    String key = "^" + MessageQuery.METADATA_KEY.pattern() + "$";
    for (String name :
        List.of(
            "MessageRequest", "MessageAccepted", "MessageSummary", "Message", "MessageEventData")) {
      JsonNode p = doc.at("/components/schemas/" + name + "/properties");
      assertThat(p.at("/tags/maxItems").asInt()).as(name).isEqualTo(MessageRequest.MAX_TAGS);
      assertThat(p.at("/tags/items/pattern").asString()).as(name).isEqualTo(tag);
      assertThat(p.at("/metadata/maxProperties").asInt())
          .as(name)
          .isEqualTo(MessageRequest.MAX_METADATA_KEYS);
      assertThat(p.at("/metadata/propertyNames/pattern").asString()).as(name).isEqualTo(key);
      assertThat(p.at("/metadata/additionalProperties/maxLength").asInt())
          .as(name)
          .isEqualTo(MessageRequest.MAX_METADATA_VALUE);
    }
    List<String> filters = new ArrayList<>();
    for (JsonNode p : doc.at("/paths/~1api~1v1~1messages/get/parameters")) {
      String name = p.get("name").asString();
      filters.add(name);
      if (name.equals("tag")) assertThat(p.at("/schema/pattern").asString()).isEqualTo(tag);
      if (p.has("x-name-pattern"))
        assertThat(
                java.util.regex.Pattern.matches(
                    p.get("x-name-pattern").asString(), ListMessages.METADATA_PREFIX + "order"))
            .isTrue();
    }
    assertThat(filters).contains("subject", "message_id", "tag", "metadata.*");
    assertThat(doc.at("/components/schemas/BatchRequest/properties/messages/maxItems").asInt())
        .isEqualTo(SendBatch.MAX_MESSAGES);
  }

  /** Every {@code example} of a media type or a schema, with the schema it illustrates. */
  private void examples(JsonNode node, JsonNode schema, String where, List<String> out) {
    if (node.isObject()) {
      if (node.has("example")) {
        JsonNode s = node.has("schema") ? node.get("schema") : schema;
        if (s != null)
          for (String e : schemas.check(s, node.get("example"))) out.add(where + ": " + e);
      }
      for (var field : node.properties()) {
        if (field.getKey().equals("example")) continue;
        JsonNode child = field.getValue();
        // a schema's own example is checked against that schema
        JsonNode childSchema =
            where.contains("/components/schemas") && child.isObject() ? child : null;
        examples(child, childSchema, where + "/" + field.getKey(), out);
      }
    } else if (node.isArray()) {
      int i = 0;
      for (JsonNode child : node) examples(child, null, where + "/" + i++, out);
    }
  }

  @Test
  void everyExampleMatchesItsSchema() {
    List<String> wrong = new ArrayList<>();
    int[] seen = {0};
    examples(doc.get("paths"), null, "/paths", wrong);
    examples(doc.get("webhooks"), null, "/webhooks", wrong);
    examples(doc.at("/components/responses"), null, "/components/responses", wrong);
    for (var schema : doc.at("/components/schemas").properties()) {
      if (schema.getValue().has("example")) {
        seen[0]++;
        for (String e : schemas.check(schema.getKey(), schema.getValue().get("example")))
          wrong.add("/components/schemas/" + schema.getKey() + ": " + e);
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(seen[0]).isGreaterThan(5);
    // and the check can fail: an example with a field the schema does not have
    var bad =
        (tools.jackson.databind.node.ObjectNode)
            doc.at("/components/schemas/Account/example").deepCopy();
    bad.put("surprise", 1);
    assertThat(schemas.check("Account", bad)).isNotEmpty();
  }

  @Test
  void operationsAreTaggedAndDocumentHeadersAndProblems() {
    Set<String> tags = new HashSet<>();
    for (JsonNode t : doc.get("tags")) tags.add(t.get("name").asString());
    assertThat(tags)
        .containsExactlyInAnyOrder(
            "messages",
            "suppressions",
            "domains",
            "keys",
            "smtp-credentials",
            "webhooks",
            "account",
            "stats",
            "tls-reports",
            "explain",
            "health");
    Set<String> operationIds = new HashSet<>();
    for (var path : doc.get("paths").properties()) {
      for (var entry : path.getValue().properties()) {
        String where = entry.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
        JsonNode op = entry.getValue();
        assertThat(operationIds.add(op.get("operationId").asString())).as(where).isTrue();
        assertThat(op.get("tags")).as(where).hasSize(1);
        assertThat(tags).as(where).contains(op.get("tags").get(0).asString());
        boolean authenticated = !op.has("security") || !op.get("security").isEmpty();
        for (var r : op.get("responses").properties()) {
          int status = Integer.parseInt(r.getKey());
          JsonNode answer = schemas.resolve(r.getValue());
          if (status >= 400) {
            assertThat(answer.at("/content/application~1problem+json/schema/$ref").asString())
                .as(where + " " + status)
                .isEqualTo("#/components/schemas/Problem");
          } else if (authenticated) {
            assertThat(answer.path("headers").has("RateLimit-Remaining"))
                .as(where + " " + status + " documents the RateLimit headers")
                .isTrue();
          }
          if (status == 429 || status == 503 || status == 507)
            assertThat(answer.path("headers").has("Retry-After"))
                .as(where + " " + status + " documents Retry-After")
                .isTrue();
          if (status == 401)
            assertThat(answer.path("headers").has("WWW-Authenticate")).as(where).isTrue();
        }
        if (authenticated) {
          assertThat(op.get("responses").has("429")).as(where).isTrue();
          assertThat(op.get("responses").has("503")).as(where).isTrue();
        }
      }
    }
  }
}
