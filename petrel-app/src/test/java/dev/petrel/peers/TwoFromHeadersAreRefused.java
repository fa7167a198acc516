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
 * RFC 5322 §3.6 allows one From field; with two, a reader and a DKIM verifier may each believe a
 * different one. Over SMTP (Python's smtplib) the message is refused after DATA with 554 5.6.0; raw
 * API mail (curl) gets a 422 problem; nothing is stored, so nothing is signed or sent.
 */
class TwoFromHeadersAreRefused {

  @TempDir Path dir;

  @Test
  void bothDoorsRefuseASecondFrom() throws Exception {
    try (DeliveringPetrel p = DeliveringPetrel.start(dir)) {
      String two =
          "From: ann@example.com\r\nTo: bob@sink.test\r\nfrom: ceo@victim.test\r\n"
              + "Subject: two\r\n\r\nhi\r\n";
      assertThat(p.smtplib("ann@example.com", List.of("bob@sink.test"), two.getBytes(UTF_8)))
          .startsWith("554 5.6.0");
      Http.Answer a =
          p.post(
              p.petrel.apiKey("acme"),
              StatusJson.MAPPER.writeValueAsString(Map.of("from", "ann@example.com", "raw", two)));
      assertThat(a.problem(422).get("errors").get(0).get("detail").asString()).contains("From");
      assertThat(p.queued()).isZero();
    }
  }
}
