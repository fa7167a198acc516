package dev.petrel.domains;

import dev.petrel.accounts.Account;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A domain an account sends from, with the DKIM keys Petrel made for it.
 *
 * @param domain lower case, without a trailing dot
 * @param account the owning account
 * @param selector the base of the selectors: keys are published at {@link #rsaSelector()} and
 *     {@link #ed25519Selector()}
 * @param rsaPrivate RSA-2048 private key, PKCS#8 in base64
 * @param rsaPublic the RSA key's DNS {@code p=} value
 * @param edPrivate Ed25519 private key, PKCS#8 in base64
 * @param edPublic the Ed25519 key's DNS {@code p=} value (32 raw octets in base64)
 * @param created when it was added
 * @param verified when its DKIM records were last found as expected; null when not verified (its
 *     mail is then not signed)
 * @param checked when its DNS records were last checked, or null
 * @param lastCheck the results of that check as JSON, or null
 */
public record SenderDomain(
    String domain,
    String account,
    String selector,
    String rsaPrivate,
    String rsaPublic,
    String edPrivate,
    String edPublic,
    Instant created,
    Instant verified,
    Instant checked,
    String lastCheck) {

  // Letters, digits and dashes in labels of at most 63, at least two labels, 253 in all.
  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  public SenderDomain {
    domain = normalize(domain);
    Account.checkName(account);
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(rsaPrivate, "rsaPrivate");
    Objects.requireNonNull(rsaPublic, "rsaPublic");
    Objects.requireNonNull(edPrivate, "edPrivate");
    Objects.requireNonNull(edPublic, "edPublic");
    Objects.requireNonNull(created, "created");
  }

  /**
   * A domain name as typed, checked and in the stored form (lower case, no trailing dot).
   *
   * @throws IllegalArgumentException saying what a domain may hold
   */
  public static String normalize(String domain) {
    String d = domain == null ? "" : domain.strip().toLowerCase(Locale.ROOT);
    if (d.endsWith(".")) d = d.substring(0, d.length() - 1);
    if (!DOMAIN.matcher(d).matches())
      throw new IllegalArgumentException(
          "not a domain name: '"
              + domain
              + "' (use labels of letters, digits and '-', separated by dots, e.g. example.com;"
              + " internationalized names in their xn-- form)");
    return d;
  }

  public boolean isVerified() {
    return verified != null;
  }

  public String rsaSelector() {
    return selector + "-rsa";
  }

  public String ed25519Selector() {
    return selector + "-ed25519";
  }
}
