package dev.petrel.status.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Differential fuzzing of the transfer decoders: for any bytes, the base64 and quoted-printable
 * decoders over the array give what mime4j's lenient streams give (the reference the MIME reader
 * was written against, see {@link TransferDecodingTest}), and {@link MimeReader#transferDecode}
 * gives it whichever decoder it picks. The first input byte picks the output cap. In the normal
 * test run this replays the inputs under {@code TransferDecodingFuzzTestInputs/}; with {@code
 * JAZZER_FUZZ=1} it fuzzes.
 */
class TransferDecodingFuzzTest {

  private static final int[] CAPS = {Integer.MAX_VALUE, 1, 2, 3, 7, 100, 2049};

  @FuzzTest(maxDuration = "2m")
  void decodersAgreeWithMime4j(byte[] data) {
    int cap = data.length == 0 ? Integer.MAX_VALUE : CAPS[(data[0] & 0xff) % CAPS.length];
    byte[] in = data.length == 0 ? data : Arrays.copyOfRange(data, 1, data.length);

    byte[] base64 = TransferDecodingTest.mime4jBase64(in, cap);
    assertThat(TransferDecoding.base64(in, 0, in.length, cap)).isEqualTo(base64);
    assertThat(MimeReader.transferDecode(in, 0, in.length, "base64", cap)).isEqualTo(base64);

    byte[] qp = TransferDecodingTest.mime4jQp(in, cap);
    byte[] ours = TransferDecoding.quotedPrintable(in, 0, in.length, cap);
    if (ours != null) assertThat(ours).isEqualTo(qp);
    assertThat(MimeReader.transferDecode(in, 0, in.length, "quoted-printable", cap)).isEqualTo(qp);
  }
}
