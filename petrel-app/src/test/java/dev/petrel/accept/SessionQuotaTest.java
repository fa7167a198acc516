package dev.petrel.accept;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.accounts.Account;
import dev.petrel.accounts.AccountStore;
import dev.petrel.accounts.Plans;
import dev.petrel.accounts.Quotas;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Quotas at the listener: the account's plan is read once per mail transaction (at its first RCPT)
 * and kept for the commit and the warning, and a plan changed between transactions applies to the
 * next one.
 */
class SessionQuotaTest {

  private final AtomicInteger accountReads = new AtomicInteger();
  private final AtomicInteger usageReads = new AtomicInteger();
  private final AtomicReference<String> plan = new AtomicReference<>("small");

  private Quotas quotas() {
    AccountStore accounts =
        (AccountStore)
            Proxy.newProxyInstance(
                AccountStore.class.getClassLoader(),
                new Class<?>[] {AccountStore.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "findAccount" -> {
                        accountReads.incrementAndGet();
                        yield Optional.of(new Account((String) args[0], plan.get(), Instant.EPOCH));
                      }
                      case "usage" -> {
                        usageReads.incrementAndGet();
                        yield 0L;
                      }
                      case "markWarned" -> false;
                      default -> throw new UnsupportedOperationException(method.getName());
                    });
    return new Quotas(accounts, Plans.parse("small=100,tiny=1"), SessionHarness.CLOCK);
  }

  private static String transaction(String tag) {
    return "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<c@example.net>\r\n"
        + "DATA\r\nSubject: "
        + tag
        + "\r\n\r\nbody\r\n.\r\n";
  }

  @Test
  void theAccountIsReadOncePerTransaction() throws Exception {
    SessionHarness h = new SessionHarness();
    h.quotas = quotas();
    String out =
        h.send("EHLO c.example\r\n" + transaction("one") + transaction("two") + "QUIT\r\n")
            .run()
            .output();
    assertThat(out.split("250 2.0.0 Ok: queued as", -1)).hasSize(3);
    assertThat(h.store.messages()).hasSize(2);
    // once per transaction, where it was three times per message (RCPT, commit, warning)
    assertThat(accountReads).hasValue(2);
    // the count is read fresh at each RCPT and for the warning after the commit
    assertThat(usageReads).hasValue(6);
  }

  @Test
  void aPlanChangedBetweenTransactionsAppliesToTheNext() throws Exception {
    SessionHarness h = new SessionHarness();
    h.quotas = quotas();
    h.onWrite(
        written -> {
          if (written.contains("250 2.0.0 Ok: queued as")) plan.set("tiny");
        });
    String out =
        h.send("EHLO c.example\r\n")
            .send(transaction("one"))
            .send(transaction("two"))
            .send("QUIT\r\n")
            .run()
            .output();
    // the second transaction reads the new plan (limit 1): its second recipient is refused
    assertThat(out).contains("450 4.7.1 Monthly quota of 1 recipients reached");
    assertThat(h.store.messages()).hasSize(2);
    assertThat(h.store.messages().get(0).envelope().recipients()).hasSize(2);
    assertThat(h.store.messages().get(1).envelope().recipients()).hasSize(1);
  }
}
