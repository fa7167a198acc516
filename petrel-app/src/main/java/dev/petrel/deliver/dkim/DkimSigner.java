package dev.petrel.deliver.dkim;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Makes {@code DKIM-Signature} header fields (RFC 6376 §5) for one message: relaxed/relaxed,
 * SHA-256, no body length limit ({@code l=} invites appended content), one field per key.
 *
 * <p>The body hash is computed once, streaming, and shared by every key. The signed header list is
 * {@link #SIGNED}, each name once per field present, plus one extra {@code from} so that a From
 * field added in transit breaks the signature (RFC 6376 §8.15).
 */
public final class DkimSigner {

  /** Header fields signed when present, in the order they are listed in {@code h=}. */
  public static final List<String> SIGNED =
      List.of(
          "from",
          "sender",
          "reply-to",
          "to",
          "cc",
          "subject",
          "date",
          "message-id",
          "in-reply-to",
          "references",
          "mime-version",
          "content-type",
          "content-transfer-encoding",
          "list-id",
          "list-unsubscribe",
          "list-unsubscribe-post");

  private static final int FOLD = 76;

  private DkimSigner() {}

  /**
   * The signature fields for a message, ready to put before its header: one per key, each ending in
   * CRLF, folded to short lines. One char per octet (ISO-8859-1).
   *
   * @param header the message's header fields
   * @param body the message's body (after the empty line), read to its end
   * @param domain the signing domain {@code d=}
   * @param keys at least one key
   * @param now the signing time {@code t=}
   * @throws IOException when the body cannot be read
   * @throws IllegalArgumentException when the header has no From field (RFC 6376 §5.4 requires it
   *     signed) or no key is given
   */
  public static String sign(
      HeaderSection header, InputStream body, String domain, List<DkimKey> keys, Instant now)
      throws IOException {
    if (keys.isEmpty()) throw new IllegalArgumentException("no key to sign with");
    if (header.named("from").isEmpty())
      throw new IllegalArgumentException("the message has no From field to sign");
    String bodyHash = Base64.getEncoder().encodeToString(bodyHash(body));
    List<String> names = new ArrayList<>();
    for (String name : SIGNED) {
      int count = header.named(name).size();
      for (int i = 0; i < count; i++) names.add(name);
    }
    names.add("from");
    byte[] signedHeaders = canonicalHeaders(header, names);
    StringBuilder out = new StringBuilder();
    for (DkimKey key : keys) {
      String unsigned = unsignedField(key, domain.toLowerCase(Locale.ROOT), names, bodyHash, now);
      byte[] data = concat(signedHeaders, Relaxed.bytes(stripCrlf(Relaxed.header(unsigned))));
      String b = Base64.getEncoder().encodeToString(signature(key, data));
      out.append(unsigned).append(fold(b)).append("\r\n");
    }
    return out.toString();
  }

  /** The SHA-256 of the relaxed body. */
  static byte[] bodyHash(InputStream body) throws IOException {
    MessageDigest sha = sha256();
    OutputStream sink =
        new OutputStream() {
          @Override
          public void write(int b) {
            sha.update((byte) b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            sha.update(b, off, len);
          }
        };
    BufferedOutputStream buffered = new BufferedOutputStream(sink, 8192);
    try (Relaxed.Body canon = new Relaxed.Body(buffered)) {
      body.transferTo(canon);
    }
    buffered.flush();
    return sha.digest();
  }

  /** The named fields in relaxed form, each taken from the bottom up (RFC 6376 §5.4.2). */
  private static byte[] canonicalHeaders(HeaderSection header, List<String> names) {
    Map<String, Integer> used = new HashMap<>();
    StringBuilder b = new StringBuilder();
    for (String name : names) {
      List<String> fields = header.named(name);
      int n = used.merge(name, 1, Integer::sum);
      if (n <= fields.size()) b.append(Relaxed.header(fields.get(fields.size() - n)));
    }
    return Relaxed.bytes(b.toString());
  }

  /** The signature field up to and including {@code b=}, folded between tags. */
  private static String unsignedField(
      DkimKey key, String domain, List<String> names, String bodyHash, Instant now) {
    List<String> tags = new ArrayList<>();
    tags.add("v=1");
    tags.add("a=" + key.algorithm().tag());
    tags.add("c=relaxed/relaxed");
    tags.add("d=" + domain);
    tags.add("s=" + key.selector());
    tags.add("t=" + now.getEpochSecond());
    tags.add("h=" + String.join(":", names));
    tags.add("bh=" + bodyHash);
    StringBuilder b = new StringBuilder("DKIM-Signature: ");
    int lineLength = b.length();
    for (String tag : tags) {
      String piece = tag + ";";
      if (lineLength + piece.length() + 1 > FOLD && lineLength > 1) {
        b.append("\r\n\t");
        lineLength = 1;
      } else if (lineLength > "DKIM-Signature: ".length()) {
        b.append(' ');
        lineLength++;
      }
      b.append(piece);
      lineLength += piece.length();
    }
    return b.append("\r\n\tb=").toString();
  }

  /** A long base64 value cut into lines; verifiers drop the folding whitespace. */
  private static String fold(String value) {
    StringBuilder b = new StringBuilder(value.length() + value.length() / 30);
    int first = FOLD - 3;
    for (int i = 0; i < value.length(); ) {
      int len = i == 0 ? first : FOLD - 1;
      int end = Math.min(value.length(), i + len);
      if (i > 0) b.append("\r\n\t");
      b.append(value, i, end);
      i = end;
    }
    return b.toString();
  }

  private static byte[] signature(DkimKey key, byte[] data) {
    try {
      Signature s = Signature.getInstance(key.algorithm().jdkSignature());
      s.initSign(key.privateKey());
      // RFC 8463 §3: Ed25519 signs the SHA-256 of the data, not the data itself.
      s.update(key.algorithm() == DkimAlgorithm.ED25519 ? sha256().digest(data) : data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot sign with the " + key.algorithm().tag() + " key: " + e.getMessage(), e);
    }
  }

  private static String stripCrlf(String canonical) {
    return canonical.substring(0, canonical.length() - 2);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
