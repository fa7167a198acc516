package dev.petrel.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.accounts.Account;
import dev.petrel.webhooks.Webhook;
import dev.petrel.webhooks.WebhookDelivery;
import dev.petrel.webhooks.WebhookStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookStoreTest {

  static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
  static final Duration LEASE = Duration.ofMinutes(5);

  @TempDir Path dir;

  static Webhook hook(String id, String account, List<String> events, boolean finalOnly) {
    return new Webhook(id, account, "http://127.0.0.1:9/hook", "whsec_AAAA", events, finalOnly, T);
  }

  static SqliteMessageStore openWithAccounts(Path dir) throws Exception {
    SqliteMessageStore store = QueueTestSupport.open(dir);
    store.accounts().createAccount(new Account("acme", "free", T));
    store.accounts().createAccount(new Account("other", "free", T));
    return store;
  }

  static void event(SqliteMessageStore store, String account, String type) throws Exception {
    store.accounts().addEvent(T, account, type, null, "{\"n\":1}");
  }

  @Test
  void newWebhookGetsOnlyLaterEventsOfItsAccountAndOfTheTypesItWants() throws Exception {
    try (SqliteMessageStore store = openWithAccounts(dir)) {
      WebhookStore hooks = store.webhooks();
      event(store, "acme", "message.delivered"); // before the webhook: not sent
      Webhook all = hook("wh_all", "acme", List.of(), false);
      Webhook fin = hook("wh_final", "acme", List.of(), true);
      Webhook some = hook("wh_some", "acme", List.of("suppression.added"), false);
      for (Webhook w : List.of(all, fin, some)) hooks.createWebhook(w);
      event(store, "acme", "message.deferred");
      event(store, "other", "message.delivered");
      event(store, "acme", "message.delivered");
      store.addSuppression(new Suppression("acme", "gone@example.org", "userunknown", null, T));
      store.addSuppression(new Suppression("acme", "gone@example.org", "userunknown", null, T));

      assertThat(types(hooks.due("wh_all", T, 10)))
          .containsExactly("message.deferred", "message.delivered", "suppression.added");
      assertThat(types(hooks.claim("wh_all", T, 100, LEASE)))
          .containsExactly("message.deferred", "message.delivered", "suppression.added");
      assertThat(hooks.claim("wh_all", T, 100, LEASE)).as("all leased").isEmpty();
      assertThat(types(hooks.due("wh_final", T, 10)))
          .containsExactly("message.delivered", "suppression.added");
      var added = hooks.claim("wh_some", T, 10, LEASE).getFirst().event();
      assertThat(added.data()).contains("\"address\":\"gone@example.org\"");
      assertThat(added.data()).contains("\"reason\":\"userunknown\"");
    }
  }

  @Test
  void claimsTakeDueEventsInStepsAndAStoppingDispatcherGivesThemBack() throws Exception {
    try (SqliteMessageStore store = openWithAccounts(dir)) {
      WebhookStore hooks = store.webhooks();
      Webhook w = hook("wh_1", "acme", List.of(), false);
      hooks.createWebhook(w);
      for (int i = 0; i < 5; i++) event(store, i % 2 == 0 ? "acme" : "other", "quota.warning");
      assertThat(hooks.due("wh_1", T, 10)).hasSize(3);
      var first = hooks.claim("wh_1", T, 2, LEASE);
      assertThat(first).hasSize(2);
      assertThat(first.get(0).event().id()).isLessThan(first.get(1).event().id());
      assertThat(hooks.claim("wh_1", T, 2, LEASE)).hasSize(1);
      assertThat(hooks.claim("wh_1", T, 2, LEASE)).isEmpty();
      hooks.release(first.get(1), T);
      assertThat(hooks.claim("wh_1", T, 2, LEASE))
          .extracting(p -> p.event().id())
          .containsExactly(first.get(1).event().id());
    }
  }

  @Test
  void triesAreLoggedAndDecideWhatStaysToDo() throws Exception {
    try (SqliteMessageStore store = openWithAccounts(dir)) {
      WebhookStore hooks = store.webhooks();
      Webhook w = hook("wh_1", "acme", List.of(), false);
      hooks.createWebhook(w);
      event(store, "acme", "message.delivered");
      event(store, "acme", "message.bounced");
      var due = hooks.claim("wh_1", T, 10, LEASE);
      long first = due.get(0).event().id();
      long second = due.get(1).event().id();
      Instant later = T.plus(Duration.ofMinutes(1));
      hooks.recordTry(
          due.get(0),
          new WebhookDelivery(
              0,
              "wh_1",
              first,
              "message.delivered",
              1,
              T,
              500,
              "HTTP 500",
              12,
              later,
              WebhookDelivery.State.PENDING));
      hooks.recordTry(
          due.get(1),
          new WebhookDelivery(
              0,
              "wh_1",
              second,
              "message.bounced",
              1,
              T,
              204,
              null,
              3,
              null,
              WebhookDelivery.State.DELIVERED));
      assertThat(hooks.due("wh_1", T, 10)).isEmpty();
      var again = hooks.claim("wh_1", later, 10, LEASE);
      assertThat(again).hasSize(1);
      assertThat(again.getFirst().attempts()).isEqualTo(1);
      hooks.recordTry(
          again.getFirst(),
          new WebhookDelivery(
              0,
              "wh_1",
              first,
              "message.delivered",
              2,
              later,
              null,
              "refused",
              1,
              null,
              WebhookDelivery.State.FAILED));
      assertThat(hooks.due("wh_1", later.plus(Duration.ofDays(1)), 10)).isEmpty();

      List<WebhookDelivery> log = hooks.deliveries("wh_1", 10);
      assertThat(log)
          .extracting(WebhookDelivery::state)
          .containsExactly(
              WebhookDelivery.State.FAILED,
              WebhookDelivery.State.DELIVERED,
              WebhookDelivery.State.PENDING);
      assertThat(log.get(2).status()).isEqualTo(500);
      assertThat(log.get(2).nextAttempt()).isEqualTo(later);
      assertThat(log.get(0).status()).isNull();
    }
  }

  @Test
  void accountsSeeOnlyTheirWebhooksAndDeletingRemovesTheLog() throws Exception {
    try (SqliteMessageStore store = openWithAccounts(dir)) {
      WebhookStore hooks = store.webhooks();
      Webhook w = hook("wh_1", "acme", List.of("message.bounced"), true);
      hooks.createWebhook(w);
      assertThat(hooks.findWebhook("acme", "wh_1")).contains(w);
      assertThat(hooks.findWebhook("other", "wh_1")).isEmpty();
      assertThat(hooks.webhooks("other")).isEmpty();
      assertThat(hooks.webhooks(null)).containsExactly(w);
      assertThat(hooks.deleteWebhook("other", "wh_1")).isFalse();
      event(store, "acme", "message.bounced");
      var claimed = hooks.claim("wh_1", T, 10, LEASE).getFirst();
      hooks.recordTry(
          claimed,
          new WebhookDelivery(
              0,
              "wh_1",
              claimed.event().id(),
              "message.bounced",
              1,
              T,
              200,
              null,
              1,
              null,
              WebhookDelivery.State.DELIVERED));
      assertThat(hooks.deleteWebhook("acme", "wh_1")).isTrue();
      assertThat(hooks.webhooks(null)).isEmpty();
      assertThat(hooks.deliveries("wh_1", 10)).isEmpty();
      assertThatThrownBy(() -> hooks.createWebhook(hook("wh_2", "nobody", List.of(), false)))
          .hasMessageContaining("nobody");
    }
  }

  @Test
  void upgradingMovesEventsPastEachCursorIntoTheOutbox() throws Exception {
    // A database as the version before the outbox left it: one webhook had looked at event 1.
    java.nio.file.Files.createDirectories(dir);
    org.sqlite.SQLiteDataSource ds = new org.sqlite.SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + dir.resolve(SqliteMessageStore.DATABASE_FILE));
    org.flywaydb.core.Flyway.configure()
        .dataSource(ds)
        .locations(SqliteMessageStore.MIGRATIONS)
        .target("8")
        .load()
        .migrate();
    try (var c = ds.getConnection();
        var s = c.createStatement()) {
      s.execute("INSERT INTO accounts (name, plan, created) VALUES ('acme', 'free', 0)");
      s.execute("INSERT INTO accounts (name, plan, created) VALUES ('other', 'free', 0)");
      s.execute(
          "INSERT INTO webhooks (id, account, url, secret, events, final_only, created, cursor)"
              + " VALUES ('wh_all', 'acme', 'http://127.0.0.1:9/', 's', NULL, 0, 0, 1),"
              + " ('wh_fin', 'acme', 'http://127.0.0.1:9/', 's', NULL, 1, 0, 1),"
              + " ('wh_sup', 'acme', 'http://127.0.0.1:9/', 's', 'suppression.added', 0, 0, 1)");
      s.execute(
          "INSERT INTO events (id, at, account, type) VALUES"
              + " (1, 10, 'acme', 'message.delivered'), (2, 11, 'acme', 'message.deferred'),"
              + " (3, 12, 'other', 'message.delivered'), (4, 13, 'acme', 'message.bounced'),"
              + " (5, 14, 'acme', 'suppression.added')");
      // Event 2 had been handed out already and is waiting for a retry.
      s.execute(
          "INSERT INTO webhook_queue (webhook, event_id, attempts, next_attempt)"
              + " VALUES ('wh_all', 2, 1, 20)");
    }
    try (SqliteMessageStore store = QueueTestSupport.open(dir)) {
      WebhookStore hooks = store.webhooks();
      Instant now = Instant.ofEpochMilli(1000);
      assertThat(hooks.due("wh_all", now, 10))
          .extracting(p -> p.event().id() + "/" + p.attempts())
          .containsExactly("4/0", "5/0", "2/1");
      assertThat(hooks.due("wh_fin", now, 10))
          .extracting(p -> p.event().id())
          .containsExactly(4L, 5L);
      assertThat(hooks.due("wh_sup", now, 10)).extracting(p -> p.event().id()).containsExactly(5L);
    }
  }

  @Test
  void webhookValuesAreChecked() {
    assertThatThrownBy(() -> Webhook.checkUrl("ftp://example.com/")).hasMessageContaining("http");
    assertThatThrownBy(() -> Webhook.checkUrl("http:///path")).hasMessageContaining("host");
    assertThatThrownBy(() -> Webhook.checkUrl("not a url"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> hook("wh", "acme", List.of("message.exploded"), false))
        .hasMessageContaining("message.exploded");
    Webhook fin = hook("wh", "acme", List.of(), true);
    assertThat(fin.wants("message.deferred")).isFalse();
    assertThat(fin.wants("message.expired")).isTrue();
    assertThat(fin.wants("quota.warning")).isTrue();
  }

  private static List<String> types(List<WebhookStore.Pending> due) {
    return due.stream().map(p -> p.event().type()).toList();
  }
}
