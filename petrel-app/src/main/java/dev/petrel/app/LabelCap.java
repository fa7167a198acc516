package dev.petrel.app;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps one metric label to a bounded set of values: the first {@code max} distinct values seen
 * keep their own label, every later one (and an unknown value) becomes {@value #OTHER}. Prometheus
 * keeps one series per label set, so a label fed from remote input (destination domains, enhanced
 * codes sent by any server) must not grow without end.
 */
final class LabelCap {

  static final String OTHER = "other";

  private final int max;
  private final Set<String> kept = ConcurrentHashMap.newKeySet();

  LabelCap(int max) {
    if (max < 1) throw new IllegalArgumentException("max must be at least 1");
    this.max = max;
  }

  String label(String value) {
    if (value == null || value.isEmpty()) return OTHER;
    if (kept.contains(value)) return value;
    // Two threads may both pass the size check and go one or two over max: harmless.
    if (kept.size() >= max) return OTHER;
    kept.add(value);
    return value;
  }
}
