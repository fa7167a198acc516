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
 * Submitted mail without Date or Message-ID gets them, as a submission server adds them (RFC 6409
 * §8.2-8.3): over SMTP from a trusted client (Python's smtplib) and as raw API mail (curl, whose
 * answer names the Message-ID added). A message that has both keeps its own and gets no second.
 */
class MissingDateAndMessageIdAreAdded {

  @TempDir Path dir;

  @Test
  void bothDoorsAddWhatIsMissingAndOnlyThat() throws Exception {
    try (DeliveringPetrel p = DeliveringPetrel.start(dir)) {
      String bare = "From: ann@example.com\r\nTo: bob@sink.test\r\nSubject: bare\r\n\r\nhi\r\n";
      assertThat(p.smtplib("ann@example.com", List.of("bob@sink.test"), bare.getBytes(UTF_8)))
          .startsWith("250");
      Http.Answer a =
          p.post(
              p.petrel.apiKey("acme"),
              StatusJson.MAPPER.writeValueAsString(
                  Map.of("raw", bare.replace("Subject: bare", "Subject: api"))));
      assertThat(a.status()).as(a.body()).isEqualTo(202);
      String added = a.json().get("message_id").asString();
      String own =
          "From: ann@example.com\r\nTo: bob@sink.test\r\nSubject: own\r\n"
              + "Date: Mon, 7 Dec 2026 01:02:03 +0100\r\nMessage-ID: <mine@example.com>\r\n\r\nhi\r\n";
      assertThat(p.smtplib("ann@example.com", List.of("bob@sink.test"), own.getBytes(UTF_8)))
          .startsWith("250");

      List<String> headers =
          p.delivered(3).stream()
              .map(d -> DeliveringPetrel.header(DeliveringPetrel.message(d)))
              .toList();
      for (String h : headers) {
        List<String> dates = h.lines().filter(l -> l.startsWith("Date:")).toList();
        List<String> ids = h.lines().filter(l -> l.matches("(?i)Message-ID:.*")).toList();
        assertThat(dates).as(h).hasSize(1);
        assertThat(ids).as(h).hasSize(1);
        assertThat(dates.getFirst())
            .matches("Date: \\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}");
        if (h.contains("Subject: own")) {
          assertThat(dates.getFirst()).isEqualTo("Date: Mon, 7 Dec 2026 01:02:03 +0100");
          assertThat(ids.getFirst()).isEqualTo("Message-ID: <mine@example.com>");
        } else assertThat(ids.getFirst()).matches("Message-ID: <[0-9a-f-]{36}@petrel\\.test>");
        if (h.contains("Subject: api")) assertThat(ids.getFirst()).endsWith(added);
      }
    }
  }
}
