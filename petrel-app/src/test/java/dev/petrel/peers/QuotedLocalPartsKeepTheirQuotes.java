package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An address with a quoted local part ({@code "quoted local"@domain}) given to the API names the
 * same mailbox in the composed To header as in the envelope: quoted once, not quoted again around
 * its quotes (which would be another address).
 */
class QuotedLocalPartsKeepTheirQuotes {

  @TempDir Path dir;

  @Test
  void theHeaderAddressIsTheEnvelopeAddress() throws Exception {
    try (DeliveringPetrel p = DeliveringPetrel.start(dir)) {
      p.send(
          p.petrel.apiKey("acme"),
          """
          {"from": "ann@example.com",
           "to": ["\\"quoted local\\"@sink.test", {"email": "\\"x y\\"@sink.test", "name": "X Y"}],
           "subject": "quotes", "text": "t"}
          """);
      String dump = p.delivered(1).getFirst();
      assertThat(dump)
          .contains("X-Rcpt-Args: <\"quoted local\"@sink.test>")
          .contains("X-Rcpt-Args: <\"x y\"@sink.test>");
      String header = DeliveringPetrel.header(DeliveringPetrel.message(dump));
      String to = header.lines().filter(l -> l.startsWith("To:")).findFirst().orElseThrow();
      assertThat(to).contains("\"quoted local\"@sink.test").contains("<\"x y\"@sink.test>");
      assertThat(to).doesNotContain("\\");
    }
  }
}
