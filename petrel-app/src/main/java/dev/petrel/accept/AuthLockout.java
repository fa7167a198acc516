package dev.petrel.accept;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Counts failed SMTP logins across all sessions, per client address and per login name, and locks
 * either for a while once it has failed too often. The per-session slow-down ({@link AuthThrottle})
 * does not stop a guesser that opens many sessions at once; this does: after {@code maxFailures}
 * failures within {@code window}, every AUTH from that address, or for that login, is refused with
 * 454 4.7.0 for {@code lockDuration}, the right password included, and without checking it (so a
 * locked guesser also stops costing password-hashing time).
 *
 * <p>Password checks are reserved before they run: at most {@code maxFailures} checks can be in
 * flight or failed per key and window, so parallel sessions cannot slip extra guesses past the
 * limit while the first ones are still being checked.
 *
 * <p>IPv6 clients are counted per /64, the block one subscriber usually holds. Memory is bounded:
 * each of the two tables keeps at most {@code maxTracked} keys; when full, forgotten first are keys
 * whose window and lock are over, then the oldest unlocked ones.
 *
 * <p>A lock per login lets anyone lock a login out for {@code lockDuration} by guessing it: the
 * price of stopping guessers that spread over many addresses. The reply is temporary, so a real
 * client retries and gets through once the lock ends. Thread-safe.
 */
public final class AuthLockout {

  /** What a lock is on. */
  public enum Scope {
    ADDRESS,
    LOGIN;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param maxFailures failed logins within {@code window} that lock the address or login
   * @param window how far back failures count
   * @param lockDuration how long a lock lasts
   * @param maxTracked addresses (and, separately, logins) remembered at most
   */
  public record Settings(int maxFailures, Duration window, Duration lockDuration, int maxTracked) {

    /** 10 failures: room for a person's typos, few guesses for a machine. */
    public static final int DEFAULT_MAX_FAILURES = 10;

    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);
    public static final Duration DEFAULT_LOCK = Duration.ofMinutes(15);

    /** 10,000 keys per table: about a megabyte each at most. */
    public static final int DEFAULT_MAX_TRACKED = 10_000;

    public static final Settings DEFAULTS =
        new Settings(DEFAULT_MAX_FAILURES, DEFAULT_WINDOW, DEFAULT_LOCK, DEFAULT_MAX_TRACKED);

    public Settings {
      if (maxFailures < 1) throw new IllegalArgumentException("max failures must be at least 1");
      if (window == null || !window.isPositive())
        throw new IllegalArgumentException("the failure window must be longer than zero");
      if (lockDuration == null || !lockDuration.isPositive())
        throw new IllegalArgumentException("the lock duration must be longer than zero");
      if (maxTracked < 1) throw new IllegalArgumentException("max tracked must be at least 1");
    }
  }

  /** The outcome of asking to check a password. */
  public sealed interface Admission {}

  /**
   * Refused: {@code scope} is locked until {@code until}, or (when {@code until} is null) has as
   * many checks running as it may still fail.
   */
  public record Locked(Scope scope, Instant until) implements Admission {}

  /** Allowed: report how the check went with {@link #failed} or {@link #succeeded}, once. */
  public final class Attempt implements Admission {
    private final String address;
    private final String login;
    private boolean done;

    private Attempt(String address, String login) {
      this.address = address;
      this.login = login;
    }

    /**
     * The password was wrong. Returns the scopes this failure locked (empty mostly), for the log
     * and metrics.
     */
    public List<Scope> failed() {
      synchronized (AuthLockout.this) {
        if (done) return List.of();
        done = true;
        Instant now = clock.instant();
        List<Scope> locked = new ArrayList<>(2);
        if (addresses.fail(address, now)) locked.add(Scope.ADDRESS);
        if (logins.fail(login, now)) locked.add(Scope.LOGIN);
        return locked;
      }
    }

    /** The password was right: the login's failures are forgiven (the address's are not). */
    public void succeeded() {
      release(true);
    }

    /** The check could not be made (the authenticator failed): nothing counts. */
    public void abandoned() {
      release(false);
    }

    private void release(boolean forgiveLogin) {
      synchronized (AuthLockout.this) {
        if (done) return;
        done = true;
        addresses.release(address, false);
        logins.release(login, forgiveLogin);
      }
    }
  }

  private final Settings settings;
  private final InstantSource clock;
  private final Table addresses;
  private final Table logins;

  public AuthLockout(Settings settings, InstantSource clock) {
    this.settings = Objects.requireNonNull(settings);
    this.clock = Objects.requireNonNull(clock);
    this.addresses = new Table();
    this.logins = new Table();
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Asks to check a password for {@code login} from {@code client}.
   *
   * @return a {@link Locked} refusal, or an {@link Attempt} to report the check's outcome to
   */
  public synchronized Admission admit(InetAddress client, String login) {
    Instant now = clock.instant();
    String a = addressKey(client);
    String l = loginKey(login);
    Instant addressLock = addresses.refusal(a, now);
    if (addressLock != null) return locked(Scope.ADDRESS, addressLock);
    Instant loginLock = logins.refusal(l, now);
    if (loginLock != null) return locked(Scope.LOGIN, loginLock);
    addresses.reserve(a, now);
    logins.reserve(l, now);
    return new Attempt(a, l);
  }

  /** Keys remembered now, addresses and logins together (for tests of the memory bound). */
  synchronized int tracked() {
    return addresses.entries.size() + logins.entries.size();
  }

  /** Marks a refusal because of checks still running rather than a lock. */
  private static final Instant AT_LIMIT = Instant.MIN;

  private static Locked locked(Scope scope, Instant until) {
    return new Locked(scope, until == AT_LIMIT ? null : until);
  }

  /** IPv4 addresses as they are, IPv6 ones by their /64 prefix. */
  static String addressKey(InetAddress client) {
    if (client == null) return "unknown";
    if (client instanceof Inet6Address) {
      byte[] prefix = Arrays.copyOf(client.getAddress(), 8);
      return "v6:" + java.util.HexFormat.of().formatHex(prefix);
    }
    return client.getHostAddress();
  }

  /** Logins compare without case; a very long one is cut (it still counts as itself). */
  static String loginKey(String login) {
    String l = login == null ? "" : login.toLowerCase(Locale.ROOT);
    return l.length() > 320 ? l.substring(0, 320) : l;
  }

  /** Per key: failures in the current window, checks in flight, and a lock. */
  private static final class Entry {
    Instant windowStart;
    int failures;
    int pending;
    Instant lockedUntil;

    boolean idle(Instant now, Duration window) {
      return pending == 0
          && (lockedUntil == null || !lockedUntil.isAfter(now))
          && (failures == 0 || !windowStart.plus(window).isAfter(now));
    }
  }

  /** One bounded table of keys (addresses or logins); used under the lockout's monitor. */
  private final class Table {
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    /**
     * When the key may not be checked now: the end of its lock, or {@link #AT_LIMIT}; else null.
     */
    Instant refusal(String key, Instant now) {
      Entry e = entries.get(key);
      if (e == null) return null;
      if (e.lockedUntil != null) {
        if (e.lockedUntil.isAfter(now)) return e.lockedUntil;
        e.lockedUntil = null;
      }
      expireWindow(e, now);
      // Checks in flight that may still fail count, so parallel guesses stop at the limit.
      if (e.failures + e.pending >= settings.maxFailures()) return AT_LIMIT;
      return null;
    }

    void reserve(String key, Instant now) {
      Entry e = entries.get(key);
      if (e == null) {
        makeRoom(now);
        e = new Entry();
        entries.put(key, e);
      }
      e.pending++;
    }

    /** Records a failure; true when it locked the key. */
    boolean fail(String key, Instant now) {
      Entry e = entries.get(key);
      if (e == null) return false; // forgotten to make room: nothing to add to
      e.pending = Math.max(0, e.pending - 1);
      expireWindow(e, now);
      if (e.failures == 0) e.windowStart = now;
      e.failures++;
      if (e.failures < settings.maxFailures()) return false;
      e.lockedUntil = now.plus(settings.lockDuration());
      e.failures = 0;
      return true;
    }

    void release(String key, boolean forgive) {
      Entry e = entries.get(key);
      if (e == null) return;
      e.pending = Math.max(0, e.pending - 1);
      if (forgive) e.failures = 0;
      if (e.pending == 0 && e.failures == 0 && e.lockedUntil == null) entries.remove(key);
    }

    private void expireWindow(Entry e, Instant now) {
      if (e.failures > 0 && !e.windowStart.plus(settings.window()).isAfter(now)) e.failures = 0;
    }

    private void makeRoom(Instant now) {
      if (entries.size() < settings.maxTracked()) return;
      entries.values().removeIf(e -> e.idle(now, settings.window()));
      if (entries.size() < settings.maxTracked()) return;
      // Still full: forget the oldest key that is not locked, else the oldest of all.
      Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
      while (it.hasNext()) {
        Entry e = it.next().getValue();
        if ((e.lockedUntil == null || !e.lockedUntil.isAfter(now)) && e.pending == 0) {
          it.remove();
          return;
        }
      }
      it = entries.entrySet().iterator();
      it.next();
      it.remove();
    }
  }
}
