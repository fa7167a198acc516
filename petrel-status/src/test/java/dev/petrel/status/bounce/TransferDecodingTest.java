package dev.petrel.status.bounce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.junit.jupiter.api.Test;

/**
 * Our array decoders against mime4j's stream decoders (DecodeMonitor.SILENT), which the MIME reader
 * used before: the same bytes for every transfer-encoded body of the corpus, for whole mails read
 * as if they were encoded, for hand-made malformed inputs and for random ones.
 */
class TransferDecodingTest {

  /** The caps the MIME reader uses, and small ones that cut outputs short. */
  private static final int[] CAPS = {Integer.MAX_VALUE, 1 << 20, 1, 2, 3, 7, 100, 2049};

  /** mime4j's decoder, read in the steps MimeReader read it in before. */
  private static byte[] mime4j(Function<InputStream, InputStream> decoder, byte[] in, int cap) {
    InputStream s = decoder.apply(new ByteArrayInputStream(in));
    byte[] out = new byte[Math.min(cap, in.length + 16)];
    int n = 0;
    try (s) {
      while (n < cap) {
        if (n == out.length) out = Arrays.copyOf(out, (int) Math.min(cap, 2L * out.length));
        int r = s.read(out, n, out.length - n);
        if (r < 0) break;
        n += r;
      }
    } catch (IOException | RuntimeException e) {
      // as MimeReader did: keep what was decoded
    }
    return Arrays.copyOf(out, n);
  }

  static byte[] mime4jBase64(byte[] in, int cap) {
    return mime4j(s -> new Base64InputStream(s, DecodeMonitor.SILENT), in, cap);
  }

  static byte[] mime4jQp(byte[] in, int cap) {
    return mime4j(s -> new QuotedPrintableInputStream(s, DecodeMonitor.SILENT), in, cap);
  }

  /** Counts of inputs the quoted-printable array decoder took and left to mime4j. */
  private int qpArray;

  private int qpFallback;

  /** Checks both decodings of {@code in} at every cap; the input is also read at an offset. */
  private void same(byte[] in) {
    byte[] shifted = new byte[in.length + 5];
    System.arraycopy(in, 0, shifted, 3, in.length);
    for (int cap : CAPS) {
      byte[] b64 = mime4jBase64(in, cap);
      assertThat(TransferDecoding.base64(in, 0, in.length, cap))
          .as(describe(in, cap))
          .isEqualTo(b64);
      assertThat(TransferDecoding.base64(shifted, 3, in.length, cap)).isEqualTo(b64);
      assertThat(MimeReader.transferDecode(in, 0, in.length, "base64", cap)).isEqualTo(b64);

      byte[] qp = mime4jQp(in, cap);
      byte[] ours = TransferDecoding.quotedPrintable(in, 0, in.length, cap);
      if (ours != null) {
        qpArray++;
        assertThat(ours).as(describe(in, cap)).isEqualTo(qp);
        assertThat(TransferDecoding.quotedPrintable(shifted, 3, in.length, cap)).isEqualTo(qp);
      } else {
        qpFallback++;
      }
      assertThat(MimeReader.transferDecode(in, 0, in.length, "quoted-printable", cap))
          .as(describe(in, cap))
          .isEqualTo(qp);
    }
  }

  private static String describe(byte[] in, int cap) {
    String s = new String(in, 0, Math.min(in.length, 200), StandardCharsets.ISO_8859_1);
    return "cap " + cap + ", input " + s.replace("\r", "\\r").replace("\n", "\\n");
  }

  @Test
  void malformedAndEdgeInputs() {
    String[] inputs = {
      "",
      "=",
      "==",
      "===",
      "=A",
      "=a",
      "=4",
      "=41",
      "=4a=4A=4g",
      "=G1",
      "=1G",
      "=\n",
      "=\r\n",
      "= \n",
      "=\t \t\nnext",
      "= x",
      "=  ",
      "a=\nb",
      "a=\r\nb",
      "a= \r\nb",
      "a==\nb",
      "a==\r\nb",
      "a==x",
      "a==",
      "a=\rb",
      "a\rb",
      "a\r",
      "\r\r\n\r",
      "trailing   \nblanks\t\n",
      "blanks at end   ",
      "a \rb",
      "a\u000b\u001c\u001d\u001e\u001fb\n",
      "=\u000b\n",
      "=\u001c\nx",
      "x=\n=\n=\ny",
      "=XY=ZW\n=\n",
      "=\n\n\n",
      "caf=C3=A9 =E2=82=AC\n",
      "Zm9v",
      "Zm9vYg==",
      "Zm9vYmE=",
      "Zm9vYmFy",
      "Zm9vY",
      "Zm9vYm",
      "Zm9v=YmFy",
      "Z=",
      "=Zm9v",
      "Zm9v\nYmFy\n",
      "Zm 9v\tYm*Fy!!",
      "Zm9vYg==Zm9v",
      "Zm9vYmE=Zm9v",
      "-_-_",
      "\u00e9\u00ff\u0080Zm9v",
    };
    for (String s : inputs) same(s.getBytes(StandardCharsets.ISO_8859_1));
    // bytes above 0x7f, among them 0x85 and 0xa0 (white space in some definitions, not Java's)
    same(new byte[] {'a', (byte) 0x85, '\n', (byte) 0xa0, '=', (byte) 0x85, 'b', '=', (byte) 0xa0});
  }

  @Test
  void randomInputsAcrossMime4jBufferEdges() {
    byte[] alphabet = {
      '=',
      '=',
      '=',
      '\n',
      '\n',
      '\r',
      ' ',
      ' ',
      '\t',
      'A',
      'f',
      '3',
      'G',
      'x',
      '+',
      '/',
      0x0b,
      0x1c,
      (byte) 0x85,
      (byte) 0xa0,
      (byte) 0xff
    };
    Random random = new Random(2045);
    for (int k = 0; k < 4000; k++) {
      int len = k % 4 == 0 ? 2000 + random.nextInt(2200) : random.nextInt(64);
      byte[] in = new byte[len];
      for (int i = 0; i < len; i++) in[i] = alphabet[random.nextInt(alphabet.length)];
      same(in);
    }
  }

  @Test
  void everyEncodedBodyOfTheCorpus() {
    Path corpus = SisimaiCorpusTest.locate();
    assumeTrue(corpus != null, "Sisimai corpus not found (system property petrel.corpus)");
    List<MailInputs.Mail> mails = new ArrayList<>();
    MailInputs.read(corpus, mails::add, (p, m) -> {});
    assertThat(mails).hasSizeGreaterThan(500);
    // as stored (CRLF in some), then with the LF line ends that MimeReader decodes
    int bodies = 0;
    for (MailInputs.Mail mail : mails) bodies += sameForMailAndBodies(mail.bytes());
    qpArray = 0;
    qpFallback = 0;
    for (MailInputs.Mail mail : mails) {
      bodies += sameForMailAndBodies(MimeReader.normaliseLineEnds(mail.bytes()));
    }
    assertThat(bodies).isGreaterThan(200);
    // with LF line ends, the array decoder (not the fallback) decoded nearly all of them
    assertThat(qpArray).isGreaterThan(10 * qpFallback);
  }

  private int sameForMailAndBodies(byte[] mail) {
    // the whole mail as if it were encoded: plenty of malformed input
    same(mail);
    List<byte[]> bodies = encodedBodies(mail);
    for (byte[] body : bodies) same(body);
    return bodies.size();
  }

  /**
   * The bodies after each quoted-printable or base64 Content-Transfer-Encoding field: from the
   * blank line after it to the next line starting with "--", and to the end of the mail.
   */
  private static List<byte[]> encodedBodies(byte[] mail) {
    List<byte[]> out = new ArrayList<>();
    String s = new String(mail, StandardCharsets.ISO_8859_1);
    String lower = s.toLowerCase(Locale.ROOT);
    int at = 0;
    while ((at = lower.indexOf("content-transfer-encoding:", at)) >= 0) {
      int lineEnd = lower.indexOf('\n', at);
      if (lineEnd < 0) break;
      String value = lower.substring(at, lineEnd);
      at = lineEnd;
      if (!value.contains("base64") && !value.contains("quoted-printable")) continue;
      int blank = lower.indexOf("\n\n", at);
      int crlfBlank = lower.indexOf("\r\n\r\n", at);
      int start;
      if (blank >= 0 && (crlfBlank < 0 || blank < crlfBlank)) start = blank + 2;
      else if (crlfBlank >= 0) start = crlfBlank + 4;
      else continue;
      int next = lower.indexOf("\n--", start);
      int end = next < 0 ? mail.length : next + 1;
      out.add(Arrays.copyOfRange(mail, start, end));
      out.add(Arrays.copyOfRange(mail, start, mail.length));
    }
    return out;
  }
}
