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
 * Internet mail has no place for a NUL octet (RFC 5322 §2.3, RFC 5321 §4.1.1.4); receivers cut or
 * drop at it differently. A message holding one is refused: over SMTP (Python's smtplib) with 554
 * 5.6.0 after DATA, over the API (curl, raw) with a 422 problem; nothing is stored.
 */
class NulOctetsAreRefused {

  @TempDir Path dir;

  @Test
  void bothDoorsRefuseNul() throws Exception {
    try (DeliveringPetrel p = DeliveringPetrel.start(dir)) {
      String header =
          "From: ann@example.com\r\nTo: bob@sink.test\r\nSubject: a\u0000b\r\n\r\nhi\r\n";
      String body = "From: ann@example.com\r\nTo: bob@sink.test\r\nSubject: n\r\n\r\nx\u0000y\r\n";
      for (String m : List.of(header, body)) {
        assertThat(p.smtplib("ann@example.com", List.of("bob@sink.test"), m.getBytes(UTF_8)))
            .startsWith("554 5.6.0");
        Http.Answer a =
            p.post(p.petrel.apiKey("acme"), StatusJson.MAPPER.writeValueAsString(Map.of("raw", m)));
        assertThat(a.problem(422).get("errors").get(0).get("detail").asString()).contains("NUL");
      }
      assertThat(p.queued()).isZero();
    }
  }
}
