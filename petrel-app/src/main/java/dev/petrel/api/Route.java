package dev.petrel.api;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One endpoint: method, path (Javalin syntax, {@code {id}} for a parameter), whether it needs an
 * API key, and its handler. {@link ApiServer#ROUTES} is the list the server registers and the
 * OpenAPI test compares with {@code openapi.json}, so the document cannot drift.
 */
public record Route(HandlerType method, String path, boolean authenticated, Handler handler) {}
