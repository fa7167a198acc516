package dev.petrel.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;

/**
 * The dashboard: static HTML, CSS and JavaScript modules from the classpath folder {@code web/},
 * served at {@link #PATH}, plus the chart library from its WebJar under {@code /webjars/}. It holds
 * no data of its own: the pages call the HTTP API with the user's key.
 */
public final class Dashboard {

  /** Where the dashboard lives; {@code /} redirects here. */
  public static final String PATH = "/ui";

  /**
   * The Content Security Policy of the dashboard's pages (CSP Level 3,
   * https://www.w3.org/TR/CSP3/): scripts, styles, images and API calls from this server only, no
   * inline script or style, no plugins, no framing by other sites ({@code frame-ancestors}), no
   * {@code <base>} and forms posting only here. The favicon is a {@code data:} URL, hence {@code
   * img-src data:}. No frame may be loaded from anywhere ({@code default-src 'none'} covers {@code
   * frame-src}); the message page's HTML part is a {@code srcdoc} frame, which loads nothing and
   * inherits this policy on top of its empty {@code sandbox}, so a message's own scripts, inline
   * styles and remote images stay off.
   */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  private Dashboard() {}

  /** Whether the dashboard serves this path (its pages, the redirect to them, its libraries). */
  public static boolean serves(String path) {
    return path.equals("/")
        || path.equals(PATH)
        || path.startsWith(PATH + "/")
        || path.startsWith("/webjars/");
  }

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
