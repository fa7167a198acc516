package dev.petrel.deliver;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Limits per destination: defaults, and overrides for named destinations.
 *
 * @param overrides limits for some destinations (domains), replacing the defaults
 * @param perRecipient domains whose limits are kept per local part instead of for the whole domain:
 *     the mailbox simulator's, where each local part plays a server of its own (a {@code rate-421}
 *     address slowing down must not slow down {@code ok})
 */
public record ThrottleConfig(
    DestinationLimits defaults,
    Map<String, DestinationLimits> overrides,
    Set<String> perRecipient) {

  public static final ThrottleConfig DEFAULTS =
      new ThrottleConfig(DestinationLimits.DEFAULTS, Map.of());

  public ThrottleConfig(DestinationLimits defaults, Map<String, DestinationLimits> overrides) {
    this(defaults, overrides, Set.of());
  }

  public ThrottleConfig {
    if (defaults == null) throw new IllegalArgumentException("default limits are required");
    Map<String, DestinationLimits> m = new LinkedHashMap<>();
    overrides.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
    overrides = Map.copyOf(m);
    Set<String> p = new TreeSet<>();
    perRecipient.forEach(d -> p.add(d.toLowerCase(Locale.ROOT)));
    perRecipient = Set.copyOf(p);
  }

  /** The limits of a destination; a per-recipient key ({@code domain/local}) has its domain's. */
  public DestinationLimits limitsFor(String destination) {
    String d = destination.toLowerCase(Locale.ROOT);
    int slash = d.indexOf('/');
    if (slash > 0) d = d.substring(0, slash);
    DestinationLimits l = overrides.get(d);
    return l == null ? defaults : l;
  }

  /** The same with {@code domain} kept per local part. */
  public ThrottleConfig withPerRecipient(String domain) {
    Set<String> p = new TreeSet<>(perRecipient);
    p.add(domain);
    return new ThrottleConfig(defaults, overrides, p);
  }

  /**
   * The key limits are kept under for a recipient whose domain's destination is {@code
   * destination}: the destination itself, or {@code destination/local} (local part in lower case,
   * without any {@code +suffix}) for a per-recipient domain.
   */
  public String keyFor(String destination, String localPart) {
    if (perRecipient.isEmpty() || !perRecipient.contains(destination.toLowerCase(Locale.ROOT)))
      return destination;
    String local = localPart.toLowerCase(Locale.ROOT);
    if (local.startsWith("\"") && local.endsWith("\"") && local.length() >= 2)
      local = local.substring(1, local.length() - 1);
    int plus = local.indexOf('+');
    if (plus >= 0) local = local.substring(0, plus);
    return destination + "/" + local;
  }
}
