package dev.petrel.deliver.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * The two signing algorithms Petrel uses, with how their keys are made, stored and published.
 *
 * <ul>
 *   <li>{@link #RSA}: {@code rsa-sha256} with a 2048-bit key (RFC 6376 §3.3.1, RFC 8301); the DNS
 *       {@code p=} is the DER SubjectPublicKeyInfo in base64.
 *   <li>{@link #ED25519}: {@code ed25519-sha256} (RFC 8463); {@code p=} is the bare 32-octet public
 *       key in base64, and what is signed is the SHA-256 of the canonical header data.
 * </ul>
 *
 * Private keys are kept as PKCS#8 in base64.
 */
public enum DkimAlgorithm {
  RSA("rsa", "rsa-sha256", "RSA", "SHA256withRSA"),
  ED25519("ed25519", "ed25519-sha256", "Ed25519", "Ed25519");

  /** The DER prefix the JDK puts before the 32 key octets of an Ed25519 SubjectPublicKeyInfo. */
  private static final int ED25519_SPKI_PREFIX = 12;

  private final String keyType;
  private final String tag;
  private final String jdkKey;
  private final String jdkSignature;

  DkimAlgorithm(String keyType, String tag, String jdkKey, String jdkSignature) {
    this.keyType = keyType;
    this.tag = tag;
    this.jdkKey = jdkKey;
    this.jdkSignature = jdkSignature;
  }

  /** The {@code k=} value of the DNS record. */
  public String keyType() {
    return keyType;
  }

  /** The {@code a=} value of the signature. */
  public String tag() {
    return tag;
  }

  String jdkSignature() {
    return jdkSignature;
  }

  /** A new key pair: the private key (PKCS#8, base64) and the public key as DNS {@code p=}. */
  public record Generated(String privateKey, String publicKey) {}

  public Generated generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(jdkKey);
      if (this == RSA) g.initialize(2048);
      KeyPair pair = g.generateKeyPair();
      byte[] spki = pair.getPublic().getEncoded();
      byte[] published =
          this == RSA ? spki : Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX, spki.length);
      if (this == ED25519 && published.length != 32)
        throw new IllegalStateException("unexpected Ed25519 public key encoding");
      Base64.Encoder b64 = Base64.getEncoder();
      return new Generated(
          b64.encodeToString(pair.getPrivate().getEncoded()), b64.encodeToString(published));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make " + jdkKey + " keys", e);
    }
  }

  /**
   * Reads a stored private key.
   *
   * @throws IllegalArgumentException when the text is not a PKCS#8 key of this algorithm
   */
  public PrivateKey privateKey(String pkcs8Base64) {
    try {
      return KeyFactory.getInstance(jdkKey)
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pkcs8Base64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a stored " + jdkKey + " private key", e);
    }
  }

  /** The TXT value to publish at {@code <selector>._domainkey.<domain>}. */
  public String txtValue(String publicKey) {
    return "v=DKIM1; k=" + keyType + "; p=" + publicKey;
  }
}
