package dev.petrel.api;

import dev.petrel.queue.StorageException;
import dev.petrel.queue.Suppression;
import dev.petrel.report.SuppressionFile;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /api/v1/suppressions/import}: adds every address of a CSV ({@code text/csv}) or JSON
 * ({@code application/json}, an array) body to the caller's list, all or none. A body with any bad
 * entry stores nothing and gets a 422 problem listing each entry's problem (its line or index).
 */
final class ImportSuppressions implements Handler {

  private final Api api;

  ImportSuppressions(Api api) {
    this.api = api;
  }

  @Override
  public void handle(Context ctx) throws StorageException, IOException {
    Caller caller = Caller.of(ctx);
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    SuppressionFile.Format format;
    if (type.startsWith("text/csv")) format = SuppressionFile.Format.CSV;
    else if (type.startsWith("application/json")) format = SuppressionFile.Format.JSON;
    else
      throw new Problem(
          415,
          "media-type",
          "Unsupported media type",
          "send the list as 'Content-Type: text/csv' or 'Content-Type: application/json'");
    SuppressionFile.Parsed parsed;
    try (InputStream in = ctx.bodyInputStream()) {
      parsed = SuppressionFile.read(in, format);
    }
    if (!parsed.ok()) {
      List<Problem.FieldError> errors =
          parsed.problems().stream()
              .limit(100)
              .map(p -> new Problem.FieldError(p.where(), p.message()))
              .toList();
      throw new Problem(
          422,
          "validation",
          "The list has invalid entries",
          parsed.problems().size()
              + " entries are not valid; nothing was imported"
              + (parsed.problems().size() > 100 ? " (the first 100 are listed)" : ""),
          errors);
    }
    List<Suppression> entries =
        SuppressionFile.toSuppressions(
            caller.account(), parsed.entries(), "imported through the API", api.clock().instant());
    int added = api.store().addSuppressions(entries);
    ApiServer.json(
        ctx,
        200,
        Map.of("imported", entries.size(), "added", added, "updated", entries.size() - added));
  }
}
