package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.deliver.SmtpSink;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postfix as a client: a private Postfix instance with {@code relayhost} pointing at a real {@code
 * serve}, which routes {@code sink.test} to Postfix's smtp-sink. Mail submitted to Postfix (its
 * sendmail and its smtpd, driven by smtp-source) goes Postfix → Petrel → sink; the test counts what
 * arrived and finds each unique Message-ID exactly once. Petrel lets Postfix relay either as a
 * trusted network or, with no trusted networks, after SMTP AUTH over STARTTLS.
 */
class PostfixRelaysThroughPetrel {

  private static final Duration GUARD = Duration.ofSeconds(120);
  private static final int SOURCED = 20;
  private static final int SENT_WITH_ID = 3;
  private static final Pattern PASSWORD = Pattern.compile("(?m)^password:\\s+(\\S+)");

  @TempDir Path dir;
  SmtpSink sink;
  RunningPetrel petrel;
  PostfixInstance postfix;

  @AfterEach
  void stop() throws Exception {
    Peers.closeAll(postfix, petrel, sink);
  }

  @Test
  void relaysFromATrustedNetwork() throws Exception {
    startSinkAndPetrel(Map.of());
    postfix = client().set("relayhost", "[127.0.0.1]:" + petrel.port()).start();

    List<String> ids = submitAll();

    awaitAtSink(ids);
    assertPetrelDeliveredAll(null);
  }

  @Test
  void relaysAfterSmtpAuthOverStartTls() throws Exception {
    startSinkAndPetrel(Map.of(ConfigKey.TRUSTED_NETWORKS, ""));
    Exec.Result added =
        PetrelCli.run(
            "credentials", "add", "--data-dir", petrel.dataDir().toString(), "relay@src.test");
    assertThat(added.exit()).as(added.all()).isZero();
    Matcher m = PASSWORD.matcher(added.out());
    assertThat(m.find()).as(added.all()).isTrue();
    String relay = "[127.0.0.1]:" + petrel.port();
    PostfixInstance p = client();
    Path secrets = p.file("relay_passwords", relay + " relay@src.test:" + m.group(1) + "\n");
    postfix =
        p.set("relayhost", relay)
            .set("smtp_tls_security_level", "encrypt")
            .set("smtp_sasl_auth_enable", "yes")
            .set("smtp_sasl_password_maps", "texthash:" + secrets)
            .set("smtp_sasl_security_options", "noanonymous")
            .set("smtp_sasl_tls_security_options", "noanonymous")
            .start();

    List<String> ids = submitAll();

    awaitAtSink(ids);
    assertPetrelDeliveredAll("relay@src.test");
  }

  private void startSinkAndPetrel(Map<ConfigKey, String> extra) throws Exception {
    sink = SmtpSink.start(dir.resolve("sink"));
    Map<ConfigKey, String> flags = new HashMap<>(extra);
    flags.put(ConfigKey.PAUSED, "false");
    flags.put(ConfigKey.ROUTE, "sink.test=127.0.0.1:" + sink.port);
    petrel = RunningPetrel.start(dir.resolve("petrel"), flags);
  }

  private PostfixInstance client() throws Exception {
    return PostfixInstance.configure(dir, "client", "client.src.test")
        .set("smtpd_relay_restrictions", "permit_mynetworks, reject");
  }

  /**
   * Three messages through Postfix's sendmail with Message-IDs of our own, and smtp-source's load
   * over Postfix's smtpd; returns the Message-IDs.
   */
  private List<String> submitAll() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < SENT_WITH_ID; i++) {
      String id = "<" + UUID.randomUUID() + "@src.test>";
      ids.add(id);
      String message =
          "From: app@src.test\nTo: box"
              + i
              + "@sink.test\nSubject: relayed "
              + i
              + "\nMessage-ID: "
              + id
              + "\n\nRelayed by Postfix through Petrel.\n";
      Exec.Result r =
          postfix.sendmail(
              "app@src.test", message.getBytes(StandardCharsets.UTF_8), "box" + i + "@sink.test");
      assertThat(r.exit()).as(r.all()).isZero();
    }
    Exec.Result load =
        Exec.run(
            GUARD,
            List.of(
                Peers.require("smtp-source"),
                "-s",
                "5",
                "-m",
                String.valueOf(SOURCED),
                "-l",
                "2048",
                "-f",
                "load@src.test",
                "-t",
                "load@sink.test",
                "127.0.0.1:" + postfix.port()));
    assertThat(load.exit()).as(load.all()).isZero();
    return ids;
  }

  private void awaitAtSink(List<String> ids) throws Exception {
    int expected = SENT_WITH_ID + SOURCED;
    await()
        .atMost(GUARD)
        .pollInterval(Duration.ofMillis(200))
        // the final dot of each transaction, after which its dump file is complete
        .until(() -> sink.commands().stream().filter(c -> c.startsWith(".")).count() >= expected);
    List<String> received = sink.messages();
    assertThat(received).as(postfix.log()).hasSize(expected);
    for (String id : ids)
      assertThat(received).as(id).filteredOn(text -> text.contains("Message-ID: " + id)).hasSize(1);
    // Postfix's own queue is empty: Petrel took everything.
    await().atMost(GUARD).until(() -> postfix.queue().isEmpty());
    // Both MTAs left their trace: Postfix's Received line and Petrel's above it.
    assertThat(received)
        .allSatisfy(
            text ->
                assertThat(text)
                    .contains("by client.src.test (Postfix")
                    .contains("by " + RunningPetrel.HOSTNAME));
  }

  private void assertPetrelDeliveredAll(String authUser) throws Exception {
    List<StoredMessage> queued = petrel.store().list(1000);
    assertThat(queued).hasSize(SENT_WITH_ID + SOURCED);
    assertThat(queued)
        .allSatisfy(
            msg -> {
              assertThat(msg.heloName()).isEqualTo("client.src.test");
              assertThat(msg.authUser()).isEqualTo(authUser);
              assertThat(msg.recipients())
                  .allSatisfy(r -> assertThat(r.state()).isEqualTo(RecipientState.DELIVERED));
            });
  }
}
