package dev.petrel.api;

import dev.petrel.queue.StorageException;
import dev.petrel.report.StatusJson;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of {@code petrel serve}: Javalin on Jetty with virtual threads, the API routes,
 * the key check, the per-account rate limit, and one error path that turns every failure into an
 * RFC 9457 problem document (never an HTML page or a stack trace).
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("api");

  /** Largest request body: a 25 MB message grows by a third in base64, plus the JSON around it. */
  public static final long MAX_REQUEST_BYTES = 36L * 1024 * 1024;

  /**
   * Requests per second and burst per account, and the heap bytes that request bodies may take in
   * all (see {@link BodyBudget}), unless configured otherwise.
   */
  public record Limits(int perSecond, int burst, long bodyMemory) {
    public static final Limits DEFAULTS = new Limits(200, 400, BodyBudget.defaultCapacity());

    /** The rate limits with the default body memory. */
    public Limits(int perSecond, int burst) {
      this(perSecond, burst, BodyBudget.defaultCapacity());
    }
  }

  private final Api api;
  private final RateLimiter limiter;
  private final BodyBudget bodies;
  private final List<Route> routes;
  private final RouteRules rules;
  private final Telemetry telemetry;
  private Javalin app;

  public ApiServer(Api api, Limits limits) {
    this(api, limits, Telemetry.NONE);
  }

  /** A server that reports accepted messages to, and serves {@code /metrics} from, telemetry. */
  public ApiServer(Api api, Limits limits, Telemetry telemetry) {
    this.api = api;
    this.limiter = new RateLimiter(limits.perSecond(), limits.burst(), api.clock());
    this.bodies = new BodyBudget(limits.bodyMemory());
    this.telemetry = telemetry;
    this.routes = routes(api, telemetry);
    this.rules = new RouteRules(routes, OpenApiDocument.load());
  }

  static List<Route> routes(Api api) {
    return routes(api, Telemetry.NONE);
  }

  /** Every endpoint, in the order of docs/api.md. */
  static List<Route> routes(Api api, Telemetry telemetry) {
    Health health = new Health(api);
    SenderDomainEndpoints domains = new SenderDomainEndpoints(api);
    QueueEndpoints queue = new QueueEndpoints(api);
    AccessEndpoints access = new AccessEndpoints(api);
    WebhookEndpoints webhooks = new WebhookEndpoints(api);
    SendMessage send = new SendMessage(api);
    return List.of(
        new Route(HandlerType.GET, "/healthz", false, health::live),
        new Route(HandlerType.GET, "/readyz", false, health::ready),
        new Route(HandlerType.GET, "/metrics", false, new ServeMetrics(telemetry)),
        new Route(HandlerType.GET, "/api/v1/openapi.json", false, OpenApiDocument::serve),
        new Route(HandlerType.POST, "/api/v1/messages", true, send),
        new Route(HandlerType.POST, "/api/v1/messages/batch", true, new SendBatch(send)),
        new Route(HandlerType.GET, "/api/v1/messages", true, new ListMessages(api)),
        new Route(HandlerType.GET, "/api/v1/messages/{id}", true, new GetMessage(api)),
        new Route(HandlerType.GET, "/api/v1/messages/{id}/raw", true, new GetRawMessage(api)),
        new Route(HandlerType.POST, "/api/v1/messages/{id}/retry", true, queue::retry),
        new Route(HandlerType.POST, "/api/v1/messages/{id}/hold", true, queue::hold),
        new Route(HandlerType.POST, "/api/v1/messages/{id}/release", true, queue::release),
        new Route(HandlerType.POST, "/api/v1/messages/{id}/cancel", true, queue::cancel),
        new Route(HandlerType.GET, "/api/v1/explain", true, new ExplainReply(api)),
        new Route(HandlerType.GET, "/api/v1/suppressions", true, new ListSuppressions(api)),
        new Route(HandlerType.POST, "/api/v1/suppressions", true, new AddSuppression(api)),
        new Route(
            HandlerType.GET, "/api/v1/suppressions/export", true, new ExportSuppressions(api)),
        new Route(
            HandlerType.POST, "/api/v1/suppressions/import", true, new ImportSuppressions(api)),
        new Route(
            HandlerType.DELETE, "/api/v1/suppressions/{address}", true, new RemoveSuppression(api)),
        new Route(HandlerType.GET, "/api/v1/account", true, new GetAccount(api)),
        new Route(HandlerType.GET, "/api/v1/keys", true, access::listKeys),
        new Route(HandlerType.POST, "/api/v1/keys", true, access::createKey),
        new Route(HandlerType.DELETE, "/api/v1/keys/{id}", true, access::revokeKey),
        new Route(HandlerType.GET, "/api/v1/smtp-credentials", true, access::listLogins),
        new Route(HandlerType.POST, "/api/v1/smtp-credentials", true, access::createLogin),
        new Route(HandlerType.DELETE, "/api/v1/smtp-credentials/{user}", true, access::removeLogin),
        new Route(HandlerType.GET, "/api/v1/stats", true, new GetStats(api)),
        new Route(HandlerType.GET, "/api/v1/tls-reports", true, new ListTlsReports(api)),
        new Route(HandlerType.GET, "/api/v1/domains", true, domains::list),
        new Route(HandlerType.POST, "/api/v1/domains", true, domains::add),
        new Route(HandlerType.GET, "/api/v1/domains/{domain}", true, domains::show),
        new Route(HandlerType.DELETE, "/api/v1/domains/{domain}", true, domains::remove),
        new Route(HandlerType.POST, "/api/v1/domains/{domain}/check", true, domains::check),
        new Route(HandlerType.POST, "/api/v1/webhooks", true, webhooks::create),
        new Route(HandlerType.GET, "/api/v1/webhooks", true, webhooks::list),
        new Route(HandlerType.GET, "/api/v1/webhooks/{id}", true, webhooks::show),
        new Route(HandlerType.DELETE, "/api/v1/webhooks/{id}", true, webhooks::remove),
        new Route(HandlerType.GET, "/api/v1/webhooks/{id}/deliveries", true, webhooks::deliveries),
        new Route(HandlerType.POST, "/api/v1/webhooks/{id}/test", true, new TestWebhook(api)));
  }

  /** The registered endpoints (for the OpenAPI test). */
  public List<Route> routes() {
    return routes;
  }

  /** Starts listening; port 0 picks a free one ({@link #port()} tells which). */
  public void start(String host, int port) {
    app =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.startup.showOldJavalinVersionWarning = false;
              cfg.concurrency.useVirtualThreads = true;
              cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
              cfg.http.defaultContentType = "application/json";
              if (host != null && !host.isEmpty()) cfg.jetty.host = host;
              cfg.jetty.port = port;
              cfg.jetty.modifyServletContextHandler(
                  h ->
                      h.addFilter(
                          new FilterHolder(new EveryRequest()),
                          "/*",
                          EnumSet.of(DispatcherType.REQUEST)));
              dev.petrel.web.Dashboard.register(cfg);
              cfg.routes.before("/api/v1/*", this::authenticate);
              cfg.requestLogger.http(this::answered);
              for (Route r : routes)
                cfg.routes.addHttpHandler(r.method(), r.path(), rules.checked(r));
              cfg.routes.exception(Problem.class, (e, ctx) -> write(ctx, e));
              cfg.routes.exception(
                  HttpResponseException.class,
                  (e, ctx) -> {
                    // Javalin says 404 for a known path asked with another method: that is a 405.
                    boolean known = !rules.methodsFor(ctx.path()).isEmpty();
                    if ((e.getStatus() == 404 && known) || e.getStatus() == 405)
                      methodNotAllowed(ctx);
                    else write(ctx, fromJavalin(e.getStatus(), e.getMessage()));
                  });
              cfg.routes.exception(
                  StorageException.class,
                  (e, ctx) ->
                      write(
                          ctx,
                          new Problem(
                                  503,
                                  "storage",
                                  "The store cannot answer now",
                                  "the queue store failed: "
                                      + e.getMessage()
                                      + "; nothing was changed, try again shortly")
                              .header("Retry-After", "5")));
              cfg.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                    write(
                        ctx,
                        new Problem(
                            500,
                            "internal",
                            "Internal error",
                            "the server failed to answer this request; it is logged"));
                  });
              cfg.routes.error(404, ctx -> notFoundUnlessWritten(ctx));
              cfg.routes.error(405, ctx -> methodNotAllowed(ctx));
            });
    app.start();
    LOG.info("HTTP API listening on port {}", app.port());
  }

  public int port() {
    return app.port();
  }

  /** After each answer: a message accepted through the API is reported with its latency. */
  private void answered(Context ctx, Float millis) {
    Integer recipients = ctx.attribute(Telemetry.ACCEPTED);
    if (recipients != null && ctx.status().getCode() == 202)
      telemetry.accepted(recipients, (long) (millis * 1_000_000.0));
    List<Integer> each = ctx.attribute(Telemetry.ACCEPTED_EACH);
    if (each != null && ctx.status().getCode() == 200)
      for (int n : each) telemetry.accepted(n, (long) (millis * 1_000_000.0));
  }

  private void authenticate(Context ctx) throws StorageException {
    if (ctx.path().equals("/api/v1/openapi.json")) return;
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank())
      throw Problem.unauthorized(
          "send your API key in the Authorization header: 'Authorization: Bearer <key>'");
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7))
      throw Problem.unauthorized("the Authorization header must use the Bearer scheme");
    Optional<String> account = api.accounts().authenticate(header.substring(7).trim());
    if (account.isEmpty())
      throw Problem.unauthorized("the API key is not valid (unknown or revoked)");
    RateLimiter.Decision d = limiter.take(account.get());
    ctx.header("RateLimit-Limit", Integer.toString(d.limit()));
    ctx.header("RateLimit-Remaining", Integer.toString(d.remaining()));
    ctx.header("RateLimit-Reset", Long.toString(d.resetSeconds()));
    if (!d.allowed())
      throw new Problem(
              429,
              "rate-limited",
              "Too many requests",
              "this account may make "
                  + d.limit()
                  + " requests in a burst; wait "
                  + d.retryAfter()
                  + " s before the next one")
          .header("Retry-After", Long.toString(d.retryAfter()));
    ctx.attribute(Caller.ATTRIBUTE, new Caller(account.get()));
    admitBody(ctx, account.get());
  }

  /**
   * Reserves the memory the request's body will take, or refuses the request before a byte of the
   * body is read: 413 when its Content-Length is over the limit, 429 or 503 from the budget. A body
   * of unknown length is admitted for a first chunk and charged as it is read.
   */
  private void admitBody(Context ctx, String account) {
    long length = ctx.req().getContentLengthLong();
    if (length > MAX_REQUEST_BYTES) throw tooLarge();
    boolean unknownLength = length < 0 && ctx.header("Transfer-Encoding") != null;
    if (length <= 0 && !unknownLength) return;
    ctx.attribute(
        MeteredRequest.LEASE, bodies.admit(account, unknownLength ? BodyBudget.CHUNK : length));
  }

  private static Problem tooLarge() {
    return new Problem(
        413,
        "too-large",
        "The request is too large",
        "the request body is over " + MAX_REQUEST_BYTES / (1024 * 1024) + " MiB");
  }

  private static Problem fromJavalin(int status, String message) {
    return switch (status) {
      case 413 -> tooLarge();
      case 404 -> Problem.notFound("no such endpoint");
      default -> new Problem(status, "http-" + status, "HTTP " + status, message);
    };
  }

  private void notFoundUnlessWritten(Context ctx) {
    if (isProblem(ctx)) return;
    if (!rules.methodsFor(ctx.path()).isEmpty()) {
      methodNotAllowed(ctx);
      return;
    }
    write(ctx, Problem.notFound("there is no endpoint " + ctx.method() + " " + ctx.path()));
  }

  private void methodNotAllowed(Context ctx) {
    if (isProblem(ctx)) return;
    String allow = String.join(", ", rules.methodsFor(ctx.path()));
    write(
        ctx,
        new Problem(
                405,
                "method",
                "Method not allowed",
                ctx.method()
                    + " is not allowed on "
                    + ctx.path()
                    + (allow.isEmpty() ? "" : "; it takes " + allow))
            .header("Allow", allow));
  }

  private static boolean isProblem(Context ctx) {
    String type = ctx.res().getContentType();
    return type != null && type.startsWith("application/problem+json");
  }

  static void write(Context ctx, Problem p) {
    for (Map.Entry<String, String> h : p.headers().entrySet()) ctx.header(h.getKey(), h.getValue());
    ctx.status(p.status());
    ctx.contentType("application/problem+json");
    ctx.result(StatusJson.MAPPER.writeValueAsString(p.body(ctx.path())));
  }

  /** Writes a JSON answer. */
  static void json(Context ctx, int status, Object body) {
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(StatusJson.MAPPER.writeValueAsString(body));
  }

  public void stop() {
    if (app != null) app.stop();
  }

  @Override
  public void close() {
    stop();
  }
}
