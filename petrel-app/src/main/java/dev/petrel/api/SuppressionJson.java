package dev.petrel.api;

import dev.petrel.queue.Suppression;
import dev.petrel.report.MessageJson;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON of a suppression entry, the same fields as {@code petrel suppressions list --json}. */
final class SuppressionJson {

  private SuppressionJson() {}

  static Map<String, Object> of(Suppression s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("address", s.address());
    m.put("reason", s.reason());
    m.put("source", s.source());
    m.put("created", MessageJson.instant(s.created()));
    return m;
  }
}
