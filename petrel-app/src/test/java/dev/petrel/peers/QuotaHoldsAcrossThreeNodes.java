package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.accept.CredentialStore;
import dev.petrel.accounts.Account;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.Store;
import dev.petrel.queue.Stores;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code serve} processes on one PostgreSQL database (accepting only, {@code
 * --deliver=false}: bounce notices of delivered mail would count too), one account with 10
 * recipients left in its month: Python sends 30 one-recipient messages at the same moment, 15 over
 * the API and 15 over SMTP, spread over the three nodes. Exactly 10 are accepted (202 or 250),
 * every other one is refused with 429 (API) or 450 4.7.1 (SMTP, at RCPT or after the data), and the
 * month's count in the database is 10. The nodes' early checks all pass while the count is low;
 * what holds is the commit, which counts the recipients under the account's usage row lock.
 */
class QuotaHoldsAcrossThreeNodes {

  private static final int LIMIT = 10;
  private static final int EACH = 15;

  /** API and SMTP clients on all nodes; all wait at one barrier before their last step. */
  static final String CLIENT =
      """
      import json, smtplib, sys, threading, urllib.request, urllib.error
      http_ports = [int(p) for p in sys.argv[1].split(",")]
      smtp_ports = [int(p) for p in sys.argv[2].split(",")]
      key, password, n = sys.argv[3], sys.argv[4], int(sys.argv[5])
      start = threading.Barrier(2 * n)
      codes = [""] * (2 * n)
      def api(i):
          port = http_ports[i % len(http_ports)]
          body = ('{"from":"a@example.com","to":["r%d@example.net"],"text":"x"}' % i).encode()
          req = urllib.request.Request("http://127.0.0.1:%d/api/v1/messages" % port,
              method="POST", data=body,
              headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
          start.wait()
          try:
              with urllib.request.urlopen(req, timeout=120) as r:
                  codes[i] = "api-%d" % r.status
          except urllib.error.HTTPError as e:
              codes[i] = "api-%d" % e.code
      def smtp(i):
          port = smtp_ports[i % len(smtp_ports)]
          s = smtplib.SMTP("127.0.0.1", port, timeout=120)
          s.ehlo()
          s.login("app@example.com", password)
          s.mail("a@example.com")
          code, text = s.rcpt("s%d@example.net" % i)
          start.wait()
          if code != 250:
              codes[n + i] = "rcpt-%d-%s" % (code, text.decode().split(" ")[0])
          else:
              code, text = s.data(b"Subject: x\\r\\n\\r\\nx\\r\\n")
              codes[n + i] = "data-%d-%s" % (code, text.decode().split(" ")[0])
          s.quit()
      threads = [threading.Thread(target=api, args=(i,)) for i in range(n)]
      threads += [threading.Thread(target=smtp, args=(i,)) for i in range(n)]
      for t in threads: t.start()
      for t in threads: t.join()
      print(" ".join(codes))
      """;

  @TempDir Path dir;

  @Test
  void exactlyTheRecipientsLeftAreAcceptedWhicheverNodeTakesThem() throws Exception {
    try (PostgresCluster cluster = PostgresCluster.start()) {
      String url = cluster.createDatabase();
      String key;
      String password;
      try (Store setup =
          Stores.open(
              url, SqliteStoreOptions.defaults().withNode("setup"), InstantSource.system())) {
        setup.accounts().createAccount(new Account("small", "tiny", Instant.now()));
        key = setup.accounts().createKey("small", Instant.now()).secret();
        password = new CredentialStore(setup.logins()).add("small", "app@example.com");
      }
      // The nodes only accept: delivering the mail would queue bounce notices for the account.
      String[] options = {
        "--plans",
        "free=2000,tiny=" + LIMIT,
        "--trusted-networks=",
        "--auth-without-tls=true",
        "--deliver=false"
      };
      try (PetrelProcess a = PostgresNode.start(dir, "node-a", url, options);
          PetrelProcess b = PostgresNode.start(dir, "node-b", url, options);
          PetrelProcess c = PostgresNode.start(dir, "node-c", url, options)) {
        List<PetrelProcess> nodes = List.of(a, b, c);
        Exec.Result r =
            Python.run(
                CLIENT,
                String.join(",", nodes.stream().map(n -> "" + n.httpPort()).toList()),
                String.join(",", nodes.stream().map(n -> "" + n.port("smtp")).toList()),
                key,
                password,
                Integer.toString(EACH));
        assertThat(r.exit()).as(r.all()).isZero();
        List<String> codes = Arrays.asList(r.out().strip().split(" "));
        System.out.println("QuotaHoldsAcrossThreeNodes: " + codes);
        assertThat(codes).as(r.out()).hasSize(2 * EACH);
        long accepted =
            codes.stream().filter(x -> x.equals("api-202") || x.equals("data-250-2.0.0")).count();
        assertThat(accepted).as(r.out()).isEqualTo(LIMIT);
        assertThat(codes)
            .as("every other message is refused for the quota, temporarily")
            .filteredOn(x -> !x.equals("api-202") && !x.equals("data-250-2.0.0"))
            .hasSize(2 * EACH - LIMIT)
            .allMatch(
                x ->
                    x.equals("api-429")
                        || x.equals("rcpt-450-4.7.1")
                        || x.equals("data-450-4.7.1"));
      }
      try (Store check =
          Stores.open(
              url, SqliteStoreOptions.defaults().withNode("check"), InstantSource.system())) {
        var queued = check.list(1000);
        long usage = check.accounts().usage("small", YearMonth.now(ZoneOffset.UTC));
        System.out.printf(
            "QuotaHoldsAcrossThreeNodes: %d messages queued (%s), month's count %d%n",
            queued.size(),
            queued.stream().map(m -> m.account() + ":" + m.recipients().size()).toList(),
            usage);
        assertThat(queued).hasSize(LIMIT);
        assertThat(usage).isEqualTo(LIMIT);
      }
    }
  }
}
