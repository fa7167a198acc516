package dev.petrel.deliver.dkim;

import java.security.PrivateKey;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One key a domain signs with: the algorithm, the selector its public key is published under, and
 * the private key.
 */
public record DkimKey(DkimAlgorithm algorithm, String selector, PrivateKey privateKey) {

  private static final Pattern SELECTOR =
      Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  public DkimKey {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(privateKey, "privateKey");
    if (selector == null || !SELECTOR.matcher(selector).matches())
      throw new IllegalArgumentException("not a DKIM selector: '" + selector + "'");
  }
}
