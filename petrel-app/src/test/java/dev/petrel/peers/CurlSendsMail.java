package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
      Exec.Result r =
          Exec.run(
              Duration.ofSeconds(120),
              List.of(
                  Peers.require("curl"),
                  "-sS",
                  "-v",
                  "--url",
                  "smtp://127.0.0.1:" + petrel.port(),
                  "--mail-from",
                  "alice@example.com",
                  "--mail-rcpt",
                  "bob@example.net",
                  "--upload-file",
                  mail.toString()));
      assertThat(r.exit()).as(r.all()).isZero();
      Matcher m = Pattern.compile("< 250 2\\.0\\.0 Ok: queued as ([0-9A-Z]{16})").matcher(r.err());
      assertThat(m.find()).as(r.all()).isTrue();
      String body = new String(petrel.body(m.group(1)), StandardCharsets.UTF_8);
      // curl stuffs the leading dot; Petrel takes it off again.
      assertThat(body).endsWith("\r\nSent by curl.\r\n..two dots on the wire\r\n");
      assertThat(petrel.find(m.group(1)).orElseThrow().sender().toString())
          .isEqualTo("alice@example.com");
    }
  }
}
