package dev.petrel.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookStoreTest {

  static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

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

      assertThat(hooks.handOut(all, 100, T)).isEqualTo(3);
      assertThat(hooks.handOut(all, 100, T)).isZero();
      assertThat(types(hooks.due("wh_all", T, 10)))
          .containsExactly("message.deferred", "message.delivered", "suppression.added");
      assertThat(hooks.handOut(fin, 100, T)).isEqualTo(2);
      assertThat(types(hooks.due("wh_final", T, 10)))
          .containsExactly("message.delivered", "suppression.added");
      assertThat(hooks.handOut(some, 100, T)).isEqualTo(1);
      var added = hooks.due("wh_some", T, 10).getFirst().event();
      assertThat(added.data()).contains("\"address\":\"gone@example.org\"");
      assertThat(added.data()).contains("\"reason\":\"userunknown\"");
    }
  }

  @Test
  void handOutMovesInSteps() throws Exception {
    try (SqliteMessageStore store = openWithAccounts(dir)) {
      WebhookStore hooks = store.webhooks();
      Webhook w = hook("wh_1", "acme", List.of(), false);
      hooks.createWebhook(w);
      for (int i = 0; i < 5; i++) event(store, i % 2 == 0 ? "acme" : "other", "quota.warning");
      assertThat(hooks.handOut(w, 2, T)).isEqualTo(1);
      assertThat(hooks.handOut(w, 2, T)).isEqualTo(1);
      assertThat(hooks.handOut(w, 2, T)).isEqualTo(1);
      assertThat(hooks.handOut(w, 2, T)).isZero();
      assertThat(hooks.due("wh_1", T, 10)).hasSize(3);
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
      hooks.handOut(w, 10, T);
      var due = hooks.due("wh_1", T, 10);
      long first = due.get(0).event().id();
      long second = due.get(1).event().id();
      Instant later = T.plus(Duration.ofMinutes(1));
      hooks.recordTry(
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
      var again = hooks.due("wh_1", later, 10);
      assertThat(again).hasSize(1);
      assertThat(again.getFirst().attempts()).isEqualTo(1);
      hooks.recordTry(
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
      hooks.recordTry(
          new WebhookDelivery(
              0,
              "wh_1",
              1,
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
