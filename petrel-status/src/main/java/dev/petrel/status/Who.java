package dev.petrel.status;

import java.util.Locale;

/** Who has to act on a reply. */
public enum Who {
  NOBODY("nobody"),
  SENDER("sender"),
  SENDER_ADMIN("sender's administrator"),
  RECIPIENT("recipient"),
  RECIPIENT_ADMIN("recipient's administrator");

  private final String label;

  Who(String label) {
    this.label = label;
  }

  /** The wire name, e.g. {@code sender-admin}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** A label for people, e.g. "sender's administrator". */
  public String label() {
    return label;
  }

  /** Parses a wire name such as {@code recipient-admin}. */
  public static Who of(String id) {
    return valueOf(id.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
