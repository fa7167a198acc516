package dev.petrel.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Serves {@code /api/v1/openapi.json}, the OpenAPI 3.1 description kept beside the code
 * (src/main/resources/api/openapi.json), which {@link RouteRules} also reads to refuse undeclared
 * query parameters. Tests keep it true: its paths and methods equal {@link ApiServer#routes}
 * (OpenApiMatchesRoutesTest); swagger-parser reads it without a message, its enums equal the code's
 * and its examples match its schemas (OpenApiDocumentTest); a real server's answers and webhook
 * payloads match its schemas with undeclared fields refused (ApiAnswersMatchTheOpenApiDocument); a
 * Java client generated from it works against a real server (GeneratedClientTalksToTheServer).
 */
final class OpenApiDocument {

  static final String RESOURCE = "/api/openapi.json";

  private static final byte[] DOCUMENT = load();

  private OpenApiDocument() {}

  static byte[] load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the build");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void serve(Context ctx) {
    ctx.contentType("application/json");
    ctx.result(DOCUMENT);
  }
}
