package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.model.RecipientState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Postfix as the receiving MTA: a real {@code serve} routes {@code dest.test} to a private Postfix
 * instance, which knows a few virtual mailboxes, answers 450 for one address (an access map, as a
 * greylisting policy would) and puts every message it accepts on hold so it stays in its queue.
 * What Petrel recorded ({@code queue show --json}) is compared with what Postfix holds ({@code
 * postqueue -j}).
 */
class DeliversIntoPostfixQueue {

  private static final Duration GUARD = Duration.ofSeconds(90);
  private static final Pattern POSTFIX_QUEUED = Pattern.compile("Ok: queued as ([0-9A-Za-z]+)$");

  @TempDir Path dir;
  PostfixInstance postfix;
  RunningPetrel petrel;

  @BeforeEach
  void start() throws Exception {
    postfix = PostfixInstance.configure(dir, "mx", "mx.dest.test");
    Path access =
        postfix.file("recipient_access", "grey@dest.test 450 4.2.0 Greylisted, try again later\n");
    postfix
        .set("virtual_mailbox_domains", "dest.test")
        .set("virtual_mailbox_maps", "inline:{ok@dest.test=ok/, app@dest.test=app/}")
        .set("virtual_mailbox_base", dir.resolve("mx/mailboxes").toString())
        // HOLD keeps every accepted message in the queue, where the test looks for it.
        .set(
            "smtpd_recipient_restrictions",
            "check_recipient_access texthash:"
                + access
                + ", check_client_access static:HOLD, permit_mynetworks,"
                + " reject_unauth_destination")
        .start();
    petrel =
        RunningPetrel.start(
            dir.resolve("petrel"),
            Map.of(
                ConfigKey.PAUSED,
                "false",
                ConfigKey.ROUTE,
                "dest.test=127.0.0.1:" + postfix.port()));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (petrel != null) petrel.close();
    } finally {
      if (postfix != null) postfix.close();
    }
  }

  @Test
  void deliveredMessageIsInPostfixQueueUnderTheIdOfItsReply() throws Exception {
    String messageId = "<" + UUID.randomUUID() + "@src.test>";
    String id = submit("app@dest.test", List.of("ok@dest.test"), messageId);
    petrel.awaitState(id, "ok@dest.test", RecipientState.DELIVERED, GUARD);

    JsonNode ok = RunningPetrel.recipient(petrel.show(id), "ok@dest.test");
    assertThat(ok.get("state").asString()).isEqualTo("delivered");
    assertThat(ok.get("attempts")).hasSize(1);
    JsonNode a = ok.get("attempts").get(0);
    assertThat(a.get("code").asInt()).isEqualTo(250);
    assertThat(a.get("enhanced").asString()).isEqualTo("2.0.0");
    assertThat(a.get("phase").asString()).isEqualTo("end-of-data");
    assertThat(a.get("ip").asString()).isEqualTo("127.0.0.1");
    String postfixId = postfixQueueId(a);

    List<PostfixInstance.Queued> held = postfix.queue();
    assertThat(held).as(postfix.log()).hasSize(1);
    PostfixInstance.Queued q = held.getFirst();
    assertThat(q.queueId()).isEqualTo(postfixId);
    assertThat(q.queueName()).isEqualTo("hold");
    // the envelope sender is Petrel's VERP return path, naming this message and recipient
    assertThat(q.sender())
        .startsWith("bounces+" + id.toLowerCase(java.util.Locale.ROOT) + "-0-")
        .endsWith("@bounces." + RunningPetrel.HOSTNAME);
    assertThat(q.recipients()).containsExactly("ok@dest.test");
    assertThat(postfix.message(postfixId))
        .contains("Message-ID: " + messageId)
        .contains("by " + RunningPetrel.HOSTNAME);
  }

  @Test
  void unknownRecipientBouncesWithPostfixReplyAndTheOtherIsDelivered() throws Exception {
    String messageId = "<" + UUID.randomUUID() + "@src.test>";
    String id = submit("app@dest.test", List.of("nobody@dest.test", "ok@dest.test"), messageId);
    petrel.awaitState(id, "nobody@dest.test", RecipientState.BOUNCED, GUARD);
    petrel.awaitState(id, "ok@dest.test", RecipientState.DELIVERED, GUARD);

    JsonNode shown = petrel.show(id);
    JsonNode nobody = RunningPetrel.recipient(shown, "nobody@dest.test");
    assertThat(nobody.get("attempts")).hasSize(1);
    JsonNode b = nobody.get("attempts").get(0);
    assertThat(b.get("phase").asString()).isEqualTo("rcpt");
    assertThat(b.get("code").asInt()).isEqualTo(550);
    assertThat(b.get("enhanced").asString()).isEqualTo("5.1.1");
    assertThat(b.get("text").asString())
        .contains("<nobody@dest.test>: Recipient address rejected: User unknown");
    assertThat(b.get("bounce").asString()).isEqualTo("hard");
    assertThat(b.get("reason").asString()).isEqualTo("userunknown");
    assertThat(nobody.get("next_attempt").isNull()).isTrue();

    // One transaction carried the message for the address Postfix took.
    String postfixId =
        postfixQueueId(RunningPetrel.recipient(shown, "ok@dest.test").get("attempts").get(0));
    assertThat(postfix.queue())
        .filteredOn(q -> q.queueId().equals(postfixId))
        .singleElement()
        .satisfies(q -> assertThat(q.recipients()).containsExactly("ok@dest.test"));

    // The sender's notice from the null sender reaches Postfix too, naming the refused address.
    await()
        .atMost(GUARD)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> postfix.queue().size() == 2);
    PostfixInstance.Queued notice =
        postfix.queue().stream().filter(q -> !q.queueId().equals(postfixId)).findFirst().get();
    assertThat(notice.recipients()).containsExactly("app@dest.test");
    assertThat(postfix.message(notice.queueId()))
        .contains("Final-Recipient: rfc822; nobody@dest.test")
        .contains("Status: 5.1.1");
  }

  @Test
  void temporaryRefusalIsDeferredWithANextAttempt() throws Exception {
    String id = submit("app@dest.test", List.of("grey@dest.test"), "<" + UUID.randomUUID() + ">");
    petrel.awaitState(id, "grey@dest.test", RecipientState.DEFERRED, GUARD);

    JsonNode grey = RunningPetrel.recipient(petrel.show(id), "grey@dest.test");
    assertThat(grey.get("state").asString()).isEqualTo("deferred");
    assertThat(grey.get("attempts")).hasSize(1);
    JsonNode a = grey.get("attempts").get(0);
    assertThat(a.get("phase").asString()).isEqualTo("rcpt");
    assertThat(a.get("code").asInt()).isEqualTo(450);
    assertThat(a.get("enhanced").asString()).isEqualTo("4.2.0");
    assertThat(a.get("text").asString()).contains("Greylisted, try again later");
    assertThat(a.get("bounce").asString()).isEqualTo("soft");
    assertThat(a.get("reason").asString()).isEqualTo("greylisted");
    Instant at = Instant.parse(a.get("at").asString());
    Instant next = Instant.parse(grey.get("next_attempt").asString());
    assertThat(next).isAfter(at);
    assertThat(postfix.queue()).as("Postfix queued nothing").isEmpty();
  }

  private String submit(String from, List<String> to, String messageId) {
    Swaks.Run run =
        Swaks.run(
            petrel.port(),
            "--from",
            from,
            "--to",
            String.join(",", to),
            "--header",
            "Message-ID: " + messageId,
            "--header",
            "Subject: to Postfix");
    String id = run.queuedId();
    assertThat(id).as(run.transcript()).isNotNull();
    return id;
  }

  /** Postfix names its queue file in its 250 after the data; Petrel keeps that reply verbatim. */
  private static String postfixQueueId(JsonNode attempt) {
    Matcher m = POSTFIX_QUEUED.matcher(attempt.get("text").asString());
    assertThat(m.find()).as(attempt.toString()).isTrue();
    return m.group(1);
  }
}
