package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CHUNKING (RFC 3030) through the real socket layer: swaks, curl and smtplib do not speak BDAT, so
 * a plain client sends the chunks, pipelined, with bytes DATA could not carry (a bare CR, a line
 * that is only a dot).
 */
class ChunkedMessageOverTcpIsQueued {

  @TempDir Path dir;

  @Test
  void pipelinedChunksArriveByteForByte() throws Exception {
    byte[] part1 =
        // Date and Message-ID given, so the listener adds nothing and the octets stay as sent.
        ("Subject: chunks\r\nDate: Mon, 7 Dec 2026 00:00:00 +0000\r\n"
                + "Message-ID: <chunks@chunks.test>\r\n\r\nfirst chunk\r\n.\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] part2 = "bare\rCR and a lone dot above\r\n".getBytes(StandardCharsets.US_ASCII);
    try (RunningPetrel petrel = RunningPetrel.start(dir);
        SmtpClient c = new SmtpClient(petrel.port(), Duration.ofSeconds(30))) {
      assertThat(c.reply()).startsWith("220");
      assertThat(c.command("EHLO chunks.test")).contains("CHUNKING");
      ByteArrayOutputStream wire = new ByteArrayOutputStream();
      wire.writeBytes(
          "MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.net>\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      wire.writeBytes(("BDAT " + part1.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      wire.writeBytes(part1);
      wire.writeBytes(("BDAT " + part2.length + " LAST\r\n").getBytes(StandardCharsets.US_ASCII));
      wire.writeBytes(part2);
      c.write(wire.toByteArray());
      assertThat(c.reply()).isEqualTo("250 2.1.0 Sender ok");
      assertThat(c.reply()).isEqualTo("250 2.1.5 Recipient ok");
      assertThat(c.reply()).isEqualTo("250 2.0.0 " + part1.length + " octets received");
      String last = c.reply();
      assertThat(last).startsWith("250 2.0.0 Ok: queued as ");
      String id = last.substring("250 2.0.0 Ok: queued as ".length());
      byte[] body = petrel.body(id);
      String text = new String(body, StandardCharsets.US_ASCII);
      assertThat(text)
          .endsWith(
              new String(part1, StandardCharsets.US_ASCII)
                  + new String(part2, StandardCharsets.US_ASCII));
      assertThat(c.command("QUIT")).startsWith("221 2.0.0");
    }
  }
}
