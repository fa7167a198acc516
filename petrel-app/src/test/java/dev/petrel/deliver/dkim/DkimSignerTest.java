package dev.petrel.deliver.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Key and record formats, and the shape of the signature fields. That the signatures verify is
 * checked by a verifier Petrel did not write (python3-dkim) in {@code DkimSignedMailVerifiesTest}.
 */
class DkimSignerTest {

  static final String MESSAGE =
      "From: Ann <ann@example.org>\r\n"
          + "To: bob@example.net\r\n"
          + "Subject: Hello\r\n"
          + "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
          + "Message-ID: <1@example.org>\r\n"
          + "X-Unsigned: yes\r\n"
          + "\r\n"
          + "Hi Bob.\r\n";

  @Test
  void rsaKeysAre2048BitsAndPublishedAsSubjectPublicKeyInfo() throws Exception {
    DkimAlgorithm.Generated g = DkimAlgorithm.RSA.generate();
    PublicKey pub =
        KeyFactory.getInstance("RSA")
            .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(g.publicKey())));
    assertThat(((RSAPublicKey) pub).getModulus().bitLength()).isEqualTo(2048);
    assertThat(DkimAlgorithm.RSA.privateKey(g.privateKey()).getAlgorithm()).isEqualTo("RSA");
    assertThat(DkimAlgorithm.RSA.txtValue(g.publicKey()))
        .isEqualTo("v=DKIM1; k=rsa; p=" + g.publicKey());
  }

  @Test
  void ed25519PublicKeysAreTheBare32Octets() {
    DkimAlgorithm.Generated g = DkimAlgorithm.ED25519.generate();
    assertThat(Base64.getDecoder().decode(g.publicKey())).hasSize(32);
    assertThat(DkimAlgorithm.ED25519.privateKey(g.privateKey()).getAlgorithm()).isEqualTo("EdDSA");
    assertThat(DkimAlgorithm.ED25519.txtValue(g.publicKey()))
        .isEqualTo("v=DKIM1; k=ed25519; p=" + g.publicKey());
  }

  @Test
  void aStoredKeyOfTheWrongKindIsRefused() {
    String ed = DkimAlgorithm.ED25519.generate().privateKey();
    assertThatThrownBy(() -> DkimAlgorithm.RSA.privateKey(ed))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DkimAlgorithm.RSA.privateKey("not base64!"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signatureFieldsCarryTheTagsAndShortLines() throws Exception {
    DkimAlgorithm.Generated rsa = DkimAlgorithm.RSA.generate();
    DkimAlgorithm.Generated ed = DkimAlgorithm.ED25519.generate();
    List<DkimKey> keys =
        List.of(
            new DkimKey(
                DkimAlgorithm.RSA, "s1-rsa", DkimAlgorithm.RSA.privateKey(rsa.privateKey())),
            new DkimKey(
                DkimAlgorithm.ED25519,
                "s1-ed25519",
                DkimAlgorithm.ED25519.privateKey(ed.privateKey())));
    InputStream in = DkimCanonicalizationTest.stream(MESSAGE);
    HeaderSection h = HeaderSection.read(in, 1 << 20);
    String fields = DkimSigner.sign(h, in, "Example.ORG", keys, Instant.ofEpochSecond(1700000000));
    for (String line : fields.split("\r\n")) assertThat(line.length()).isLessThanOrEqualTo(78);
    List<Map<String, String>> sigs = parse(fields);
    assertThat(sigs).hasSize(2);
    String bodyHash =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-256")
                    .digest("Hi Bob.\r\n".getBytes(StandardCharsets.US_ASCII)));
    for (Map<String, String> s : sigs) {
      assertThat(s)
          .containsEntry("v", "1")
          .containsEntry("c", "relaxed/relaxed")
          .containsEntry("d", "example.org")
          .containsEntry("t", "1700000000")
          .containsEntry("h", "from:to:subject:date:message-id:from")
          .containsEntry("bh", bodyHash)
          .doesNotContainKey("l");
    }
    assertThat(sigs.get(0)).containsEntry("a", "rsa-sha256").containsEntry("s", "s1-rsa");
    assertThat(sigs.get(1)).containsEntry("a", "ed25519-sha256").containsEntry("s", "s1-ed25519");
    assertThat(Base64.getDecoder().decode(sigs.get(1).get("b"))).hasSize(64);
    assertThat(Base64.getDecoder().decode(sigs.get(0).get("b"))).hasSize(256);

    // The RSA signature checks out with the public key over the RFC's signed data.
    String signedData =
        "from:Ann <ann@example.org>\r\n"
            + "to:bob@example.net\r\n"
            + "subject:Hello\r\n"
            + "date:Mon, 1 Jan 2024 00:00:00 +0000\r\n"
            + "message-id:<1@example.org>\r\n"
            + Relaxed.header(withoutB(fields.split("(?=DKIM-Signature:)")[0]));
    signedData = signedData.substring(0, signedData.length() - 2);
    Signature v = Signature.getInstance("SHA256withRSA");
    v.initVerify(
        KeyFactory.getInstance("RSA")
            .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(rsa.publicKey()))));
    v.update(signedData.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(v.verify(Base64.getDecoder().decode(sigs.get(0).get("b")))).isTrue();
    // ...and not over anything else (a changed subject).
    v.initVerify(
        KeyFactory.getInstance("RSA")
            .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(rsa.publicKey()))));
    v.update(signedData.replace("Hello", "Hellp").getBytes(StandardCharsets.ISO_8859_1));
    assertThat(v.verify(Base64.getDecoder().decode(sigs.get(0).get("b")))).isFalse();
  }

  @Test
  void aMessageWithoutFromIsNotSigned() throws Exception {
    InputStream in = DkimCanonicalizationTest.stream("Subject: x\r\n\r\nbody\r\n");
    HeaderSection h = HeaderSection.read(in, 1 << 20);
    DkimKey key =
        new DkimKey(
            DkimAlgorithm.ED25519,
            "s",
            DkimAlgorithm.ED25519.privateKey(DkimAlgorithm.ED25519.generate().privateKey()));
    assertThatThrownBy(() -> DkimSigner.sign(h, in, "example.org", List.of(key), Instant.EPOCH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("From");
    assertThat(HexFormat.of().formatHex(new byte[] {1})).isEqualTo("01");
  }

  /** The field with its b= value removed, as a verifier sees it (RFC 6376 §3.7). */
  private static String withoutB(String field) {
    String f = field.strip();
    return f.substring(0, f.lastIndexOf("b=") + 2);
  }

  private static List<Map<String, String>> parse(String fields) {
    List<Map<String, String>> out = new java.util.ArrayList<>();
    for (String field : fields.split("(?=DKIM-Signature:)")) {
      if (field.isBlank()) continue;
      String value = field.substring(field.indexOf(':') + 1).replaceAll("\\s+", "");
      Map<String, String> tags = new LinkedHashMap<>();
      for (String part : value.split(";")) {
        int eq = part.indexOf('=');
        tags.put(part.substring(0, eq), part.substring(eq + 1));
      }
      out.add(tags);
    }
    return out;
  }
}
