package dev.petrel.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Serves {@code /api/v1/openapi.json}, the OpenAPI 3.1 description kept beside the code
 * (src/main/resources/api/openapi.json). A test compares its paths and methods with {@link
 * ApiServer#routes}, so the document and the server cannot disagree on what exists.
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
