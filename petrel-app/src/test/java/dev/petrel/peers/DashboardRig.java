package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What the dashboard tests start: chromium, a real Petrel (its data in {@code data} under the
 * test's folder), routing {@code sim.test} to a mailbox simulator when asked, and an API key of the
 * account {@code acme}. Closing it stops all of them.
 */
final class DashboardRig implements AutoCloseable {

  /** How the server delivers. */
  enum Delivery {
    /** No mailbox simulator; delivery stays paused, as the server starts. */
    NONE,
    /** Routed to the simulator, but paused: the test resumes it. */
    PAUSED,
    /** Routed to the simulator and delivering from the start. */
    RUNNING
  }

  final Chromium chromium;
  final RunningPetrel petrel;
  final Http http;
  final String key;
  private final SimulatorServer sim;

  private DashboardRig(Chromium chromium, SimulatorServer sim, RunningPetrel petrel)
      throws Exception {
    this.chromium = chromium;
    this.sim = sim;
    this.petrel = petrel;
    this.http = new Http(petrel.httpPort());
    this.key = petrel.apiKey("acme");
  }

  static DashboardRig start(Path dir, Delivery delivery) throws Exception {
    Chromium chromium = Chromium.launch();
    SimulatorServer sim = null;
    RunningPetrel petrel = null;
    try {
      if (delivery == Delivery.NONE) {
        petrel = RunningPetrel.start(dir.resolve("data"));
      } else {
        sim = new SimulatorServer(SimulatorOptions.DEFAULTS);
        int simPort = sim.start(InetAddress.getLoopbackAddress(), 0);
        String route = "sim.test=127.0.0.1:" + simPort;
        petrel =
            RunningPetrel.start(
                dir.resolve("data"),
                delivery == Delivery.RUNNING
                    ? Map.of(ConfigKey.PAUSED, "false", ConfigKey.ROUTE, route)
                    : Map.of(ConfigKey.ROUTE, route));
      }
      return new DashboardRig(chromium, sim, petrel);
    } catch (Exception | Error e) {
      chromium.close();
      if (petrel != null) petrel.close();
      if (sim != null) sim.close();
      throw e;
    }
  }

  /** Posts a message to the API with {@code withKey}; it must be accepted (202). */
  JsonNode post(String withKey, String json) {
    Http.Answer a =
        http.curl("POST", "/api/v1/messages", withKey, json, "Content-Type: application/json");
    assertThat(a.status()).as(a.body()).isEqualTo(202);
    return a.json();
  }

  /** Posts a message as {@code acme}; returns its id. */
  String send(String json) {
    return post(key, json).get("id").asString();
  }

  /** Waits until the first recipient of message {@code id} is delivered. */
  void awaitDelivered(String id) {
    await()
        .atMost(Duration.ofSeconds(60))
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

  @Override
  public void close() {
    chromium.close();
    petrel.close();
    if (sim != null) sim.close();
  }
}
