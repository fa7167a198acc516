package dev.petrel.peers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.report.StatusJson;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Bcc header names recipients the others must not see: Petrel removes it before the message is
 * stored, whichever door it came through (SMTP DATA from Python's smtplib, raw API mail from curl),
 * and the structured API's {@code bcc} never makes one. The hidden recipient still gets the mail:
 * smtp-sink sees its RCPT.
 */
class BccHeaderNeverReachesRecipients {

  @TempDir Path dir;

  @Test
  void noDeliveredMessageCarriesBccAndTheHiddenRecipientsStillGetIt() throws Exception {
    try (DeliveringPetrel p = DeliveringPetrel.start(dir)) {
      String key = p.petrel.apiKey("acme");
      String raw =
          "From: ann@example.com\r\nTo: seen@sink.test\r\nBcc: hidden1@sink.test,\r\n"
              + " hidden2@sink.test\r\nSubject: smtp bcc\r\n\r\nbody one\r\n";
      assertThat(
              p.smtplib(
                  "ann@example.com",
                  List.of("seen@sink.test", "hidden1@sink.test", "hidden2@sink.test"),
                  raw.getBytes(UTF_8)))
          .startsWith("250 2.0.0");
      p.send(
          key,
          StatusJson.MAPPER.writeValueAsString(
              Map.of("raw", raw.replace("smtp bcc", "api raw bcc").replace("\r\n", "\n"))));
      p.send(
          key,
          """
          {"from": "ann@example.com", "to": "seen@sink.test",
           "bcc": ["hidden1@sink.test", "hidden2@sink.test"],
           "subject": "structured bcc", "text": "body three"}
          """);
      List<String> dumps = p.delivered(3);
      assertThat(dumps).hasSize(3);
      for (String dump : dumps) {
        assertThat(dump)
            .contains("X-Rcpt-Args: <hidden1@sink.test>")
            .contains("X-Rcpt-Args: <hidden2@sink.test>")
            .contains("X-Rcpt-Args: <seen@sink.test>");
        String message = DeliveringPetrel.message(dump);
        assertThat(message).as(message).containsIgnoringCase("Subject:");
        assertThat(message.toLowerCase())
            .as(message)
            .doesNotContain("bcc:")
            .doesNotContain("hidden");
      }
    }
  }
}
