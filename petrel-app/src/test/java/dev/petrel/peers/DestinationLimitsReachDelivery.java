package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.deliver.sim.ReceivedMessage;
import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The messages-per-connection settings reach a real Petrel's connections: two simulators, one for a
 * domain with its own {@code --destination-limit}, one under the global setting, each counting the
 * connections its messages came on.
 */
class DestinationLimitsReachDelivery {

  @TempDir Path dir;
  SimulatorServer own;
  SimulatorServer plain;
  RunningPetrel petrel;
  Http http;
  String key;

  @AfterEach
  void stop() {
    if (petrel != null) petrel.close();
    if (own != null) own.close();
    if (plain != null) plain.close();
  }

  private void deliverOne(String to) {
    Http.Answer a =
        http.curl(
            "POST",
            "/api/v1/messages",
            key,
            "{\"from\": \"ann@example.com\", \"to\": \"" + to + "\", \"text\": \"hello\"}",
            "Content-Type: application/json");
    assertThat(a.status()).as(a.body()).isEqualTo(202);
    String id = a.json().get("id").asString();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                http.curl("GET", "/api/v1/messages/" + id, key, null)
                    .json()
                    .get("recipients")
                    .get(0)
                    .get("state")
                    .asString()
                    .equals("delivered"));
  }

  @Test
  void eachDestinationClosesItsConnectionsAfterItsOwnNumberOfMessages() throws Exception {
    own = new SimulatorServer(SimulatorOptions.DEFAULTS);
    plain = new SimulatorServer(SimulatorOptions.DEFAULTS);
    int ownPort = own.start(InetAddress.getLoopbackAddress(), 0);
    int plainPort = plain.start(InetAddress.getLoopbackAddress(), 0);
    petrel =
        RunningPetrel.start(
            dir.resolve("data"),
            Map.of(
                ConfigKey.PAUSED,
                "false",
                ConfigKey.ROUTE,
                "own.test=127.0.0.1:" + ownPort + ",plain.test=127.0.0.1:" + plainPort,
                ConfigKey.DESTINATION_MESSAGES_PER_CONNECTION,
                "3",
                ConfigKey.DESTINATION_LIMIT,
                "own.test:messages-per-connection=2"));
    http = new Http(petrel.httpPort());
    key = petrel.apiKey("acme");
    // One after the other, so each finds the previous one's connection waiting in the pool.
    for (int i = 0; i < 4; i++) {
      deliverOne("ok+" + i + "@own.test");
      deliverOne("ok+" + i + "@plain.test");
    }
    assertThat(own.received().stream().map(ReceivedMessage::connection).toList())
        .isEqualTo(List.of(1, 1, 2, 2));
    assertThat(plain.received().stream().map(ReceivedMessage::connection).toList())
        .isEqualTo(List.of(1, 1, 1, 2));
  }
}
