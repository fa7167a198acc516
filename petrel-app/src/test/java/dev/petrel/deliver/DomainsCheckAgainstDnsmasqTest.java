package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.accounts.Account;
import dev.petrel.app.Main;
import dev.petrel.deliver.dkim.DkimAlgorithm;
import dev.petrel.domains.SenderPolicy;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.report.DomainCheck;
import dev.petrel.report.DomainChecker;
import dev.petrel.report.DomainRecords;
import dev.petrel.report.SenderDomains;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code petrel domains check} against dnsmasq serving a domain with every record right, one with
 * every record wrong, and one with none: each record is reported ok, wrong or missing with what was
 * found, and only the right one becomes verified. Also: the operator CLI's add/list/show, and that
 * an account sees only its own domains.
 */
class DomainsCheckAgainstDnsmasqTest {

  @TempDir Path dir;

  @Test
  void reportsOkWrongAndMissingRecordByRecord() throws Exception {
    Path data = dir.resolve("data");
    Map<String, List<DomainRecords.Record>> records = new LinkedHashMap<>();
    try (SqliteMessageStore store =
        SqliteMessageStore.open(data, SqliteStoreOptions.defaults(), InstantSource.system())) {
      store.accounts().createAccount(new Account("acme", "free", Instant.now()));
      store.accounts().createAccount(new Account("other", "free", Instant.now()));
      SenderDomains domains = service(store, null, false);
      for (String d : List.of("right.test", "wrong.test", "missing.test"))
        records.put(d, domains.add("acme", d).records());
      // Isolation: another account neither sees nor checks acme's domains, nor may send as them.
      assertThat(domains.find("other", "right.test")).isEmpty();
      assertThat(domains.list("other")).isEmpty();
      assertThat(domains.check("other", "right.test")).isEmpty();
      assertThat(domains.mayUseSender("other", "right.test")).isFalse();
      assertThat(domains.mayUseSender("acme", "Right.Test")).isTrue();
      assertThat(domains.mayUseSender("acme", "elsewhere.test")).isFalse();
      assertThat(service(store, null, true).mayUseSender("other", "right.test")).isTrue();
    }

    List<String> dns = new ArrayList<>();
    for (DomainRecords.Record r : records.get("right.test"))
      dns.add(DkimSignedMailVerifiesTest.txtRecord(r.name(), r.value()));
    for (DomainRecords.Record r : records.get("wrong.test")) {
      String value =
          switch (r.kind()) {
            // A key Petrel does not hold, a key of the other type, SPF without this server, and a
            // DMARC record without a valid policy.
            case DKIM_RSA -> DkimAlgorithm.RSA.txtValue(DkimAlgorithm.RSA.generate().publicKey());
            case DKIM_ED25519 -> r.value().replace("k=ed25519", "k=rsa");
            case SPF -> "v=spf1 a:elsewhere.test -all";
            case DMARC -> "v=DMARC1; p=maybe";
          };
      dns.add(DkimSignedMailVerifiesTest.txtRecord(r.name(), value));
    }
    dns.add("--txt-record=missing.test,google-site-verification=abc");

    try (Dnsmasq server = Dnsmasq.start(dir, dns)) {
      String dnsServer = "127.0.0.1:" + server.port;
      Run right = cli(data, dnsServer, "check", "right.test", "--json");
      assertThat(right.exit).isZero();
      JsonNode ok = json(right.out);
      assertThat(ok.get("verified").asBoolean()).isTrue();
      assertThat(statuses(ok)).containsExactly("ok", "ok", "ok", "ok");

      Run wrong = cli(data, dnsServer, "check", "wrong.test", "--json");
      assertThat(wrong.exit).isEqualTo(1);
      JsonNode w = json(wrong.out);
      assertThat(w.get("verified").asBoolean()).isFalse();
      assertThat(statuses(w)).containsExactly("wrong", "wrong", "wrong", "wrong");
      assertThat(w.get("records").get(0).get("explanation").asString())
          .contains("different public key");
      assertThat(w.get("records").get(1).get("explanation").asString()).contains("k=rsa");
      assertThat(w.get("records").get(2).get("found").get(0).asString())
          .isEqualTo("v=spf1 a:elsewhere.test -all");
      assertThat(w.get("records").get(2).get("explanation").asString()).contains("a:petrel.test");
      assertThat(w.get("records").get(3).get("explanation").asString()).contains("p=maybe");

      Run missing = cli(data, dnsServer, "check", "missing.test");
      assertThat(missing.exit).isEqualTo(1);
      assertThat(missing.out)
          .contains("missing.test: not verified")
          .contains("missing  dkim-rsa")
          .contains("missing  spf")
          .contains("found:    google-site-verification=abc")
          .contains("missing  dmarc");

      // The results are stored: list and show say which domain is verified.
      Run list = cli(data, dnsServer, "list", "acme");
      assertThat(list.out)
          .contains("right.test  acme  verified")
          .contains("wrong.test  acme  not verified");
      Run show = cli(data, dnsServer, "show", "missing.test");
      assertThat(show.out)
          .contains("._domainkey.missing.test. 3600 IN TXT \"v=DKIM1; k=rsa; p=")
          .contains("_dmarc.missing.test. 3600 IN TXT \"v=DMARC1; p=none;");
      JsonNode shown = json(cli(data, dnsServer, "show", "right.test", "--json").out);
      assertThat(shown.get("verified").asBoolean()).isTrue();
      assertThat(shown.get("last_check").get("verified").asBoolean()).isTrue();
      assertThat(shown.toString()).doesNotContain("private");

      // Precise answers to bad input.
      assertThat(cli(data, dnsServer, "show", "not a domain").exit).isEqualTo(2);
      assertThat(cli(data, dnsServer, "check", "unknown.test").exit).isEqualTo(1);
      Run taken = cli(data, dnsServer, "add", "other", "right.test");
      assertThat(taken.exit).isEqualTo(1);
      assertThat(taken.err).contains("another account");
      Run noAccount = cli(data, dnsServer, "add", "ghost", "ghost.test");
      assertThat(noAccount.exit).isEqualTo(2);
      assertThat(noAccount.err).contains("no account named 'ghost'");
    }
  }

  @Test
  void aFailedLookupDecidesNothing() throws Exception {
    DomainChecker.Dns down =
        new DomainChecker.Dns() {
          @Override
          public DnsAnswer<String> txt(String name) {
            return DnsAnswer.failed("SERVFAIL");
          }

          @Override
          public DnsAnswer<java.net.InetAddress> addresses(String host) {
            return DnsAnswer.failed("SERVFAIL");
          }
        };
    try (SqliteMessageStore store =
        SqliteMessageStore.open(
            dir.resolve("d2"), SqliteStoreOptions.defaults(), InstantSource.system())) {
      store.accounts().createAccount(new Account("acme", "free", Instant.now()));
      SenderDomains domains =
          new SenderDomains(
              store.senderDomains(),
              new SenderPolicy(store.senderDomains(), false),
              new DomainChecker(down, "petrel.test"),
              "petrel.test",
              InstantSource.system());
      domains.add("acme", "down.test");
      DomainCheck c = domains.check("acme", "down.test").orElseThrow();
      assertThat(c.verified()).isNull();
      assertThat(c.results()).allMatch(r -> r.status() == DomainCheck.Status.UNKNOWN);
      assertThat(c.results().getFirst().explanation()).contains("SERVFAIL");
      assertThat(domains.find("acme", "down.test").orElseThrow().domain().isVerified()).isFalse();
    }
  }

  private static SenderDomains service(SqliteMessageStore store, DomainChecker c, boolean any) {
    return new SenderDomains(
        store.senderDomains(),
        new SenderPolicy(store.senderDomains(), any),
        c,
        "petrel.test",
        InstantSource.system());
  }

  record Run(int exit, String out, String err) {}

  private static Run cli(Path data, String dns, String... args) {
    List<String> all = new ArrayList<>(List.of("domains"));
    all.addAll(List.of(args));
    all.addAll(List.of("--data-dir", data.toString(), "--dns-server", dns));
    all.addAll(List.of("--hostname", "petrel.test"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = Main.run(all.toArray(String[]::new));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static JsonNode json(String line) {
    return JsonMapper.builder().build().readTree(line.strip());
  }

  private static List<String> statuses(JsonNode check) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : check.get("records")) out.add(r.get("status").asString());
    return out;
  }
}
