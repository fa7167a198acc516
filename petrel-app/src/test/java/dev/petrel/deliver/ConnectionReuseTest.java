package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import dev.petrel.status.StatusEngine;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connections are reused across messages (RSET first), within limits of count and idle time. */
@Timeout(60)
class ConnectionReuseTest {

  static long count(SimFixture f, String command) {
    return f.sim.commands().stream().filter(c -> c.endsWith(" " + command)).count();
  }

  @Test
  void messagesShareOneConnection() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      for (int i = 0; i < 5; i++) assertThat(f.send("ok").allDelivered()).isTrue();
      assertThat(f.sim.connectionCount()).isEqualTo(1);
      assertThat(f.sim.received()).extracting(m -> m.connection()).containsOnly(1);
      assertThat(count(f, "RSET")).isEqualTo(4);
      assertThat(f.events.stream().filter(e -> e.contains("reused=true"))).hasSize(4);
    }
  }

  @Test
  void aConnectionCarriesAtMostSoManyMessages() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS,
            c -> c.withPool(new PoolConfig(2, Duration.ofMinutes(1), 5)))) {
      for (int i = 0; i < 5; i++) assertThat(f.send("ok").allDelivered()).isTrue();
      assertThat(f.sim.connectionCount()).isEqualTo(3);
      await().untilAsserted(() -> assertThat(count(f, "QUIT")).isEqualTo(2));
    }
  }

  @Test
  void withoutReuseEveryMessageHasItsConnection() throws Exception {
    try (SimFixture f =
        SimFixture.start(SimulatorOptions.DEFAULTS, c -> c.withPool(PoolConfig.NONE))) {
      for (int i = 0; i < 3; i++) assertThat(f.send("ok").allDelivered()).isTrue();
      assertThat(f.sim.connectionCount()).isEqualTo(3);
      await().untilAsserted(() -> assertThat(count(f, "QUIT")).isEqualTo(3));
    }
  }

  @Test
  void idleConnectionsExpire() throws Exception {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
    InstantSource clock = now::get;
    SimulatorServer sim = new SimulatorServer(SimulatorOptions.DEFAULTS);
    int port = sim.start(0);
    DeliveryConfig config =
        SimFixture.config(port).withPool(new PoolConfig(100, Duration.ofSeconds(30), 5));
    try (Deliverer d =
        new Deliverer(
            config,
            new Router(config.routing(), new InMemoryDns(), RandomGenerator.getDefault()),
            StatusEngine.standard(),
            clock,
            DeliveryObserver.NONE)) {
      DeliveryJob job = SimFixture.job("s@example.com", SimFixture.message("x"), "ok");
      d.deliver(job);
      now.set(now.get().plusSeconds(10));
      d.deliver(job);
      assertThat(sim.connectionCount()).isEqualTo(1);
      now.set(now.get().plusSeconds(31));
      d.deliver(job);
      assertThat(sim.connectionCount()).isEqualTo(2);
    } finally {
      sim.stop();
    }
  }

  @Test
  void aConnectionTheServerClosedIsReplacedTransparently() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withTimings(
                Duration.ZERO, Duration.ofMillis(200), Duration.ofSeconds(5)))) {
      assertThat(f.send("ok").allDelivered()).isTrue();
      await().until(() -> f.sim.openConnections() == 0);
      assertThat(f.send("ok").allDelivered()).isTrue();
      assertThat(f.sim.connectionCount()).isEqualTo(2);
    }
  }

  @Test
  void parallelDeliveriesStayWithinTheDestinationsConnectionLimit() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withTimings(
                Duration.ofMillis(50), Duration.ofMinutes(1), Duration.ofSeconds(5)),
            c ->
                c.withThrottle(
                    new ThrottleConfig(
                        DestinationLimits.DEFAULTS.withMaxConnections(3), java.util.Map.of())))) {
      List<Future<TransferResult>> results = new ArrayList<>();
      try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < 12; i++) results.add(pool.submit(() -> f.send("slow-0", "ok")));
      }
      for (Future<TransferResult> r : results) assertThat(r.get().allDelivered()).isTrue();
      assertThat(f.sim.maxOpenConnections()).isLessThanOrEqualTo(3);
      assertThat(f.sim.received()).hasSize(12);
    }
  }
}
