package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message the API composes carries a Message-ID in RFC 5322's msg-id form ({@code <left@right>},
 * §3.6.4), the same one the answer names, as it arrives at the receiving server.
 */
class ApiMessageIdHasAngleBrackets {

  @TempDir Path dir;

  @Test
  void theDeliveredMessageIdIsAMsgId() throws Exception {
    try (DeliveringPetrel p = DeliveringPetrel.start(dir)) {
      Http.Answer a =
          p.post(
              p.petrel.apiKey("acme"),
              """
              {"from": "ann@example.com", "to": "bob@sink.test", "subject": "id", "text": "t"}
              """);
      assertThat(a.status()).as(a.body()).isEqualTo(202);
      String answered = a.json().get("message_id").asString();
      assertThat(answered).matches("<[0-9a-f-]{36}@petrel\\.test>");
      String header = DeliveringPetrel.header(DeliveringPetrel.message(p.delivered(1).getFirst()));
      Matcher m = Pattern.compile("(?mi)^Message-ID: *(.*)$").matcher(header);
      assertThat(m.find()).as(header).isTrue();
      assertThat(m.group(1).strip()).isEqualTo(answered);
      assertThat(m.find()).as("one Message-ID").isFalse();
    }
  }
}
