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
 * VERP return paths: {@code bounces+<token>@<bounce domain>}, where the token names one message and
 * one recipient, so an asynchronous bounce sent to that address says which recipient failed even
 * when its content names nobody.
 *
 * <p>Two token forms, all lower case (some servers fold the local part's case):
 *
 * <ul>
 *   <li>{@code <queue id>-<recipient position>-<mac>} names one recipient. Delivery uses it when
 *       the message has a single recipient at the destination domain (the common case).
 *   <li>{@code <queue id>-<mac>} names the message only. A transaction carries every recipient of
 *       the message at one domain but has one return path, so for several recipients the bounce's
 *       own Final-Recipient or Original-Recipient says which one failed.
 * </ul>
 *
 * <p>The mac is the first 10 bytes of HMAC-SHA256 with the installation's secret over the id, or
 * the id, a dash and the position. The two signed texts never coincide (a queue id has no dash), so
 * a message token cannot be turned into a recipient token. Without the secret nobody can make a
 * token that marks another message's recipient as bounced.
 */
public final class Verp {

  /** The local part before the token. */
  public static final String PREFIX = "bounces+";

  private static final int MAC_BYTES = 10;
  private static final HexFormat HEX = HexFormat.of();

  /** The position of a {@link Target} that names the whole message. */
  public static final int WHOLE_MESSAGE = -1;

  /**
   * What a valid token names.
   *
   * @param position the recipient's place in the envelope, or {@link #WHOLE_MESSAGE}
   */
  public record Target(QueueId message, int position) {
    public Target {
      if (message == null) throw new IllegalArgumentException("a target needs a message");
      if (position < WHOLE_MESSAGE) throw new IllegalArgumentException("negative position");
    }

    /** Whether the token names the message only, not one recipient. */
    public boolean wholeMessage() {
      return position == WHOLE_MESSAGE;
    }
  }

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

  /** The return path for a transaction with several recipients of one message. */
  public EmailAddress returnPath(QueueId message) {
    String body = message.value().toLowerCase(Locale.ROOT);
    return new EmailAddress(PREFIX + body + "-" + HEX.formatHex(mac(body)), domain);
  }

  /** Whether the address is on the bounce domain (whatever its local part). */
  public boolean onBounceDomain(EmailAddress address) {
    return address != null && address.domain().equalsIgnoreCase(domain);
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
    int last = token.lastIndexOf('-');
    if (last <= 0) return Optional.empty();
    String body = token.substring(0, last);
    byte[] given;
    try {
      given = HEX.parseHex(token.substring(last + 1));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (given.length != MAC_BYTES || !MessageDigest.isEqual(given, mac(body)))
      return Optional.empty();
    int dash = body.indexOf('-');
    String id = dash < 0 ? body : body.substring(0, dash);
    int position = WHOLE_MESSAGE;
    if (dash >= 0) {
      String pos = body.substring(dash + 1);
      if (pos.isEmpty() || pos.length() > 6 || !pos.chars().allMatch(c -> c >= '0' && c <= '9'))
        return Optional.empty();
      position = Integer.parseInt(pos);
    }
    try {
      return Optional.of(new Target(QueueId.parse(id), position));
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
