package dev.petrel.deliver;

import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import dev.petrel.model.EmailAddress;
import dev.petrel.model.Recipient;
import dev.petrel.status.StatusEngine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * A simulator on a free loopback port and a deliverer routing {@code sim.test} to it. Timeouts are
 * 10 seconds everywhere: hang guards, not expectations.
 */
final class SimFixture implements AutoCloseable {

  static final String DOMAIN = "sim.test";
  static final Duration GUARD = Duration.ofSeconds(10);

  final SimulatorServer sim;
  final Deliverer deliverer;
  final List<String> events;
  final int port;

  private SimFixture(SimulatorServer sim, Deliverer deliverer, int port, List<String> events) {
    this.sim = sim;
    this.deliverer = deliverer;
    this.port = port;
    this.events = events;
  }

  static DeliveryConfig config(int port) {
    return DeliveryConfig.defaults("client.petrel.test")
        .withRouting(RoutingConfig.DEFAULTS.withRoute(DOMAIN, new HostPort("127.0.0.1", port)))
        .withClient(
            ClientConfig.defaults("client.petrel.test").withTimeouts(SmtpTimeouts.all(GUARD)));
  }

  static SimFixture start(SimulatorOptions options) throws IOException {
    return start(options, c -> c);
  }

  static SimFixture start(SimulatorOptions options, UnaryOperator<DeliveryConfig> tweak)
      throws IOException {
    SimulatorServer sim = new SimulatorServer(options);
    int port = sim.start(0);
    DeliveryConfig config = tweak.apply(config(port));
    return withConfig(sim, port, config);
  }

  static SimFixture withConfig(SimulatorServer sim, int port, DeliveryConfig config) {
    List<String> events = new CopyOnWriteArrayList<>();
    DeliveryObserver observer =
        new DeliveryObserver() {
          @Override
          public void connected(
              String destination, String mxHost, String mxIp, String tls, boolean reused) {
            events.add("connected " + mxHost + " " + mxIp + " tls=" + tls + " reused=" + reused);
          }

          @Override
          public void serverFailed(String destination, Attempt attempt) {
            events.add("failed " + attempt.mxHost() + " " + attempt.reply().lines());
          }

          @Override
          public void slowedDown(DestinationLimiter.State state) {
            events.add("slowed " + state.destination() + " limit=" + state.connectionLimit());
          }

          @Override
          public void tlsSession(TlsSessionResult r) {
            events.add(
                "tls "
                    + r.policyType().rfcName()
                    + " "
                    + (r.successful() ? "successful" : r.failure().rfcName())
                    + " "
                    + r.policyDomain()
                    + " "
                    + r.mxHost()
                    + " "
                    + r.receivingIp());
          }
        };
    Router router = new Router(config.routing(), new InMemoryDns(), RandomGenerator.getDefault());
    Deliverer d =
        new Deliverer(config, router, StatusEngine.standard(), InstantSource.system(), observer);
    return new SimFixture(sim, d, port, events);
  }

  static byte[] message(String body) {
    return ("From: a@example.com\r\nTo: b@sim.test\r\nSubject: test\r\n\r\n" + body)
        .getBytes(StandardCharsets.UTF_8);
  }

  static DeliveryJob job(String sender, byte[] body, String... localParts) {
    List<Recipient> rcpts =
        Stream.of(localParts)
            .map(l -> Recipient.of(EmailAddress.parse(l.contains("@") ? l : l + "@" + DOMAIN)))
            .toList();
    return new DeliveryJob(
        "job1",
        sender == null ? null : EmailAddress.parse(sender),
        rcpts,
        body.length,
        () -> new ByteArrayInputStream(body),
        false,
        false,
        null,
        null);
  }

  TransferResult send(String... localParts) throws InterruptedException {
    return deliverer.deliver(job("sender@example.com", message("hello\r\n"), localParts));
  }

  TransferResult send(DeliveryJob job) throws InterruptedException {
    return deliverer.deliver(job);
  }

  @Override
  public void close() {
    deliverer.close();
    sim.stop();
  }
}
