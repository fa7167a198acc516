package dev.petrel.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem document, thrown by handlers and written by {@link ApiServer} as {@code
 * application/problem+json}. {@code type} is a stable URI per kind of problem (documented in
 * docs/api.md), {@code detail} says in plain words what was wrong with this request and how to fix
 * it, {@code errors} lists field-level mistakes.
 */
public final class Problem extends RuntimeException {

  /** One field that was wrong: where (a JSON pointer such as {@code /to/0}) and why. */
  public record FieldError(String pointer, String detail) {}

  private static final String BASE = "https://petrel.dev/problems/";

  private final int status;
  private final String type;
  private final String title;
  private final List<FieldError> errors;
  private final Map<String, String> headers = new LinkedHashMap<>();

  public Problem(int status, String type, String title, String detail, List<FieldError> errors) {
    super(detail);
    this.status = status;
    this.type = type;
    this.title = title;
    this.errors = List.copyOf(errors);
  }

  public Problem(int status, String type, String title, String detail) {
    this(status, type, title, detail, List.of());
  }

  /** 400: the request cannot be read (bad JSON, a wrong type, a bad parameter). */
  public static Problem badRequest(String detail) {
    return new Problem(400, "bad-request", "The request is not valid", detail);
  }

  /** 422: the JSON was read but its content breaks a rule; each field error says which. */
  public static Problem invalid(List<FieldError> errors) {
    String detail =
        errors.size() == 1
            ? errors.getFirst().pointer() + ": " + errors.getFirst().detail()
            : errors.size() + " fields are not valid; see errors";
    return new Problem(422, "validation", "The request has invalid fields", detail, errors);
  }

  /**
   * 409: a name (a sender domain, an SMTP login) that this account cannot have. The words are the
   * same whether another account holds it or it is refused for any other reason, so an answer never
   * tells one account what another has.
   */
  public static Problem unavailable(String what, String name) {
    return new Problem(
        409,
        what + "-unavailable",
        "Not available",
        "the " + what + " '" + name + "' is not available; choose another");
  }

  public static Problem notFound(String detail) {
    return new Problem(404, "not-found", "Not found", detail);
  }

  public static Problem unauthorized(String detail) {
    return new Problem(401, "unauthorized", "Authentication required", detail)
        .header("WWW-Authenticate", "Bearer realm=\"petrel\"");
  }

  /**
   * The same problem about one part of a request: every field error's pointer is put under {@code
   * prefix} (an item of a batch, {@code /messages/3}), in the detail too when it names one.
   */
  Problem under(String prefix) {
    List<FieldError> moved = new java.util.ArrayList<>();
    for (FieldError e : errors) moved.add(new FieldError(prefix + e.pointer(), e.detail()));
    String detail = getMessage();
    if (errors.size() == 1 && detail.startsWith(errors.getFirst().pointer() + ": "))
      detail = prefix + detail;
    Problem p = new Problem(status, type, title, detail, moved);
    p.headers.putAll(headers);
    return p;
  }

  /** Adds a response header (Retry-After, WWW-Authenticate...). */
  public Problem header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public int status() {
    return status;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** The document's members, in the RFC's order. */
  public Map<String, Object> body(String instance) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", BASE + type);
    m.put("title", title);
    m.put("status", status);
    m.put("detail", getMessage());
    if (instance != null) m.put("instance", instance);
    if (!errors.isEmpty()) {
      m.put(
          "errors",
          errors.stream().map(e -> Map.of("pointer", e.pointer(), "detail", e.detail())).toList());
    }
    return m;
  }
}
