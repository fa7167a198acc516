package dev.petrel.accounts;

import dev.petrel.queue.Spool;
import dev.petrel.queue.StorageException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monthly quotas: accepted recipients per account per calendar month (UTC) against the account's
 * plan. The listener asks before accepting a recipient (450 4.7.1 past the limit) and the API
 * before accepting a message (429); both tell when the count starts again. The count itself is
 * written with each message (by the store, in the transaction that commits it), so it cannot drift
 * from the queue.
 *
 * <p>This check is early and advisory: two sessions may both pass it for the last recipient. What
 * holds is the commit, {@link Spool#commit(long)} with {@link #limitOf}: the store adds the
 * message's recipients to the count and refuses the message if the total passes the limit, in one
 * step, so the count never goes past the limit whatever runs at the same moment.
 *
 * <p>The plan's limit is read once per SMTP transaction or API request ({@link #limitOf}) and
 * handed to the calls that follow ({@link #check(String, int, OptionalLong)}, {@link
 * #afterAccepted(String, OptionalLong)}), so a message reads its account once rather than at each
 * step. A plan changed meanwhile applies from the next transaction or request; the month's count is
 * always read fresh, and the commit checks it exactly.
 */
public final class Quotas {

  private static final Logger LOG = LoggerFactory.getLogger("quota");

  /** The share of the limit at which the {@code quota.warning} event is raised. */
  public static final double WARN_AT = 0.9;

  /**
   * The answer for one request.
   *
   * @param allowed whether the recipients fit
   * @param used recipients accepted this month before this request
   * @param limit the plan's monthly limit, -1 without one
   * @param resets when the count starts again (the first instant of next month, UTC)
   */
  public record Check(boolean allowed, long used, long limit, Instant resets) {
    public long remaining() {
      return limit < 0 ? Long.MAX_VALUE : Math.max(0, limit - used);
    }
  }

  private final AccountStore accounts;
  private final Plans plans;
  private final InstantSource clock;

  public Quotas(AccountStore accounts, Plans plans, InstantSource clock) {
    this.accounts = accounts;
    this.plans = plans;
    this.clock = clock;
  }

  public Plans plans() {
    return plans;
  }

  /** Whether {@code additional} more recipients fit in this month's quota of the account. */
  public Check check(String account, int additional) throws StorageException {
    return check(account, additional, limitOf(account));
  }

  /**
   * Whether {@code additional} more recipients fit, against a limit the caller read with {@link
   * #limitOf} (the month's count is read now).
   */
  public Check check(String account, int additional, OptionalLong limit) throws StorageException {
    Instant now = clock.instant();
    YearMonth month = YearMonth.from(now.atOffset(ZoneOffset.UTC));
    Instant resets = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    if (limit.isEmpty()) return new Check(true, 0, -1, resets);
    long used = accounts.usage(account, month);
    return new Check(used + additional <= limit.getAsLong(), used, limit.getAsLong(), resets);
  }

  /** The monthly limit of an account's plan; accounts not in the store count as free. */
  public OptionalLong limitOf(String account) throws StorageException {
    return plans.limit(accounts.findAccount(account).map(Account::plan).orElse(Plans.FREE));
  }

  /**
   * Called after a message of the account was accepted: raises {@code quota.warning} once per month
   * when the count has reached {@link #WARN_AT} of the limit. Never throws: a failed warning must
   * not fail an accepted message.
   */
  public void afterAccepted(String account) {
    OptionalLong limit;
    try {
      limit = limitOf(account);
    } catch (StorageException | RuntimeException e) {
      LOG.warn("could not check the quota warning of {}: {}", account, e.getMessage());
      return;
    }
    afterAccepted(account, limit);
  }

  /**
   * {@link #afterAccepted(String)} with the limit the caller read for the message ({@link
   * #limitOf}); without a limit it reads nothing.
   */
  public void afterAccepted(String account, OptionalLong limit) {
    if (limit.isEmpty() || limit.getAsLong() <= 0) return;
    try {
      Check c = check(account, 0, limit);
      if (c.limit() <= 0 || c.used() < Math.ceil(c.limit() * WARN_AT)) return;
      YearMonth month = YearMonth.from(clock.instant().atOffset(ZoneOffset.UTC));
      if (!accounts.markWarned(account, month)) return;
      accounts.addEvent(
          clock.instant(),
          account,
          "quota.warning",
          null,
          "{\"used\":"
              + c.used()
              + ",\"limit\":"
              + c.limit()
              + ",\"resets\":\""
              + c.resets()
              + "\"}");
      LOG.info("account {} has used {} of {} recipients this month", account, c.used(), c.limit());
    } catch (StorageException | RuntimeException e) {
      LOG.warn("could not check the quota warning of {}: {}", account, e.getMessage());
    }
  }
}
