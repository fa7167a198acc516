package dev.petrel.api;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import dev.petrel.report.StatusJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The schemas of the OpenAPI document, made strict for tests and checked with a JSON Schema
 * validator (networknt, OpenAPI 3.1 dialect): every object schema that lists its properties and
 * says nothing of others refuses undeclared ones, so a field the server starts sending without
 * documenting it fails the test that reads the answer.
 */
public final class OpenApiSchemas {

  private final JsonNode document;
  private final ObjectNode components;

  /** OpenAPI 3.1's dialect, told that the document's components ride along at the root. */
  private final SchemaRegistry registry =
      SchemaRegistry.withDialect(
          Dialect.builder(Dialects.getOpenApi31())
              .keyword(new NonValidationKeyword("components"))
              .build());

  private OpenApiSchemas(JsonNode document) {
    this.document = document;
    this.components = (ObjectNode) document.get("components").deepCopy();
    strict(components);
  }

  /** The served document's schemas. */
  public static OpenApiSchemas load() {
    return new OpenApiSchemas(StatusJson.MAPPER.readTree(OpenApiDocument.load()));
  }

  public JsonNode document() {
    return document;
  }

  /**
   * The schema of an answer: {@code method} and {@code template} as the document names the path
   * (e.g. {@code /api/v1/messages/{id}}), the status, and the media type. Fails when the document
   * does not describe that answer.
   */
  public JsonNode responseSchema(String method, String template, int status, String mediaType) {
    JsonNode op = document.path("paths").path(template).path(method.toLowerCase(Locale.ROOT));
    if (op.isMissingNode())
      throw new AssertionError("the document has no operation " + method + " " + template);
    JsonNode r = op.path("responses").path(Integer.toString(status));
    if (r.isMissingNode())
      throw new AssertionError(method + " " + template + " documents no " + status + " answer");
    r = resolve(r);
    JsonNode schema = r.path("content").path(mediaType).path("schema");
    if (schema.isMissingNode())
      throw new AssertionError(
          method + " " + template + " " + status + " documents no " + mediaType + " body");
    return schema;
  }

  /** The headers an answer documents, by name (resolved). */
  public JsonNode responseHeaders(String method, String template, int status) {
    JsonNode r =
        resolve(
            document
                .path("paths")
                .path(template)
                .path(method.toLowerCase(Locale.ROOT))
                .path("responses")
                .path(Integer.toString(status)));
    return r.path("headers");
  }

  /** Follows a {@code $ref} inside the document. */
  public JsonNode resolve(JsonNode node) {
    while (node.has("$ref")) {
      String ref = node.get("$ref").asString();
      if (!ref.startsWith("#/")) throw new AssertionError("not a local reference: " + ref);
      node = document.at(ref.substring(1));
    }
    return node;
  }

  /** Checks an instance against a schema of the document; the list of what is wrong, or empty. */
  public List<String> check(JsonNode schema, JsonNode instance) {
    ObjectNode root = (ObjectNode) schema.deepCopy();
    strict(root);
    root.set("components", components);
    Schema s = registry.getSchema(root);
    List<String> out = new ArrayList<>();
    for (Error e : s.validate(instance)) out.add(e.toString());
    return out;
  }

  /** Checks an instance against {@code #/components/schemas/NAME}. */
  public List<String> check(String name, JsonNode instance) {
    return check(
        StatusJson.MAPPER.readTree("{\"$ref\":\"#/components/schemas/" + name + "\"}"), instance);
  }

  /** Adds {@code additionalProperties: false} wherever properties are listed and others are not. */
  private static void strict(JsonNode node) {
    if (node instanceof ObjectNode o) {
      if (o.has("properties")
          && o.get("properties").isObject()
          && !o.has("additionalProperties")
          && !o.has("unevaluatedProperties")
          && !o.has("allOf")) o.put("additionalProperties", false);
    }
    if (node.isObject() || node.isArray()) for (JsonNode child : node) strict(child);
  }
}
