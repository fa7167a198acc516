package dev.petrel.status;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Why a message was not delivered (or that it was). The names match Sisimai's reason names so that
 * results can be compared with that classifier; the defaults each reason implies (bounce, action,
 * who, explanation) live in the data file {@code reasons.txt}.
 */
public enum Reason {
  USERUNKNOWN,
  HOSTUNKNOWN,
  HASMOVED,
  NOTACCEPT,
  SUSPEND,
  MAILBOXFULL,
  EMAILTOOLARGE,
  RATELIMITED,
  GREYLISTED,
  BADREPUTATION,
  BLOCKED,
  SPAMDETECTED,
  VIRUSDETECTED,
  AUTHFAILURE,
  REQUIREPTR,
  POLICYVIOLATION,
  NOTCOMPLIANTRFC,
  CONTENTERROR,
  NORELAYING,
  REJECTED,
  SECURITYERROR,
  FAILEDSTARTTLS,
  SYNTAXERROR,
  SYSTEMERROR,
  SYSTEMFULL,
  NETWORKERROR,
  EXPIRED,
  FILTERED,
  MAILERERROR,
  SUPPRESSED,
  FEEDBACK,
  VACATION,
  DELIVERED,
  ONHOLD,
  UNDEFINED;

  private static final Map<String, Reason> BY_ID = new HashMap<>();

  static {
    for (Reason r : values()) BY_ID.put(r.id(), r);
    // Older Sisimai names, accepted on input so that operator rules written for them still load.
    BY_ID.put("toomanyconn", RATELIMITED);
    BY_ID.put("speeding", RATELIMITED);
    BY_ID.put("mesgtoobig", EMAILTOOLARGE);
    BY_ID.put("exceedlimit", EMAILTOOLARGE);
  }

  /** The lower-case name, e.g. {@code userunknown}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Looks a reason up by its name.
   *
   * @throws IllegalArgumentException when the name is not in the vocabulary
   */
  public static Reason of(String id) {
    Reason r = BY_ID.get(id.trim().toLowerCase(Locale.ROOT));
    if (r == null) throw new IllegalArgumentException("unknown reason '" + id + "'");
    return r;
  }
}
