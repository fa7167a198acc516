package dev.petrel.accept;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.petrel.queue.StorageException;
import java.util.Arrays;

/**
 * Arbitrary bytes from a client: the session must end (the input is finite), never let an exception
 * escape or turn into an internal error, answer only with well-formed replies, and keep memory
 * bounded (small size limit). Input: one octet of flags (strict mode, outside the trusted networks,
 * TLS available, already secure, AUTH without TLS, timeout at the end, shutting down after the
 * fourth write, failing store), one octet for how many octets each read gets, then what the client
 * sends. Seeds under {@code src/test/resources/dev/petrel/accept/SessionFuzzTestInputs} replay in
 * every build; {@code JAZZER_FUZZ=1} explores.
 */
class SessionFuzzTest {

  @FuzzTest(maxDuration = "120s")
  void arbitraryClientBytesNeverBreakTheSession(byte[] input) {
    if (input.length < 2) return;
    int flags = input[0] & 0xff;
    int step = 1 + (input[1] & 0xff);
    byte[] client = Arrays.copyOfRange(input, 2, input.length);

    SessionHarness h = new SessionHarness();
    h.config(c -> SessionHarness.withMaxSize(c, 4096));
    if ((flags & 1) != 0) h.config(SessionHarness::strict);
    if ((flags & 2) != 0) h.untrusted();
    if ((flags & 4) != 0) h.tls();
    if ((flags & 8) != 0) h.secure();
    if ((flags & 16) != 0) h.config(SessionHarness::authWithoutTls);
    h.timeoutAtEnd = (flags & 32) != 0;
    if ((flags & 64) != 0) {
      int[] writes = {0};
      h.onWrite(w -> h.shuttingDown.set(++writes[0] >= 4));
    }
    if ((flags & 128) != 0) h.store.failCommit(new StorageException("fuzz"));
    for (int i = 0; i < client.length; i += step)
      h.send(Arrays.copyOfRange(client, i, Math.min(client.length, i + step)));

    SessionHarness.Outcome out = h.run();

    assertThat(h.events).noneMatch(e -> e.contains("internal error"));
    assertThat(h.events.getLast()).startsWith("close: ");
    String text = out.output();
    assertThat(text).endsWith("\r\n");
    for (String line : text.substring(0, text.length() - 2).split("\r\n", -1)) {
      assertThat(line).matches("[2-5]\\d\\d[ -].*");
      if (line.charAt(0) == '4' || line.charAt(0) == '5')
        assertThat(line).matches("[45]\\d\\d[ -][45]\\.\\d{1,3}\\.\\d{1,3} .*");
    }
    for (SessionTestStore.Message m : h.store.messages()) {
      assertThat(m.text()).startsWith("Received: from ");
      assertThat(m.body().length).isLessThan(4096 + 1024);
    }
  }
}
