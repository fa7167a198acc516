package dev.petrel.api;

import dev.petrel.accounts.Account;
import dev.petrel.accounts.Plans;
import dev.petrel.accounts.Quotas;
import dev.petrel.queue.StorageException;
import dev.petrel.report.MessageJson;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/v1/account}: the caller's account, plan and this month's quota use (for "1,234 of
 * 2,000 this month").
 */
final class GetAccount implements Handler {

  private final Api api;

  GetAccount(Api api) {
    this.api = api;
  }

  @Override
  public void handle(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    String plan =
        api.accounts().findAccount(caller.account()).map(Account::plan).orElse(Plans.FREE);
    Quotas.Check c = api.quotas().check(caller.account(), 0);
    Map<String, Object> quota = new LinkedHashMap<>();
    quota.put(
        "used",
        api.accounts()
            .usage(
                caller.account(),
                java.time.YearMonth.from(
                    api.clock().instant().atOffset(java.time.ZoneOffset.UTC))));
    quota.put("limit", c.limit() < 0 ? null : c.limit());
    quota.put("resets", MessageJson.instant(c.resets()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", caller.account());
    body.put("plan", plan);
    body.put("quota", quota);
    ApiServer.json(ctx, 200, body);
  }
}
