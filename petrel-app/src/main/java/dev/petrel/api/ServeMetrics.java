package dev.petrel.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code GET /metrics}: every metric in the Prometheus text format, without a key (scrapers do not
 * send one), so operators keep the HTTP port's {@code /metrics} behind their firewall. No account
 * data appears in it: only counts, latencies and destination domains.
 */
final class ServeMetrics implements Handler {

  /** The content type of the Prometheus text exposition format. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Telemetry telemetry;

  ServeMetrics(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  @Override
  public void handle(Context ctx) {
    String text = telemetry.scrape();
    if (text == null) throw Problem.notFound("metrics are not enabled on this server");
    ctx.status(200);
    ctx.contentType(CONTENT_TYPE);
    ctx.result(text);
  }
}
