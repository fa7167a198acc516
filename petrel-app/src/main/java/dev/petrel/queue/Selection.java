package dev.petrel.queue;

import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import java.util.List;

/**
 * Which recipients a bulk queue operation (retry, cancel) applies to: given messages, or all, and
 * optionally only one destination domain and/or one state. Filters combine with AND.
 *
 * @param ids the messages; empty means every message (only allowed with {@code all} or a filter)
 * @param domain only recipients at this domain (case-insensitive), or null
 * @param state only recipients in this state, or null
 */
public record Selection(List<QueueId> ids, String domain, RecipientState state) {

  public Selection {
    ids = List.copyOf(ids);
    if (domain != null) domain = domain.trim().toLowerCase(java.util.Locale.ROOT);
  }

  public static Selection of(List<QueueId> ids) {
    if (ids.isEmpty()) throw new IllegalArgumentException("name at least one message");
    return new Selection(ids, null, null);
  }

  public static Selection all() {
    return new Selection(List.of(), null, null);
  }

  public Selection withDomain(String d) {
    return new Selection(ids, d, state);
  }

  public Selection withState(RecipientState s) {
    return new Selection(ids, domain, s);
  }
}
