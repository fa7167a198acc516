package dev.petrel.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;

/**
 * The dashboard (SPEC §8): static HTML, CSS and JavaScript modules from the classpath folder {@code
 * web/}, served at {@link #PATH}, plus the chart library from its WebJar under {@code /webjars/}.
 * It holds no data of its own: the pages call the HTTP API with the user's key.
 */
public final class Dashboard {

  /** Where the dashboard lives; {@code /} redirects here. */
  public static final String PATH = "/ui";

  private Dashboard() {}

  /** Adds the dashboard's files and the redirect from {@code /} to a Javalin configuration. */
  public static void register(JavalinConfig cfg) {
    cfg.staticFiles.add(
        files -> {
          files.hostedPath = PATH;
          files.directory = "/web";
          files.location = Location.CLASSPATH;
          // The pages change with each release of the jar; a stale cached module would mix
          // versions.
          files.headers = java.util.Map.of("Cache-Control", "no-cache");
        });
    cfg.staticFiles.enableWebjars();
    cfg.routes.get("/", ctx -> ctx.redirect(PATH + "/"));
  }
}
