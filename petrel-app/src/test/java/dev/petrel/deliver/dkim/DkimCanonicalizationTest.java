package dev.petrel.deliver.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Relaxed canonicalization (RFC 6376 §3.4.2, §3.4.4) and reading the header section. */
class DkimCanonicalizationTest {

  /** The example of RFC 6376 §3.4.6, with its relaxed results. */
  static final String EXAMPLE =
      "A: X\r\n"
          + "B : Y\t\r\n"
          + "\tZ  \r\n"
          + "\r\n"
          + " C \r\n"
          + "D \t E\r\n"
          + "\r\n"
          + "\r\n";

  @Test
  void theRfcExampleHeaderBecomesItsRelaxedForm() throws IOException {
    InputStream in = stream(EXAMPLE);
    HeaderSection h = HeaderSection.read(in, 1 << 20);
    assertThat(h.fields()).hasSize(2);
    assertThat(Relaxed.header(h.fields().get(0))).isEqualTo("a:X\r\n");
    assertThat(Relaxed.header(h.fields().get(1))).isEqualTo("b:Y Z\r\n");
  }

  @Test
  void theRfcExampleBodyBecomesItsRelaxedForm() throws IOException {
    InputStream in = stream(EXAMPLE);
    HeaderSection.read(in, 1 << 20);
    assertThat(relaxedBody(in.readAllBytes())).isEqualTo(" C\r\nD E\r\n");
  }

  @Test
  void bareLineEndsAreReadAsDeliveryWritesThem() throws IOException {
    String crlf = relaxedBody(" C \r\nD \t E\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThat(relaxedBody(" C \nD \t E\n\n".getBytes(StandardCharsets.ISO_8859_1)))
        .isEqualTo(crlf);
    assertThat(relaxedBody(" C \rD \t E\r\r".getBytes(StandardCharsets.ISO_8859_1)))
        .isEqualTo(crlf);
    // An unterminated last line is ended; inner empty lines stay; trailing ones go.
    assertThat(relaxedBody("a\n\n\nb".getBytes(StandardCharsets.ISO_8859_1)))
        .isEqualTo("a\r\n\r\n\r\nb\r\n");
    assertThat(relaxedBody("a\r\n  \t \r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)))
        .isEqualTo("a\r\n");
  }

  @Test
  void anEmptyBodyHashesAsTheEmptyString() throws IOException {
    // RFC 6376 §3.4.4 relaxed: nothing is added to an empty body.
    assertThat(relaxedBody(new byte[0])).isEmpty();
    assertThat(relaxedBody("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))).isEmpty();
    assertThat(
            Base64.getEncoder()
                .encodeToString(DkimSigner.bodyHash(new ByteArrayInputStream(new byte[0]))))
        .isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  }

  @Test
  void headerReadingStopsAtTheEmptyLineAndKeepsEightBitOctets() throws IOException {
    byte[] msg =
        "From: J\u00f6rg <j@example.org>\nSubject: hi\n there\n\nbody\n"
            .getBytes(StandardCharsets.UTF_8);
    InputStream in = new BufferedInputStream(new ByteArrayInputStream(msg));
    HeaderSection h = HeaderSection.read(in, 1 << 20);
    assertThat(h.named("subject")).containsExactly("Subject: hi\r\n there");
    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("body\n");
    assertThat(Relaxed.header(h.named("from").getFirst()).getBytes(StandardCharsets.ISO_8859_1))
        .isEqualTo("from:J\u00f6rg <j@example.org>\r\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anOversizedHeaderIsRefused() {
    String big = "X-A: " + "a".repeat(5000) + "\r\n\r\nbody";
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HeaderSection.read(stream(big), 1000))
        .isInstanceOf(HeaderSection.TooLargeException.class);
  }

  @Test
  void theFromDomainIsTheFirstAddressOutsideQuotesAndComments() throws IOException {
    List<String[]> cases =
        List.of(
            new String[] {"From: a@Example.COM", "example.com"},
            new String[] {"From: \"x@evil.test\" <b@good.test>", "good.test"},
            new String[] {"From: (c@evil.test) Name <d@good.test>", "good.test"},
            new String[] {"From: Name\r\n <e@folded.test>", "folded.test"},
            new String[] {"From: f@one.test, g@two.test", "one.test"},
            new String[] {"From: team: h@group.test;", "group.test"},
            new String[] {"From: nobody", null},
            new String[] {"Subject: no from", null});
    for (String[] c : cases) {
      HeaderSection h = HeaderSection.read(stream(c[0] + "\r\n\r\n"), 1 << 20);
      assertThat(h.fromDomain()).as(c[0]).isEqualTo(c[1]);
    }
  }

  static InputStream stream(String s) {
    return new BufferedInputStream(
        new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)));
  }

  static String relaxedBody(byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Relaxed.Body b = new Relaxed.Body(out)) {
      b.write(body);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }
}
