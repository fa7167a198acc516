package dev.petrel.report;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.QueueId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * VERP return paths (SPEC §6): {@code bounces+<token>@<bounce domain>}, where the token names one
 * message and one recipient, so an asynchronous bounce sent to that address says which recipient
 * failed even when its content names nobody.
 *
 * <p>Token: {@code <queue id>-<recipient position>-<mac>}, all lower case (some servers fold the
 * local part's case), the mac being the first 10 bytes of HMAC-SHA256 over the id and position with
 * the installation's secret. Without the secret nobody can make a token that marks another
 * message's recipient as bounced.
 */
public final class Verp {

  /** The local part before the token. */
  public static final String PREFIX = "bounces+";

  private static final int MAC_BYTES = 10;
  private static final HexFormat HEX = HexFormat.of();

  /** What a valid token names. */
  public record Target(QueueId message, int position) {}

  private final SecretKeySpec key;
  private final String domain;

  /**
   * @param secret at least 16 bytes, kept by the installation (the same for every node)
   * @param bounceDomain the domain whose mail the listener reads as bounces
   */
  public Verp(byte[] secret, String bounceDomain) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < 16) throw new IllegalArgumentException("the VERP secret needs 16 bytes");
    if (bounceDomain == null || bounceDomain.isBlank() || bounceDomain.contains("@"))
      throw new IllegalArgumentException("not a bounce domain: '" + bounceDomain + "'");
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.domain = bounceDomain.trim().toLowerCase(Locale.ROOT);
  }

  public String bounceDomain() {
    return domain;
  }

  /** The return path for one recipient of one message. */
  public EmailAddress returnPath(QueueId message, int position) {
    if (position < 0) throw new IllegalArgumentException("negative recipient position");
    String body = message.value().toLowerCase(Locale.ROOT) + "-" + position;
    return new EmailAddress(PREFIX + body + "-" + HEX.formatHex(mac(body)), domain);
  }

  /**
   * Reads a bounce's envelope recipient. Empty when the address is not on the bounce domain, has no
   * token, or the token is malformed or its mac does not match (a forgery or a typo).
   */
  public Optional<Target> read(EmailAddress address) {
    if (address == null || !address.domain().equalsIgnoreCase(domain)) return Optional.empty();
    String local = address.localPart().toLowerCase(Locale.ROOT);
    if (!local.startsWith(PREFIX)) return Optional.empty();
    String token = local.substring(PREFIX.length());
    int second = token.lastIndexOf('-');
    int first = second < 0 ? -1 : token.lastIndexOf('-', second - 1);
    if (first < 0) return Optional.empty();
    String body = token.substring(0, second);
    String id = token.substring(0, first);
    String pos = token.substring(first + 1, second);
    if (pos.isEmpty() || pos.length() > 6 || !pos.chars().allMatch(c -> c >= '0' && c <= '9'))
      return Optional.empty();
    byte[] given;
    try {
      given = HEX.parseHex(token.substring(second + 1));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!MessageDigest.isEqual(given, mac(body))) return Optional.empty();
    try {
      return Optional.of(new Target(QueueId.parse(id), Integer.parseInt(pos)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] full = mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
      return java.util.Arrays.copyOf(full, MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
