package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.model.RecipientState;
import dev.petrel.queue.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwaksSendsPlainMail {

  @TempDir Path dir;

  @Test
  void messageIsQueuedWithItsEnvelopeAndBody() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      Swaks.Run run =
          Swaks.run(
              petrel.port(),
              "--from",
              "alice@example.com",
              "--to",
              "bob@example.net,carol@example.org",
              "--header",
              "Subject: plain swaks test",
              "--body",
              "Hello from swaks.\n.leading dot stays\n");
      assertThat(run.replies())
          .as(run.transcript())
          .anyMatch(r -> r.startsWith("220 " + RunningPetrel.HOSTNAME + " ESMTP"))
          .contains(
              "250 2.1.0 Sender ok",
              "250 2.1.5 Recipient ok",
              "354 End data with <CR><LF>.<CR><LF>")
          .anyMatch(r -> r.startsWith("221 2.0.0"));
      assertThat(run.result().exit()).as(run.transcript()).isZero();
      String id = run.queuedId();
      assertThat(id).as(run.transcript()).isNotNull();

      StoredMessage m = petrel.find(id).orElseThrow();
      assertThat(m.sender().toString()).isEqualTo("alice@example.com");
      assertThat(m.recipients())
          .extracting(r -> r.address().toString())
          .containsExactly("bob@example.net", "carol@example.org");
      assertThat(m.recipients()).allMatch(r -> r.state() == RecipientState.QUEUED);
      assertThat(m.heloName()).isEqualTo("client.test");
      assertThat(m.clientAddress()).isEqualTo("127.0.0.1");
      String body = new String(petrel.body(id), StandardCharsets.UTF_8);
      assertThat(body).startsWith("Received: from client.test");
      assertThat(body).contains("Subject: plain swaks test\r\n");
      assertThat(body).contains("\r\nHello from swaks.\r\n.leading dot stays\r\n");
      assertThat(m.size()).isEqualTo(petrel.body(id).length);
    }
  }
}
