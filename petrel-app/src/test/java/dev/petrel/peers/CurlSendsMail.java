package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurlSendsMail {

  @TempDir Path dir;

  @Test
  void uploadedMessageIsQueued() throws Exception {
    Path mail = dir.resolve("mail.eml");
    Files.writeString(
        mail,
        "From: Alice <alice@example.com>\r\nTo: bob@example.net\r\nSubject: curl test\r\n\r\n"
            + "Sent by curl.\r\n..two dots on the wire\r\n",
        StandardCharsets.UTF_8);
    try (RunningPetrel petrel = RunningPetrel.start(dir.resolve("data"))) {
      Exec.Result r = CurlSmtp.send(petrel.port(), "alice@example.com", "bob@example.net", mail);
      assertThat(r.exit()).as(r.all()).isZero();
      String id = CurlSmtp.queuedId(r);
      assertThat(id).as(r.all()).isNotNull();
      String body = new String(petrel.body(id), StandardCharsets.UTF_8);
      // curl stuffs the leading dot; Petrel takes it off again.
      assertThat(body).endsWith("\r\nSent by curl.\r\n..two dots on the wire\r\n");
      assertThat(petrel.find(id).orElseThrow().sender().toString()).isEqualTo("alice@example.com");
    }
  }
}
