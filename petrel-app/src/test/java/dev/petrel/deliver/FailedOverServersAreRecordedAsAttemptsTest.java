package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.OutboundPolicy;
import dev.petrel.model.QueueId;
import dev.petrel.model.Recipient;
import dev.petrel.queue.AttemptRecord;
import dev.petrel.queue.RetrySchedule;
import dev.petrel.queue.Spool;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.report.DsnWriter;
import dev.petrel.schedule.DeliveryScheduler;
import dev.petrel.status.StatusEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the whole delivery loop against dnsmasq: the first MX (127.0.0.2, nothing listening)
 * refuses the connection, the second delivers. The recipient's history keeps both: the refused
 * connection as an attempt with action {@code next-server}, then the 250.
 */
@Timeout(120)
class FailedOverServersAreRecordedAsAttemptsTest {

  @TempDir Path dir;

  @Test
  void theRefusedFirstMxIsAnAttemptBeforeTheDelivery() throws Exception {
    InstantSource clock = InstantSource.system();
    try (SimulatorServer sim = new SimulatorServer(SimulatorOptions.DEFAULTS)) {
      int port = sim.start(0);
      try (Dnsmasq dns =
              Dnsmasq.start(
                  dir,
                  List.of(
                      "--mx-host=pref.test,mx1.pref.test,10",
                      "--mx-host=pref.test,mx2.pref.test,20",
                      "--host-record=mx1.pref.test,127.0.0.2",
                      "--host-record=mx2.pref.test,127.0.0.1"));
          SqliteMessageStore store =
              SqliteMessageStore.open(dir.resolve("data"), SqliteStoreOptions.defaults(), clock)) {
        QueueId id;
        try (Spool spool =
            store.begin(
                new Envelope(
                    EmailAddress.parse("s@example.com"),
                    List.of(new Recipient(EmailAddress.parse("ok@pref.test"), null, null)),
                    "7BIT",
                    false,
                    null,
                    null,
                    null,
                    null,
                    "127.0.0.1",
                    "client.test"))) {
          spool.body().write("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
          id = spool.commit();
        }
        DeliveryConfig config =
            SimFixture.config(port)
                .withRouting(
                    RoutingConfig.DEFAULTS
                        .withDnsServer(dns.server())
                        .withDnsTimeout(Duration.ofSeconds(1))
                        .withIpv6(false)
                        .withMxPort(port)
                        // dnsmasq's MX hosts point at loopback, where the sinks listen
                        .withOutbound(OutboundPolicy.parse("127.0.0.0/8")));
        try (Deliverer deliverer = Deliverer.create(config, StatusEngine.standard(), clock, null);
            DeliveryScheduler scheduler =
                new DeliveryScheduler(
                    store,
                    deliverer,
                    new RetrySchedule(
                        RetrySchedule.Policy.defaults(), clock, RandomGenerator.getDefault()),
                    new DsnWriter("petrel.test", clock),
                    clock,
                    DeliveryScheduler.Settings.DEFAULTS)) {
          scheduler.start();
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> {
                    List<AttemptRecord> a = store.deliveries(id).getFirst().attempts();
                    return !a.isEmpty() && Integer.valueOf(250).equals(a.getLast().code());
                  });
          List<AttemptRecord> attempts = store.deliveries(id).getFirst().attempts();
          assertThat(attempts).hasSize(2);
          AttemptRecord refused = attempts.get(0);
          assertThat(refused.mx()).isEqualTo("mx1.pref.test");
          assertThat(refused.ip()).isEqualTo("127.0.0.2");
          assertThat(refused.phase()).isEqualTo("connect");
          assertThat(refused.code()).isNull();
          assertThat(refused.action()).isEqualTo("next-server");
          assertThat(refused.text()).isNotBlank();
          AttemptRecord delivered = attempts.get(1);
          assertThat(delivered.mx()).isEqualTo("mx2.pref.test");
          assertThat(delivered.code()).isEqualTo(250);
          assertThat(delivered.at()).isAfterOrEqualTo(refused.at());
        }
      }
    }
  }
}
