package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.app.ConfigKey;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Size and recipient limits, and addresses that need SMTPUTF8, as swaks meets them. */
class SwaksLimitsAreEnforced {

  @TempDir Path dir;

  @Test
  void oversizeMessageGets552AndIsNotQueued() throws Exception {
    try (RunningPetrel petrel =
        RunningPetrel.start(dir, Map.of(ConfigKey.MAX_MESSAGE_SIZE, "2KiB"))) {
      Swaks.Run run =
          Swaks.run(
              petrel.port(),
              "--from",
              "alice@example.com",
              "--to",
              "bob@example.net",
              "--body",
              "x".repeat(60) + "\n" + ("y".repeat(70) + "\n").repeat(60));
      assertThat(run.replies())
          .as(run.transcript())
          .contains("552 5.3.4 Message size exceeds the limit of 2048 octets");
      assertThat(run.queuedId()).isNull();
      assertThat(petrel.store().list(10)).isEmpty();
    }
  }

  @Test
  void sizeIsAdvertised() throws Exception {
    try (RunningPetrel petrel =
        RunningPetrel.start(dir, Map.of(ConfigKey.MAX_MESSAGE_SIZE, "2KiB"))) {
      Swaks.Run run = Swaks.run(petrel.port(), "--quit-after", "EHLO");
      assertThat(run.replies()).as(run.transcript()).anyMatch(r -> r.endsWith("SIZE 2048"));
    }
  }

  @Test
  void recipientsOverTheLimitGet452() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir, Map.of(ConfigKey.MAX_RECIPIENTS, "2"))) {
      Swaks.Run run =
          Swaks.run(
              petrel.port(),
              "--from",
              "alice@example.com",
              "--to",
              "a@example.net,b@example.net,c@example.net");
      assertThat(run.replies())
          .as(run.transcript())
          .containsSubsequence(
              "250 2.1.5 Recipient ok",
              "250 2.1.5 Recipient ok",
              "452 4.5.3 Too many recipients: at most 2");
      String id = run.queuedId();
      if (id != null) // swaks goes on with the recipients that were accepted
      assertThat(petrel.find(id).orElseThrow().recipients()).hasSize(2);
    }
  }

  @Test
  void nonAsciiAddressWithoutSmtputf8Gets553() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      Swaks.Run run =
          Swaks.run(petrel.port(), "--from", "josé@example.com", "--to", "bob@example.net");
      assertThat(run.replies())
          .as(run.transcript())
          .contains("553 5.6.7 Non-ASCII sender address needs the SMTPUTF8 parameter");
      assertThat(run.replies()).anyMatch(r -> r.contains("SMTPUTF8"));
      assertThat(run.queuedId()).isNull();
    }
  }
}
