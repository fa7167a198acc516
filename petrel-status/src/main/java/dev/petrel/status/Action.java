package dev.petrel.status;

import java.util.Locale;

/** What the sender (or Petrel's scheduler) should do next about a reply. */
public enum Action {
  /** Nothing: the mail was accepted, or the reply needs no reaction. */
  NONE,
  /** Try again on the normal retry schedule. */
  RETRY,
  /** Try again after a stated or implied delay (greylisting, "try again in 5 minutes"). */
  RETRY_AFTER,
  /** Back off the whole destination: it is limiting our rate or doubts our reputation. */
  SLOW_DOWN,
  /** Stop mailing the address. */
  SUPPRESS,
  /** The sender's administrator must fix DNS, authentication, PTR or a blocklisting. */
  FIX_SENDER,
  /** The message itself must change: size, content, headers. */
  FIX_MESSAGE,
  /** Only the recipient can fix it (for example a mailbox full for a long time). */
  CONTACT_RECIPIENT;

  /** The wire name, e.g. {@code retry-after}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses a wire name such as {@code slow-down}. */
  public static Action of(String id) {
    return valueOf(id.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
