package dev.petrel.deliver;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Limits per destination: defaults, and overrides for named destinations. */
public record ThrottleConfig(DestinationLimits defaults, Map<String, DestinationLimits> overrides) {

  public static final ThrottleConfig DEFAULTS =
      new ThrottleConfig(DestinationLimits.DEFAULTS, Map.of());

  public ThrottleConfig {
    if (defaults == null) throw new IllegalArgumentException("default limits are required");
    Map<String, DestinationLimits> m = new LinkedHashMap<>();
    overrides.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
    overrides = Map.copyOf(m);
  }

  public DestinationLimits limitsFor(String destination) {
    DestinationLimits l = overrides.get(destination.toLowerCase(Locale.ROOT));
    return l == null ? defaults : l;
  }
}
