package dev.petrel.api;

import dev.petrel.queue.StorageException;
import dev.petrel.report.SuppressionFile;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code GET /api/v1/suppressions/export?format=csv|json}: the caller's whole suppression list as a
 * file to download (CSV by default, with a header row; JSON: an array), in the format {@code POST
 * /api/v1/suppressions/import} and {@code petrel suppressions import} read.
 */
final class ExportSuppressions implements Handler {

  private final Api api;

  ExportSuppressions(Api api) {
    this.api = api;
  }

  @Override
  public void handle(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    String f = ctx.queryParam("format");
    SuppressionFile.Format format;
    try {
      format = f == null ? SuppressionFile.Format.CSV : SuppressionFile.Format.of(f);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(e.getMessage());
    }
    byte[] file =
        SuppressionFile.write(
            api.store().suppressions(caller.account(), Integer.MAX_VALUE), format);
    String ext = format == SuppressionFile.Format.CSV ? "csv" : "json";
    ctx.status(200);
    ctx.contentType(
        format == SuppressionFile.Format.CSV ? "text/csv; charset=utf-8" : "application/json");
    ctx.header("Content-Disposition", "attachment; filename=\"suppressions." + ext + "\"");
    ctx.result(file);
  }
}
