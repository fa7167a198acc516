package dev.petrel.status;

import java.time.Duration;

/**
 * Reads a delay that a reply states in words: "try again in 5 minutes", "retry after 300 seconds",
 * "please wait 1 hour". Works on normalised (lower-case, single-spaced) text; never throws.
 */
final class RetryDelay {

  private static final String[] LEADS = {
    "again in ", "again after ", "retry in ", "retry after ", "wait ", "again later in "
  };

  private RetryDelay() {}

  static Duration find(String norm) {
    for (String lead : LEADS) {
      int i = norm.indexOf(lead);
      while (i >= 0) {
        Duration d = number(norm, i + lead.length());
        if (d != null) return d;
        i = norm.indexOf(lead, i + 1);
      }
    }
    return null;
  }

  private static Duration number(String s, int p) {
    int n = s.length();
    int start = p;
    long v = 0;
    while (p < n && Character.isDigit(s.charAt(p)) && p - start < 7)
      v = v * 10 + (s.charAt(p++) - '0');
    if (p == start) return null;
    if (p < n && s.charAt(p) == ' ') p++;
    String unit = s.substring(p, Math.min(n, p + 7));
    if (unit.startsWith("sec") || unit.startsWith("s ") || unit.equals("s"))
      return Duration.ofSeconds(v);
    if (unit.startsWith("min") || unit.startsWith("m ")) return Duration.ofMinutes(v);
    if (unit.startsWith("hour") || unit.startsWith("hr") || unit.startsWith("h "))
      return Duration.ofHours(v);
    return null;
  }
}
