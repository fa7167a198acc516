package dev.petrel.report;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook secrets and signatures in the Standard Webhooks layout: a secret is {@code whsec_}
 * followed by the base64 of random key bytes; a signature is {@code v1,} followed by the base64 of
 * HMAC-SHA256 under those key bytes over {@code id.timestamp.body}, where {@code id} is the {@code
 * webhook-id} header and {@code timestamp} the {@code webhook-timestamp} header (seconds).
 */
public final class WebhookSigner {

  public static final String SECRET_PREFIX = "whsec_";

  /** Key bytes in a new secret: 256 bits, above the 24 bytes the layout asks for at least. */
  static final int KEY_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSigner() {}

  /** A new random secret. */
  public static String newSecret() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /**
   * The key bytes of a secret.
   *
   * @throws IllegalArgumentException when the secret is not {@code whsec_} and base64
   */
  public static byte[] key(String secret) {
    if (secret == null || !secret.startsWith(SECRET_PREFIX))
      throw new IllegalArgumentException("a webhook secret starts with " + SECRET_PREFIX);
    byte[] key;
    try {
      key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the webhook secret is not base64 after " + SECRET_PREFIX);
    }
    if (key.length == 0) throw new IllegalArgumentException("the webhook secret is empty");
    return key;
  }

  /** The {@code webhook-signature} header value for one request. */
  public static String sign(String secret, String id, long timestampSeconds, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
      byte[] signed = (id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8);
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HMAC-SHA256", e);
    }
  }
}
