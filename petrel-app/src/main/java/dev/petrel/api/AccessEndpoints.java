package dev.petrel.api;

import dev.petrel.accept.CredentialStore;
import dev.petrel.accounts.ApiKey;
import dev.petrel.queue.StorageException;
import dev.petrel.report.MessageJson;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The caller's own ways in: API keys ({@code /api/v1/keys}) and SMTP logins ({@code
 * /api/v1/smtp-credentials}). Secrets (a new key, a new login's password) are in the creation
 * answer only; afterwards only the key's public id or the login name is shown. Another account's
 * key or login answers 404.
 */
final class AccessEndpoints {

  private final Api api;

  AccessEndpoints(Api api) {
    this.api = api;
  }

  void listKeys(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    List<Map<String, Object>> data =
        api.accounts().keys(caller.account()).stream().map(AccessEndpoints::key).toList();
    ApiServer.json(ctx, 200, Map.of("data", data));
  }

  void createKey(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    ApiKey.Created k = api.accounts().createKey(caller.account(), api.clock().instant());
    Map<String, Object> body = key(k.key());
    body.put("key", k.secret());
    ApiServer.json(ctx, 201, body);
  }

  void revokeKey(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    String id = ctx.pathParam("id");
    if (!api.accounts().revokeKey(caller.account(), id, api.clock().instant()))
      throw Problem.notFound("this account has no working key '" + id + "'");
    ctx.status(204);
  }

  private static Map<String, Object> key(ApiKey k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", k.id());
    m.put("created", MessageJson.instant(k.created()));
    m.put("revoked", MessageJson.instant(k.revoked()));
    return m;
  }

  private CredentialStore logins() {
    if (api.credentials() == null)
      throw new Problem(503, "not-configured", "Not available", "SMTP logins are not set up");
    return api.credentials();
  }

  void listLogins(Context ctx) throws IOException {
    Caller caller = Caller.of(ctx);
    List<Map<String, Object>> data =
        logins().users(caller.account()).stream()
            .map(u -> Map.<String, Object>of("user", u))
            .toList();
    ApiServer.json(ctx, 200, Map.of("data", data));
  }

  void createLogin(Context ctx) throws IOException {
    Caller caller = Caller.of(ctx);
    JsonBody body = JsonBody.read(ctx);
    String user = body.string("user");
    if (user == null) body.error("/user", "is required, e.g. app@example.com");
    else {
      try {
        CredentialStore.checkUserName(user);
      } catch (IllegalArgumentException e) {
        body.error("/user", e.getMessage());
      }
    }
    body.finish();
    try {
      String password = logins().add(caller.account(), user);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("user", user);
      m.put("password", password);
      ApiServer.json(ctx, 201, m);
    } catch (CredentialStore.UserExistsException e) {
      // Only the owner learns that the login exists; to anyone else it is just not available.
      if (logins().users(caller.account()).contains(user))
        throw new Problem(
            409,
            "login-exists",
            "Login already exists",
            "'" + user + "' is already an SMTP login of this account; remove it first to renew it");
      throw Problem.unavailable("login", user);
    }
  }

  void removeLogin(Context ctx) throws IOException {
    Caller caller = Caller.of(ctx);
    String user = ctx.pathParam("user");
    if (!logins().remove(caller.account(), user))
      throw Problem.notFound("this account has no SMTP login '" + user + "'");
    ctx.status(204);
  }
}
