package dev.petrel.api;

import dev.petrel.report.StatusJson;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * What the OpenAPI document says about each endpoint, enforced: a query parameter the endpoint does
 * not take is refused with a 400 problem naming the ones it does (a misspelt filter silently
 * ignored would answer a different question than the one asked), and a known path asked with
 * another method gets 405 with {@code Allow}. A parameter that stands for a family of names (such
 * as {@code metadata.KEY}) is declared once with the regular expression its names match in {@code
 * x-name-pattern}; names outside every declared name and pattern are still refused.
 */
final class RouteRules {

  private record Template(Pattern path, Set<String> methods) {}

  private final Map<String, Set<String>> queryByEndpoint = new HashMap<>();
  private final Map<String, List<Pattern>> patternsByEndpoint = new HashMap<>();
  private final List<Template> templates = new ArrayList<>();

  RouteRules(List<Route> routes, byte[] openApi) {
    JsonNode paths = StatusJson.MAPPER.readTree(openApi).path("paths");
    Map<String, Set<String>> methodsByPath = new HashMap<>();
    for (Route r : routes) {
      String method = r.method().name().toUpperCase(Locale.ROOT);
      Set<String> names = new TreeSet<>();
      List<Pattern> patterns = new ArrayList<>();
      for (JsonNode p :
          paths.path(r.path()).path(method.toLowerCase(Locale.ROOT)).path("parameters")) {
        if (!"query".equals(p.path("in").asString())) continue;
        names.add(p.path("name").asString());
        if (p.hasNonNull("x-name-pattern"))
          patterns.add(Pattern.compile(p.path("x-name-pattern").asString()));
      }
      queryByEndpoint.put(method + " " + r.path(), names);
      patternsByEndpoint.put(method + " " + r.path(), List.copyOf(patterns));
      methodsByPath.computeIfAbsent(r.path(), k -> new LinkedHashSet<>()).add(method);
    }
    methodsByPath.forEach(
        (path, methods) ->
            templates.add(
                new Template(Pattern.compile(path.replaceAll("\\{[^}]+}", "[^/]+")), methods)));
  }

  /** The route's handler, behind the query-parameter check (for the API's paths only). */
  Handler checked(Route r) {
    if (!r.path().startsWith("/api/v1/")) return r.handler();
    String key = r.method().name().toUpperCase(Locale.ROOT) + " " + r.path();
    Set<String> allowed = queryByEndpoint.getOrDefault(key, Set.of());
    List<Pattern> patterns = patternsByEndpoint.getOrDefault(key, List.of());
    return ctx -> {
      for (String name : ctx.queryParamMap().keySet()) {
        if (!allowed.contains(name) && patterns.stream().noneMatch(p -> p.matcher(name).matches()))
          throw Problem.badRequest(
              "unknown query parameter '"
                  + name
                  + "'; "
                  + r.method().name()
                  + " "
                  + r.path()
                  + (allowed.isEmpty() ? " takes none" : " takes " + String.join(", ", allowed)));
      }
      r.handler().handle(ctx);
    };
  }

  /** The methods a path answers, for 405 and {@code Allow}; empty when no route has the path. */
  Set<String> methodsFor(String path) {
    // /api/v1/messages/batch is both a path of its own (POST) and an {id} (GET): all apply
    Set<String> methods = new LinkedHashSet<>();
    for (Template t : templates) if (t.path().matcher(path).matches()) methods.addAll(t.methods());
    return methods;
  }
}
