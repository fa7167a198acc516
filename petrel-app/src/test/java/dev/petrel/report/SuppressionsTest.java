package dev.petrel.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.model.EmailAddress;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.Suppression;
import dev.petrel.status.StatusEngine;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SuppressionsTest {

  static final StatusEngine ENGINE = StatusEngine.standard();
  static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
  static final EmailAddress BOB = EmailAddress.parse("Bob@Example.org");

  @TempDir Path dir;

  SqliteMessageStore open() throws Exception {
    return SqliteMessageStore.open(
        dir, SqliteStoreOptions.defaults().withReserveBytes(0), InstantSource.system());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in local recipient"
            + " table",
        "550 5.1.1 The email account that you tried to reach does not exist.",
      })
  void deadAddressesAreSuppressed(String reply) throws Exception {
    var status = ENGINE.classify(reply);
    assertThat(Suppressions.suppresses(status))
        .as(status.reason() + " " + status.action())
        .isTrue();
    try (SqliteMessageStore store = open()) {
      Suppressions s = new Suppressions(store);
      Suppression added = s.onOutcome("default", BOB, status, T).orElseThrow();
      assertThat(added.address()).isEqualTo("bob@example.org");
      assertThat(added.reason()).isEqualTo(status.reason().id());
      assertThat(added.source()).startsWith("550 5.1.1 ");
      assertThat(s.find("default", BOB)).contains(added);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "421 4.7.0 Try again later, closing connection. (rate limited)",
        "550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus",
        "550 5.7.26 This message does not pass authentication checks (SPF and DKIM both do not"
            + " pass).",
        "452 4.2.2 The email account that you tried to reach is over quota.",
        "451 4.7.1 Greylisted, please try again in 300 seconds",
        "550 5.7.1 Our system has detected an unusual rate of unsolicited mail originating from"
            + " your IP address.",
        "250 2.0.0 Ok: queued as ABC",
      })
  void rateReputationSenderSideAndTemporaryRepliesNeverSuppress(String reply) throws Exception {
    var status = ENGINE.classify(reply);
    assertThat(Suppressions.suppresses(status))
        .as(status.reason() + " " + status.action())
        .isFalse();
    try (SqliteMessageStore store = open()) {
      assertThat(new Suppressions(store).onOutcome("default", BOB, status, T)).isEmpty();
      assertThat(store.suppressions("default", 10)).isEmpty();
    }
  }

  @Test
  void operatorAddsAndRemoves() throws Exception {
    try (SqliteMessageStore store = open()) {
      Suppressions s = new Suppressions(store);
      assertThat(s.add("default", BOB, null, T)).isTrue();
      assertThat(s.find("default", EmailAddress.parse("bob@example.org")).orElseThrow().reason())
          .isEqualTo("manual");
      assertThat(s.remove("default", BOB)).isTrue();
      assertThat(s.list("default", 10)).isEmpty();
    }
  }
}
