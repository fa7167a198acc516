package dev.petrel.model;

import java.util.Locale;

/**
 * Where one recipient of a message stands: {@code queued → deferred → delivered | bounced | expired
 * | suppressed | cancelled}. The last five are final.
 */
public enum RecipientState {
  QUEUED,
  DEFERRED,
  DELIVERED,
  BOUNCED,
  EXPIRED,
  SUPPRESSED,
  CANCELLED;

  public boolean isFinal() {
    return this != QUEUED && this != DEFERRED;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RecipientState of(String id) {
    return valueOf(id.trim().toUpperCase(Locale.ROOT));
  }
}
