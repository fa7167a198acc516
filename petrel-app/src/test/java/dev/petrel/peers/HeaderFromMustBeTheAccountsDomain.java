package dev.petrel.peers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.app.ConfigKey;
import dev.petrel.report.StatusJson;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code allow-any-sender = false} an account may send only as its own domains, and that holds
 * for the header From (every address in it) as much as for the envelope: over SMTP (Python's
 * smtplib) a foreign From is refused after DATA with 550 5.7.1, whether the envelope sender is null
 * or the account's own, and nothing is stored; over the API (curl) raw and structured mail get a
 * 403 problem. Mail whose envelope and From are both the account's goes through.
 */
class HeaderFromMustBeTheAccountsDomain {

  @TempDir Path dir;

  @Test
  void aForeignHeaderFromIsRefusedOnBothDoors() throws Exception {
    try (DeliveringPetrel p =
        DeliveringPetrel.start(dir, Map.of(ConfigKey.ALLOW_ANY_SENDER, "false"))) {
      // The trusted loopback client sends for the default account; the API key is acme's.
      for (String account : List.of("default", "acme")) {
        String key = p.petrel.apiKey(account);
        String domain = account + ".test";
        Http.Answer added =
            p.http.curl(
                "POST",
                "/api/v1/domains",
                key,
                "{\"domain\": \"" + domain + "\"}",
                "Content-Type: application/json");
        assertThat(added.status()).as(added.body()).isIn(200, 201);
      }
      String key = p.petrel.apiKey("acme");

      String foreign =
          "From: Boss <ceo@victim.test>\r\nTo: x@sink.test\r\nSubject: pay\r\n\r\npay now\r\n";
      assertThat(p.smtplib("", List.of("x@sink.test"), foreign.getBytes(UTF_8)))
          .startsWith("550 5.7.1")
          .contains("victim.test");
      assertThat(p.smtplib("a@default.test", List.of("x@sink.test"), foreign.getBytes(UTF_8)))
          .startsWith("550 5.7.1");
      String list =
          "From: a@default.test, ceo@victim.test\r\nTo: x@sink.test\r\nSubject: two\r\n\r\nx\r\n";
      assertThat(p.smtplib("a@default.test", List.of("x@sink.test"), list.getBytes(UTF_8)))
          .startsWith("550 5.7.1");
      assertThat(p.queued()).isZero();

      Http.Answer raw =
          p.post(
              key,
              StatusJson.MAPPER.writeValueAsString(
                  Map.of("from", "a@acme.test", "to", "x@sink.test", "raw", foreign)));
      assertThat(raw.problem(403).get("detail").asString()).contains("victim.test");
      Http.Answer rawOnly =
          p.post(key, StatusJson.MAPPER.writeValueAsString(Map.of("raw", foreign)));
      rawOnly.problem(403);
      Http.Answer structured =
          p.post(
              key,
              """
              {"from": "ceo@victim.test", "to": "x@sink.test", "subject": "s", "text": "t"}
              """);
      structured.problem(403);
      assertThat(p.queued()).isZero();

      String own = "From: a@default.test\r\nTo: x@sink.test\r\nSubject: mine\r\n\r\nok\r\n";
      assertThat(p.smtplib("", List.of("x@sink.test"), own.getBytes(UTF_8))).startsWith("250");
      p.send(
          key, StatusJson.MAPPER.writeValueAsString(Map.of("raw", own.replace("default", "acme"))));
      assertThat(p.delivered(2)).hasSize(2);
      assertThat(p.queued()).isEqualTo(2);
    }
  }
}
