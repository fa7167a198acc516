package dev.petrel.app;

import dev.petrel.deliver.DestinationLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text forms of the per-destination limits: rates ({@code 10/s}, {@code 600/min}, {@code
 * 100/h}, {@code none}) and {@code --destination-limit DOMAIN:key=value,...} overrides.
 */
final class ThrottleOptions {

  private ThrottleOptions() {}

  /** The keys a {@code --destination-limit} may set. */
  static final List<String> KEYS =
      List.of("connections", "messages-per-connection", "rate", "min-rate", "step", "max");

  private static final Pattern RATE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*/\\s*(s|sec|second|m|min|minute|h|hour)");

  /** A rate as messages per second: {@code N/s}, {@code N/min}, {@code N/h}; none: unlimited. */
  static double rate(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("none") || t.equals("unlimited")) return Double.POSITIVE_INFINITY;
    Matcher m = RATE.matcher(t);
    if (!m.matches())
      throw new IllegalArgumentException("not a rate (e.g. 10/s, 600/min, 100/h, none)");
    double n = Double.parseDouble(m.group(1));
    if (!(n > 0) || Double.isInfinite(n))
      throw new IllegalArgumentException("a rate must be more than zero");
    return switch (m.group(2)) {
      case "s", "sec", "second" -> n;
      case "m", "min", "minute" -> n / 60;
      default -> n / 3600;
    };
  }

  /** A rate that must be finite (the slowest rate of a slow-down). */
  static double finiteRate(String text) {
    double r = rate(text);
    if (Double.isInfinite(r))
      throw new IllegalArgumentException("must be a rate (e.g. 1/min), not none");
    return r;
  }

  /** A duration longer than zero. */
  static Duration positiveDuration(String text) {
    Duration d = ConfigValues.duration(text);
    if (d.isZero()) throw new IllegalArgumentException("must be longer than zero");
    return d;
  }

  /**
   * Parses {@code DOMAIN:key=value,key=value} overrides; several may follow each other separated by
   * commas (a part with a colon starts the next domain), as repeated flags are joined. Keys not
   * given keep {@code defaults}.
   *
   * @throws IllegalArgumentException naming the bad part
   */
  static Map<String, DestinationLimits> overrides(String text, DestinationLimits defaults) {
    Map<String, DestinationLimits> out = new LinkedHashMap<>();
    List<List<String>> specs = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) continue;
      if (p.contains(":")) specs.add(new ArrayList<>(List.of(p)));
      else if (specs.isEmpty())
        throw new IllegalArgumentException(
            "'" + p + "' names no domain: use DOMAIN:key=value,... (keys: " + keys() + ")");
      else specs.getLast().add(p);
    }
    for (List<String> spec : specs) {
      String first = spec.getFirst();
      int colon = first.indexOf(':');
      String domain = first.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      if (domain.isEmpty() || !domain.matches("[a-z0-9._-]+") || domain.startsWith("."))
        throw new IllegalArgumentException("'" + domain + "' is not a domain name");
      List<String> settings = new ArrayList<>(spec);
      settings.set(0, first.substring(colon + 1).strip());
      if (settings.getFirst().isEmpty())
        throw new IllegalArgumentException(
            domain + ": give at least one key=value (keys: " + keys() + ")");
      DestinationLimits l = defaults;
      int connections = l.maxConnections();
      double rate = l.maxMessagesPerSecond();
      double minRate = l.minMessagesPerSecond();
      Duration step = l.recoveryInterval();
      Duration max = l.maxSlowDown();
      int perConnection = l.messagesPerConnection();
      boolean minGiven = false;
      for (String setting : settings) {
        int eq = setting.indexOf('=');
        if (eq <= 0)
          throw new IllegalArgumentException(
              domain + ": '" + setting + "' is not key=value (keys: " + keys() + ")");
        String key = setting.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String value = setting.substring(eq + 1).strip();
        if (!KEYS.contains(key))
          throw new IllegalArgumentException(
              domain + ": unknown key '" + key + "' (keys: " + keys() + ")");
        try {
          switch (key) {
            case "connections" -> connections = ConfigValues.positive(value);
            case "messages-per-connection" -> perConnection = ConfigValues.positive(value);
            case "rate" -> rate = rate(value);
            case "min-rate" -> {
              minRate = finiteRate(value);
              minGiven = true;
            }
            case "step" -> step = positiveDuration(value);
            default -> max = positiveDuration(value); // "max", the last of KEYS
          }
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              domain + ": " + key + "=" + value + ": " + e.getMessage());
        }
      }
      // A lower rate than the default slowest one brings the slowest one down with it.
      if (!minGiven) minRate = Math.min(minRate, rate);
      try {
        l = new DestinationLimits(connections, rate, minRate, step, max, perConnection);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(domain + ": " + e.getMessage());
      }
      if (out.put(domain, l) != null)
        throw new IllegalArgumentException("limits for " + domain + " given twice");
    }
    return out;
  }

  private static String keys() {
    return String.join(", ", KEYS);
  }
}
