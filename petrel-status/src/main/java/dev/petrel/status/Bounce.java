package dev.petrel.status;

/**
 * Whether a reply means the recipient address itself is dead.
 *
 * <p>{@link #HARD} is reserved for replies that say the address can never receive mail (unknown
 * user, domain without mail, moved, disabled). Everything else that failed is {@link #SOFT}, even
 * with a 5xx code, because it may succeed later or is the sender's problem.
 */
public enum Bounce {
  NONE,
  SOFT,
  HARD;

  /** The lower-case name used in JSON and on the command line. */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Parses {@code none}, {@code soft} or {@code hard}. */
  public static Bounce of(String id) {
    return valueOf(id.trim().toUpperCase(java.util.Locale.ROOT));
  }
}
