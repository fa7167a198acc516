package dev.petrel.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The SASL PLAIN message (RFC 4616): {@code [authzid] NUL authcid NUL passwd} in UTF-8, sent
 * base64-encoded in SMTP AUTH (RFC 4954).
 *
 * @param authzid the identity to act as, empty when the client gave none
 * @param authcid the user name
 * @param password the password
 */
public record SaslPlain(String authzid, String authcid, String password) {

  /**
   * Decodes the message from its (already base64-decoded) octets.
   *
   * @throws IllegalArgumentException when there are not exactly two NULs, or the user name or
   *     password is empty
   */
  public static SaslPlain decode(byte[] message) {
    String s = new String(message, StandardCharsets.UTF_8);
    int first = s.indexOf('\0');
    int second = first < 0 ? -1 : s.indexOf('\0', first + 1);
    if (first < 0 || second < 0 || s.indexOf('\0', second + 1) >= 0)
      throw new IllegalArgumentException("PLAIN message must be authzid NUL authcid NUL passwd");
    SaslPlain p =
        new SaslPlain(
            s.substring(0, first), s.substring(first + 1, second), s.substring(second + 1));
    if (p.authcid.isEmpty() || p.password.isEmpty())
      throw new IllegalArgumentException("PLAIN message with an empty user name or password");
    return p;
  }

  /** The base64 text a client sends (for the SMTP client side and tests). */
  public String encode() {
    String s = authzid + '\0' + authcid + '\0' + password;
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "SaslPlain[authzid=" + authzid + ", authcid=" + authcid + ", password=***]";
  }
}
