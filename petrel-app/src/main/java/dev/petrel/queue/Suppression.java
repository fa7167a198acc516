package dev.petrel.queue;

import java.time.Instant;
import java.util.Locale;

/**
 * An address an account must not send to, with why and since when.
 *
 * @param account the account whose list it is on
 * @param address the address, lower case
 * @param reason why, e.g. {@code userunknown} or {@code manual}
 * @param source the reply that caused it (e.g. {@code 550 5.1.1 No such user}), or null
 * @param created when it was added
 */
public record Suppression(
    String account, String address, String reason, String source, Instant created) {

  public Suppression {
    if (account == null || account.isBlank()) throw new IllegalArgumentException("account needed");
    if (address == null || address.isBlank()) throw new IllegalArgumentException("address needed");
    if (reason == null || reason.isBlank()) throw new IllegalArgumentException("reason needed");
    if (created == null) throw new IllegalArgumentException("created needed");
    address = key(address);
  }

  /** How addresses are compared on the list: whole address, ignoring case. */
  public static String key(String address) {
    return address.trim().toLowerCase(Locale.ROOT);
  }
}
