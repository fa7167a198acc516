package dev.petrel.accept;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.queue.StorageFullException;
import org.junit.jupiter.api.Test;

/** CHUNKING (RFC 3030): BDAT chunks, alone and pipelined, stored octet for octet. */
class SessionBdatTest {

  private static final String TX =
      "EHLO client.example\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\n";

  private static String body(SessionTestStore.Message m) {
    String t = m.text();
    return SessionHarness.withoutAddedFields(t.substring(t.indexOf("+0000\r\n") + 7));
  }

  @Test
  void severalChunksMakeOneMessage() {
    SessionHarness h =
        new SessionHarness()
            .send(TX)
            .send("BDAT 10\r\n")
            .send("Subject: ")
            .send("x")
            .send("BDAT 6\r\n\r\n\r\nab")
            .send("BDAT 4 LAST\r\n")
            .send("cd\r\n")
            .send("QUIT\r\n");
    assertThat(h.run().codes())
        .containsExactly(
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "250 2.0.0",
            "250 2.0.0",
            "250 2.0.0",
            "221 2.0.0");
    assertThat(body(h.store.messages().getFirst())).isEqualTo("Subject: x\r\n\r\nabcd\r\n");
  }

  @Test
  void chunksArePipelinedAndKeepEveryOctet() {
    String raw = "Subject: octets\r\n\r\nbare\nlf and\r.\r\n.\r\ndot lines stay\r\n";
    int n = raw.getBytes(UTF_8).length;
    SessionHarness h =
        new SessionHarness().send(TX + "BDAT " + n + "\r\n" + raw + "BDAT 0 LAST\r\nNOOP\r\n");
    assertThat(h.run().codes())
        .containsExactly(
            "220", "250", "250 2.1.0", "250 2.1.5", "250 2.0.0", "250 2.0.0", "250 2.0.0");
    assertThat(body(h.store.messages().getFirst())).isEqualTo(raw);
  }

  @Test
  void binarymimeGoesThroughBdat() {
    byte[] binary = {0, 1, 2, (byte) 0xff, '\r', '\n', '.', '\r', '\n', 13};
    SessionHarness h =
        new SessionHarness()
            .send(
                "EHLO c.example\r\nMAIL FROM:<a@example.org> BODY=BINARYMIME\r\n"
                    + "RCPT TO:<b@example.net>\r\nBDAT "
                    + binary.length
                    + " LAST\r\n")
            .send(binary);
    assertThat(h.run().lastCode()).isEqualTo("250 2.0.0");
    SessionTestStore.Message m = h.store.messages().getFirst();
    byte[] stored = m.body();
    byte[] tail =
        java.util.Arrays.copyOfRange(stored, stored.length - binary.length, stored.length);
    assertThat(tail).isEqualTo(binary);
    assertThat(m.envelope().body()).isEqualTo("BINARYMIME");
  }

  @Test
  void bdatWithoutATransactionSkipsItsChunkSoTheNextCommandIsRead() {
    SessionHarness h =
        new SessionHarness().send("EHLO c.example\r\nBDAT 12\r\nQUIT\r\nQUIT\r\nNOOP\r\n");
    // The 12 octets "QUIT\r\nQUIT\r\n" are chunk data, not commands.
    assertThat(h.run().codes()).containsExactly("220", "250", "503 5.5.1", "250 2.0.0");
  }

  @Test
  void bdatWithNoValidRecipientIs554() {
    SessionHarness h =
        new SessionHarness()
            .send(
                "EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<x>\r\nBDAT 3 LAST\r\nabc");
    assertThat(h.run().codes())
        .containsExactly("220", "250", "250 2.1.0", "501 5.1.3", "554 5.5.1");
  }

  @Test
  void chunksOverTheLimitAreReadAndRefusedAndLaterChunksToo() {
    SessionHarness h =
        new SessionHarness()
            .config(c -> SessionHarness.withMaxSize(c, 2000))
            .send(TX + "BDAT 1500\r\n" + "a".repeat(1500))
            .send("BDAT 1500\r\n" + "b".repeat(1500))
            .send("BDAT 10 LAST\r\n0123456789")
            .send("MAIL FROM:<a@example.org>\r\n");
    assertThat(h.run().codes())
        .containsExactly(
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "250 2.0.0",
            "552 5.3.4",
            "552 5.3.4",
            "250 2.1.0");
    assertThat(h.store.messages()).isEmpty();
    assertThat(h.store.discarded).isEqualTo(1);
  }

  @Test
  void storageFullAtTheFirstChunk() {
    SessionHarness h = new SessionHarness();
    h.store.failBegin(new StorageFullException("test"));
    h.send(TX + "BDAT 3\r\nabcBDAT 3 LAST\r\ndefNOOP\r\n");
    assertThat(h.run().codes()).endsWith("452 4.3.1", "452 4.3.1", "250 2.0.0");
  }

  @Test
  void dataAfterBdatAndRcptAfterBdatAreBadSequence() {
    SessionHarness h =
        new SessionHarness()
            .send(TX + "BDAT 2\r\nabDATA\r\nRCPT TO:<c@example.net>\r\nRSET\r\nNOOP\r\n");
    assertThat(h.run().codes())
        .containsExactly(
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "250 2.0.0",
            "503 5.5.1",
            "503 5.5.1",
            "250 2.0.0",
            "250 2.0.0");
    assertThat(h.store.messages()).isEmpty();
    assertThat(h.store.discarded).isEqualTo(1);
  }

  @Test
  void connectionLostMidChunkStoresNothing() {
    SessionHarness h = new SessionHarness().send(TX + "BDAT 100 LAST\r\nonly part");
    h.run();
    assertThat(h.store.messages()).isEmpty();
    assertThat(h.events.getLast()).startsWith("close: connection lost");
  }

  @Test
  void badChunkSizeIs501() {
    SessionHarness h = new SessionHarness().send(TX + "BDAT ten\r\nBDAT\r\n");
    assertThat(h.run().codes()).endsWith("501 5.5.4", "501 5.5.4");
  }
}
