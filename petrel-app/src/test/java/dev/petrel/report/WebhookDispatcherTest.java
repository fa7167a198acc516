package dev.petrel.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.petrel.accounts.Account;
import dev.petrel.model.OutboundPolicy;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.status.StatusEngine;
import dev.petrel.webhooks.Webhook;
import dev.petrel.webhooks.WebhookDelivery;
import dev.petrel.webhooks.WebhookDelivery.State;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookDispatcherTest {

  static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path dir;
  final AtomicReference<Instant> now = new AtomicReference<>(T);
  final InstantSource clock = () -> now.get();
  HttpServer server;
  final List<String> received = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopServer() {
    if (server != null) server.stop(0);
  }

  SqliteMessageStore open() throws Exception {
    SqliteMessageStore s =
        SqliteMessageStore.open(
            dir, SqliteStoreOptions.defaults().withReserveBytes(0), InstantSource.system());
    s.accounts().createAccount(new Account("acme", "free", T));
    return s;
  }

  /** A receiver answering every request with {@code status}; records each webhook-id. */
  String receiver(int status) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        x -> {
          x.getRequestBody().readAllBytes();
          received.add(x.getRequestHeaders().getFirst("webhook-id"));
          x.sendResponseHeaders(status, -1);
          x.close();
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  static Webhook hook(String id, String url) {
    return new Webhook(id, "acme", url, WebhookSigner.newSecret(), List.of(), false, T);
  }

  WebhookDispatcher dispatcher(SqliteMessageStore store, List<Duration> retries, Duration request) {
    var settings =
        new WebhookDispatcher.Settings(
            retries, Duration.ofMillis(50), Duration.ofSeconds(5), request, 10);
    // the receivers of these tests listen on loopback, which the operator has to allow
    return new WebhookDispatcher(
        store.webhooks(),
        store,
        StatusEngine.standard(),
        clock,
        settings,
        new WebhookTargets(OutboundPolicy.parse("127.0.0.0/8"), WebhookTargets.SYSTEM));
  }

  @Test
  void aHangingReceiverHoldsUpOnlyItsOwnEvents() throws Exception {
    try (SqliteMessageStore store = open();
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      // accepts connections (the backlog does) but never answers
      store
          .webhooks()
          .createWebhook(hook("wh_silent", "http://127.0.0.1:" + silent.getLocalPort()));
      store.webhooks().createWebhook(hook("wh_good", receiver(204)));
      for (int i = 0; i < 3; i++)
        store.accounts().addEvent(T, "acme", "quota.warning", null, "{\"used\":" + i + "}");
      WebhookDispatcher d =
          dispatcher(store, List.of(Duration.ofMinutes(1)), Duration.ofMinutes(5));
      d.start();
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == 3);
        assertThat(store.webhooks().deliveries("wh_good", 10))
            .extracting(WebhookDelivery::state)
            .containsOnly(State.DELIVERED);
        // the silent receiver's first try is still waiting for an answer
        assertThat(store.webhooks().deliveries("wh_silent", 10)).isEmpty();
      } finally {
        d.stop(Duration.ofMillis(200));
      }
      // cut off by the stop: nothing logged, all three still to do after a restart
      assertThat(store.webhooks().deliveries("wh_silent", 10)).isEmpty();
      assertThat(store.webhooks().due("wh_silent", T, 10)).hasSize(3);
      assertThat(received).doesNotHaveDuplicates();
    }
  }

  @Test
  void failedTriesFollowTheScheduleAcrossARestartThenGiveUp() throws Exception {
    try (SqliteMessageStore store = open()) {
      store.webhooks().createWebhook(hook("wh_1", receiver(503)));
      store.accounts().addEvent(T, "acme", "quota.warning", null, "{}");
      List<Duration> retries = List.of(Duration.ofMinutes(1), Duration.ofMinutes(10));
      WebhookDispatcher first = dispatcher(store, retries, Duration.ofSeconds(30));
      first.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> log(store).size() == 1);
      WebhookDelivery one = log(store).getFirst();
      assertThat(one.state()).isEqualTo(State.PENDING);
      assertThat(one.status()).isEqualTo(503);
      assertThat(one.error()).isEqualTo("http 503");
      assertThat(one.nextAttempt()).isEqualTo(T.plus(Duration.ofMinutes(1)));
      first.stop(Duration.ofSeconds(5));

      // a new process: the pending event is tried again when due, with the same webhook-id
      now.set(T.plus(Duration.ofMinutes(1)));
      WebhookDispatcher second = dispatcher(store, retries, Duration.ofSeconds(30));
      second.start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> log(store).size() == 2);
        assertThat(log(store).getFirst().attempt()).isEqualTo(2);
        assertThat(log(store).getFirst().nextAttempt()).isEqualTo(T.plus(Duration.ofMinutes(11)));
        now.set(T.plus(Duration.ofMinutes(11)));
        await().atMost(Duration.ofSeconds(30)).until(() -> log(store).size() == 3);
      } finally {
        second.stop(Duration.ofSeconds(5));
      }
      WebhookDelivery last = log(store).getFirst();
      assertThat(last.state()).isEqualTo(State.FAILED);
      assertThat(last.attempt()).isEqualTo(3);
      assertThat(last.nextAttempt()).isNull();
      assertThat(store.webhooks().due("wh_1", T.plus(Duration.ofDays(30)), 10)).isEmpty();
      assertThat(received).hasSize(3);
      assertThat(received.stream().distinct()).hasSize(1);
    }
  }

  private static List<WebhookDelivery> log(SqliteMessageStore store) throws Exception {
    return store.webhooks().deliveries("wh_1", 10);
  }
}
