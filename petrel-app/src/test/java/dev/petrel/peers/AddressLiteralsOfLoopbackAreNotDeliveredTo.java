package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.deliver.SmtpSink;
import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.AttemptRecord;
import dev.petrel.queue.StoredMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * swaks hands a real Petrel mail for {@code user@[127.0.0.1]}: by default it is not delivered to
 * this machine (no connection; the attempt says why, 550 5.7.1, a soft bounce that does not
 * suppress the address), while the built-in simulator domain in the same message is delivered as
 * before. With the operator's route for the literal, the mail reaches Postfix's smtp-sink.
 */
class AddressLiteralsOfLoopbackAreNotDeliveredTo {

  @TempDir Path dir;

  private static String send(RunningPetrel petrel, String to) {
    Swaks.Run run =
        Swaks.run(
            petrel.port(),
            "--from",
            "app@simulator.petrel.test",
            "--to",
            to,
            "--header",
            "Subject: literal test",
            "--body",
            "Hello.\n");
    assertThat(run.result().exit()).as(run.transcript()).isZero();
    String id = run.queuedId();
    assertThat(id).as(run.transcript()).isNotNull();
    return id;
  }

  private static boolean allFinal(RunningPetrel petrel, String id) throws Exception {
    return petrel.find(id).orElseThrow().recipients().stream()
        .allMatch(
            r -> r.state() == RecipientState.DELIVERED || r.state() == RecipientState.BOUNCED);
  }

  @Test
  void refusedByDefaultWithAPreciseSoftReason() throws Exception {
    try (RunningPetrel petrel =
        RunningPetrel.start(dir.resolve("data"), Map.of(ConfigKey.PAUSED, "false"))) {
      String id = send(petrel, "user@[127.0.0.1],ok@simulator.petrel.test");
      await().atMost(Duration.ofSeconds(60)).until(() -> allFinal(petrel, id));
      StoredMessage m = petrel.find(id).orElseThrow();
      assertThat(m.recipients())
          .extracting(r -> r.address().toString() + " " + r.state())
          .containsExactly("user@[127.0.0.1] BOUNCED", "ok@simulator.petrel.test DELIVERED");
      List<AttemptRecord> attempts =
          petrel.store().deliveries(QueueId.parse(id)).getFirst().attempts();
      assertThat(attempts).hasSize(1);
      AttemptRecord a = attempts.getFirst();
      assertThat(a.ip()).as("no server was connected").isNull();
      assertThat(a.code()).isEqualTo(550);
      assertThat(a.enhanced()).isEqualTo("5.7.1");
      assertThat(a.text()).contains("127.0.0.1 is loopback").contains("deliver-allow-networks");
      assertThat(a.reason()).isEqualTo("norelaying");
      assertThat(a.bounce()).isEqualTo("soft");
      assertThat(a.action()).isNotEqualTo("suppress");
      if (m.account() != null) assertThat(petrel.store().suppressions(m.account(), 100)).isEmpty();
    }
  }

  @Test
  void theOperatorsRouteDeliversIt() throws Exception {
    try (SmtpSink sink = SmtpSink.start(dir);
        RunningPetrel petrel =
            RunningPetrel.start(
                dir.resolve("data"),
                Map.of(
                    ConfigKey.PAUSED,
                    "false",
                    ConfigKey.ROUTE,
                    "[127.0.0.1]=127.0.0.1:" + sink.port))) {
      String id = send(petrel, "user@[127.0.0.1]");
      await().atMost(Duration.ofSeconds(60)).until(() -> allFinal(petrel, id));
      assertThat(petrel.find(id).orElseThrow().recipients().getFirst().state())
          .isEqualTo(RecipientState.DELIVERED);
      await().atMost(Duration.ofSeconds(30)).until(() -> sink.dumped() == 1);
    }
  }
}
