package dev.petrel.api;

import dev.petrel.domains.SenderDomain;
import dev.petrel.queue.StorageException;
import dev.petrel.report.SenderDomains;
import io.javalin.http.Context;
import java.util.Map;

/**
 * {@code /api/v1/domains}: an account's sender domains through {@link SenderDomains}, the same
 * service as {@code petrel domains}: add one (new DKIM keys, the DNS records to publish), list,
 * show, check the published SPF, DKIM and DMARC records, remove. Another account's domain answers
 * 404; a domain another account holds answers 409 "not available", the same words as for any name
 * that cannot be had, so that no account learns what another one has added.
 */
final class SenderDomainEndpoints {

  private final Api api;

  SenderDomainEndpoints(Api api) {
    this.api = api;
  }

  private SenderDomains domains() {
    if (api.domains() == null)
      throw new Problem(503, "not-configured", "Not available", "sender domains are not set up");
    return api.domains();
  }

  void list(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    ApiServer.json(
        ctx,
        200,
        Map.of("data", domains().list(caller.account()).stream().map(i -> i.json()).toList()));
  }

  void add(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    JsonBody body = JsonBody.read(ctx);
    String domain = body.string("domain");
    if (domain == null) body.error("/domain", "is required, e.g. example.com");
    body.finish();
    try {
      ApiServer.json(ctx, 201, domains().add(caller.account(), domain).json());
    } catch (IllegalArgumentException e) {
      throw Problem.invalid(java.util.List.of(new Problem.FieldError("/domain", e.getMessage())));
    } catch (SenderDomains.DomainTakenException e) {
      throw e.sameAccount()
          ? new Problem(
              409,
              "domain-exists",
              "Domain already added",
              "'"
                  + SenderDomain.normalize(domain)
                  + "' is already a sender domain of this account; GET /api/v1/domains/"
                  + SenderDomain.normalize(domain)
                  + " shows its records")
          : Problem.unavailable("domain", SenderDomain.normalize(domain));
    }
  }

  void show(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    String domain = ctx.pathParam("domain");
    ApiServer.json(
        ctx,
        200,
        domains().find(caller.account(), domain).orElseThrow(() -> notFound(domain)).json());
  }

  void check(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    String domain = ctx.pathParam("domain");
    ApiServer.json(
        ctx,
        200,
        domains().check(caller.account(), domain).orElseThrow(() -> notFound(domain)).json());
  }

  void remove(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    String domain = ctx.pathParam("domain");
    if (!domains().remove(caller.account(), domain)) throw notFound(domain);
    ctx.status(204);
  }

  private static Problem notFound(String domain) {
    return Problem.notFound("'" + domain + "' is not a sender domain of this account");
  }
}
