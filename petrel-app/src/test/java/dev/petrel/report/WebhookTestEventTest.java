package dev.petrel.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.petrel.model.OutboundPolicy;
import dev.petrel.webhooks.Webhook;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A test event goes through the outbound policy at the moment it is sent, as real events do: a name
 * that was public when the webhook was registered and now resolves to loopback (DNS rebinding) is
 * refused, and the loopback receiver gets no request; a 500 from the target is reported as {@code
 * http 500}, never as delivered.
 */
class WebhookTestEventTest {

  static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
  static final InetAddress PUBLIC = InetAddress.ofLiteral("93.184.215.14");
  static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");

  final AtomicInteger requests = new AtomicInteger();
  HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) server.stop(0);
  }

  private int receiver(int status) throws Exception {
    server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
    server.createContext(
        "/",
        x -> {
          requests.incrementAndGet();
          x.getRequestBody().readAllBytes();
          x.sendResponseHeaders(status, -1);
          x.close();
        });
    server.start();
    return server.getAddress().getPort();
  }

  private static Webhook hook(String url) {
    return new Webhook("wh_1", "acme", url, WebhookSigner.newSecret(), List.of(), false, T);
  }

  @Test
  void aNameThatRebindsToLoopbackIsRefusedWhenTheTestIsSent() throws Exception {
    int port = receiver(204);
    AtomicInteger lookups = new AtomicInteger();
    WebhookTargets targets =
        new WebhookTargets(
            OutboundPolicy.STRICT,
            host -> List.of(lookups.getAndIncrement() == 0 ? PUBLIC : LOOPBACK));
    String url = "http://rebind.example:" + port + "/hook";
    assertThat(targets.refusal(url)).as("registration sees a public address").isNull();
    WebhookTestEvent.Outcome o =
        new WebhookTestEvent(targets, WebhookDispatcher.Settings.DEFAULTS).send(hook(url), T);
    assertThat(o.delivered()).isFalse();
    assertThat(o.status()).isNull();
    assertThat(o.error()).isEqualTo("refused: internal address (loopback)");
    assertThat(requests).hasValue(0);
  }

  @Test
  void aFailingTargetIsReportedWithItsStatus() throws Exception {
    int port = receiver(500);
    WebhookTargets targets =
        new WebhookTargets(OutboundPolicy.parse("127.0.0.1/32"), WebhookTargets.SYSTEM);
    WebhookTestEvent.Outcome o =
        new WebhookTestEvent(targets, WebhookDispatcher.Settings.DEFAULTS)
            .send(hook("http://127.0.0.1:" + port + "/hook"), T);
    assertThat(o.delivered()).isFalse();
    assertThat(o.status()).isEqualTo(500);
    assertThat(o.error()).isEqualTo("http 500");
    assertThat(o.eventId()).startsWith("evt_test_");
    assertThat(requests).hasValue(1);
  }
}
