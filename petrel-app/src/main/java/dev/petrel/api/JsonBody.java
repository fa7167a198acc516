package dev.petrel.api;

import dev.petrel.report.StatusJson;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads a request's JSON object and collects field mistakes, so one answer can list every wrong
 * field at once (a 422 with {@code errors}) rather than one per round trip.
 */
final class JsonBody {

  final JsonNode root;
  final List<Problem.FieldError> errors = new ArrayList<>();

  private JsonBody(JsonNode root) {
    this.root = root;
  }

  /** The body as a JSON object, or a 400/415 problem saying what is wrong with it. */
  static JsonBody read(Context ctx) {
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase().startsWith("application/json"))
      throw new Problem(
          415,
          "media-type",
          "Unsupported media type",
          "send the body as JSON with 'Content-Type: application/json'");
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0)
      throw Problem.badRequest("the request body is empty; send a JSON object");
    JsonNode root;
    try {
      root = StatusJson.MAPPER.readTree(bytes);
    } catch (JacksonException e) {
      throw Problem.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject())
      throw Problem.badRequest("the body must be a JSON object, not " + kind(root));
    return new JsonBody(root);
  }

  /** One object inside a request read already (an item of a batch). */
  static JsonBody of(JsonNode object) {
    if (object == null || !object.isObject())
      throw new IllegalArgumentException("not a JSON object: " + kind(object));
    return new JsonBody(object);
  }

  static String kind(JsonNode n) {
    if (n == null || n.isMissingNode()) return "nothing";
    if (n.isNull()) return "null";
    if (n.isArray()) return "an array";
    if (n.isObject()) return "an object";
    if (n.isString()) return "a string";
    if (n.isNumber()) return "a number";
    if (n.isBoolean()) return "a boolean";
    return n.getNodeType().toString().toLowerCase();
  }

  void error(String pointer, String detail) {
    errors.add(new Problem.FieldError(pointer, detail));
  }

  /** A string member, or null when absent; an error when present with another type. */
  String string(String name) {
    JsonNode n = root.get(name);
    if (n == null || n.isNull()) return null;
    if (!n.isString()) {
      error("/" + name, "must be a string, not " + kind(n));
      return null;
    }
    return n.asString();
  }

  /** Throws the collected field errors as one 422. */
  void finish() {
    if (!errors.isEmpty()) throw Problem.invalid(errors);
  }
}
