package dev.petrel.accounts;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The plans an operator offers: a name and a monthly limit of accepted recipients, or no limit .
 * Parsed from configuration text such as {@code free=2000,team=100000,unlimited=none}. The built-in
 * set has {@code free} (2,000 a month) and {@code unlimited}.
 */
public record Plans(Map<String, Long> limits) {

  /** The plan of an account created without one. */
  public static final String FREE = "free";

  /** The plan of the operator's own first account. */
  public static final String UNLIMITED = "unlimited";

  public static final Plans DEFAULTS = parse("free=2000,unlimited=none");

  public Plans {
    limits = Map.copyOf(limits);
    if (limits.isEmpty()) throw new IllegalArgumentException("at least one plan is needed");
  }

  /**
   * Reads {@code name=limit} pairs separated by commas; a limit is a whole number of recipients a
   * month or {@code none}. The built-in {@code free} and {@code unlimited} are added when missing.
   */
  public static Plans parse(String text) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) continue;
      int eq = p.indexOf('=');
      if (eq <= 0)
        throw new IllegalArgumentException("a plan is NAME=LIMIT (or NAME=none), not '" + p + "'");
      String name = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = p.substring(eq + 1).trim();
      long limit;
      if (value.equalsIgnoreCase("none")) limit = -1;
      else {
        try {
          limit = Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "plan " + name + ": the limit must be a whole number or 'none', not '" + value + "'");
        }
        if (limit < 0)
          throw new IllegalArgumentException("plan " + name + ": the limit must not be negative");
      }
      out.put(name, limit);
    }
    out.putIfAbsent(FREE, 2000L);
    out.putIfAbsent(UNLIMITED, -1L);
    return new Plans(out);
  }

  public boolean has(String plan) {
    return limits.containsKey(plan);
  }

  /** The monthly limit of a plan; empty when it has none. Unknown plans count as free. */
  public OptionalLong limit(String plan) {
    Long l = limits.getOrDefault(plan, limits.get(FREE));
    return l == null || l < 0 ? OptionalLong.empty() : OptionalLong.of(l);
  }
}
