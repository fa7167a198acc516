package dev.petrel.api;

import io.javalin.http.Context;

/**
 * Who is calling: the account the request's API key acts for. Every handler reads and writes only
 * this account's data; an id of another account's object answers 404, never 403, so ids do not leak
 * what exists.
 */
public record Caller(String account) {

  static final String ATTRIBUTE = "petrel.caller";

  /** The caller of an authenticated request (set by {@link ApiServer}'s key check). */
  public static Caller of(Context ctx) {
    Caller c = ctx.attribute(ATTRIBUTE);
    if (c == null) throw Problem.unauthorized("this endpoint needs an API key");
    return c;
  }
}
