package dev.petrel.accounts;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A customer of this Petrel: what messages, keys, logins, suppressions and quotas belong to. Its
 * name is the identifier every other table stores.
 *
 * @param name lower-case letters, digits, dot, dash and underscore, 1 to 64 characters
 * @param plan the name of a plan in the configuration, e.g. {@code free}
 * @param created when it was created
 */
public record Account(String name, String plan, Instant created) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public Account {
    checkName(name);
    if (plan == null || plan.isBlank())
      throw new IllegalArgumentException("an account needs a plan");
    if (created == null) throw new IllegalArgumentException("an account needs a creation time");
  }

  /** Throws with a message that says what a name may hold. */
  public static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches())
      throw new IllegalArgumentException(
          "not an account name: '"
              + name
              + "' (use 1 to 64 lower-case letters, digits, '.', '-' or '_', starting with a"
              + " letter or digit)");
    return name;
  }
}
