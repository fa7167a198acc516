package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.accounts.Account;
import dev.petrel.app.ConfigKey;
import dev.petrel.app.ConfigLoader;
import dev.petrel.app.Main;
import dev.petrel.app.PetrelServer;
import dev.petrel.domains.SenderPolicy;
import dev.petrel.peers.Peers;
import dev.petrel.peers.SmtpClient;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.report.DomainChecker;
import dev.petrel.report.DomainRecords;
import dev.petrel.report.SenderDomains;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mail from a verified sender domain leaves Petrel with an rsa-sha256 and an ed25519-sha256
 * signature that python3-dkim (dkimpy, a verifier Petrel did not write) accepts, with the keys
 * served by dnsmasq from the records {@code petrel domains show} prints. The domain is verified by
 * {@code petrel domains check} against the same dnsmasq. The mail goes through the real path: SMTP
 * in, queue, scheduler, client, Postfix's smtp-sink, whose capture is what is verified. A changed
 * body makes both signatures fail, and mail from a domain that is not added goes unsigned.
 */
class DkimSignedMailVerifiesTest {

  /** Verifies each DKIM-Signature of a message file, keys from the DNS server on the given port. */
  static final String VERIFY =
      """
      import re, sys, dkim, dns.resolver
      port, path = int(sys.argv[1]), sys.argv[2]
      msg = open(path, 'rb').read()
      msg = re.sub(rb'(?<!\\r)\\n', b'\\r\\n', msg)
      r = dns.resolver.Resolver(configure=False)
      r.nameservers = ['127.0.0.1']
      r.port = port
      def txt(name, timeout=5):
          if isinstance(name, bytes): name = name.decode('ascii')
          try:
              ans = r.resolve(name.rstrip('.') + '.', 'TXT', lifetime=timeout)
          except Exception:
              return None
          for rd in ans:
              return b''.join(rd.strings)
          return None
      head = msg.split(b'\\r\\n\\r\\n', 1)[0]
      algs = re.findall(rb'(?im)^DKIM-Signature:[^\\r]*(?:\\r\\n[ \\t][^\\r]*)*', head)
      d = dkim.DKIM(msg)
      for i, sig in enumerate(algs):
          a = re.search(rb'a=([a-z0-9-]+)', re.sub(rb'\\s', b'', sig)).group(1).decode()
          try:
              ok = d.verify(idx=i, dnsfunc=txt)
          except dkim.DKIMException as e:
              ok = False
              print('#', a, e)
          print(a, ok)
      print('signatures', len(algs))
      """;

  @TempDir Path dir;

  @Test
  void bothSignaturesVerifyWithPythonDkim() throws Exception {
    // The interpreter Debian's dkim module is installed for (dkimverify's own), not whichever
    // python3 comes first on the PATH.
    String dkimverify = Peers.require("dkimverify", "python3-dkim");
    String python = Files.readAllLines(Path.of(dkimverify)).getFirst().substring(2).strip();
    requireModule(python, "nacl", "python3-nacl");
    Path data = dir.resolve("data");

    // An account and its sender domain, as `petrel domains add` makes them.
    List<DomainRecords.Record> records;
    try (SqliteMessageStore store =
        SqliteMessageStore.open(data, SqliteStoreOptions.defaults(), InstantSource.system())) {
      store.accounts().createAccount(new Account("default", "free", Instant.now()));
      SenderDomains domains =
          new SenderDomains(
              store.senderDomains(),
              new SenderPolicy(store.senderDomains(), true),
              new DomainChecker(null, "petrel.test"),
              "petrel.test",
              InstantSource.system());
      records = domains.add("default", "signed.test").records();
    }
    List<String> dnsRecords = new ArrayList<>();
    for (DomainRecords.Record r : records) dnsRecords.add(txtRecord(r.name(), r.value()));
    try (Dnsmasq dns = Dnsmasq.start(dir, dnsRecords);
        SmtpSink sink = SmtpSink.start(dir)) {
      String dnsServer = "127.0.0.1:" + dns.port;
      assertThat(
              Main.run(
                  "domains",
                  "check",
                  "signed.test",
                  "--data-dir",
                  data.toString(),
                  "--hostname",
                  "petrel.test",
                  "--dns-server",
                  dnsServer))
          .as("domains check finds both DKIM keys")
          .isZero();

      Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
      flags.put(ConfigKey.DATA_DIR, data.toString());
      flags.put(ConfigKey.SMTP_PORT, "0");
      flags.put(ConfigKey.LISTEN_ADDRESS, "127.0.0.1");
      flags.put(ConfigKey.HOSTNAME, "petrel.test");
      flags.put(ConfigKey.SHUTDOWN_TIMEOUT, "5s");
      flags.put(ConfigKey.ROUTE, "sink.test=127.0.0.1:" + sink.port);
      try (PetrelServer petrel =
          PetrelServer.start(
              ConfigLoader.resolve(flags, null, Map.of()).config(), InstantSource.system())) {
        send(petrel, "ann@signed.test", "Ann <ann@signed.test>", "Signed hello");
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.messages().size() == 1);
        send(petrel, "zed@unsigned.test", "zed@unsigned.test", "Unsigned hello");
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.messages().size() == 2);
      }
      List<String> got = sink.messages();
      String signed = got.stream().filter(m -> m.contains("Signed hello")).findFirst().get();
      String unsigned = got.stream().filter(m -> m.contains("Unsigned hello")).findFirst().get();

      assertThat(verify(python, dns.port, signed))
          .contains("rsa-sha256 True", "ed25519-sha256 True", "signatures 2");
      String tampered = signed.replace("the body line", "the body lime");
      assertThat(tampered).isNotEqualTo(signed);
      assertThat(verify(python, dns.port, tampered))
          .contains("rsa-sha256 False", "ed25519-sha256 False");
      assertThat(verify(python, dns.port, unsigned)).contains("signatures 0");
    }
  }

  private void send(PetrelServer petrel, String sender, String from, String subject)
      throws Exception {
    try (SmtpClient c = new SmtpClient(petrel.smtpAddress().getPort(), Duration.ofSeconds(30))) {
      assertThat(c.reply()).startsWith("220");
      assertThat(c.command("EHLO client.test")).startsWith("250");
      assertThat(c.command("MAIL FROM:<" + sender + ">")).startsWith("250");
      assertThat(c.command("RCPT TO:<bob@sink.test>")).startsWith("250");
      assertThat(c.command("DATA")).startsWith("354");
      c.send(
          "From: "
              + from
              + "\r\nTo: Bob <bob@sink.test>\r\nSubject: "
              + subject
              + "\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <"
              + subject.replace(' ', '.')
              + "@petrel.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n"
              + "the body line  with   spaces \t\r\n..a dot-stuffed line\r\n\r\n\r\n.\r\n");
      assertThat(c.reply()).startsWith("250");
      c.command("QUIT");
    }
  }

  private String verify(String python, int port, String message) throws Exception {
    Path file = Files.createTempFile(dir, "msg", ".eml");
    Files.writeString(file, message, StandardCharsets.ISO_8859_1);
    Process p =
        new ProcessBuilder(python, "-c", VERIFY, String.valueOf(port), file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("verifier finished").isTrue();
    assertThat(p.exitValue()).as("verifier exit; output: %s", out).isZero();
    return out;
  }

  /**
   * dnsmasq's TXT option: the text cut into strings of at most 255 octets, one per comma. No
   * quotes: the argument reaches dnsmasq without a shell, and it would keep them as text.
   */
  static String txtRecord(String name, String value) {
    StringBuilder b = new StringBuilder("--txt-record=").append(name);
    for (int i = 0; i < value.length(); i += 255)
      b.append(',').append(value, i, Math.min(value.length(), i + 255));
    return b.toString();
  }

  static void requireModule(String python, String module, String debianPackage) throws Exception {
    Process p = new ProcessBuilder(python, "-c", "import " + module).start();
    p.getInputStream().readAllBytes();
    if (p.waitFor() == 0) return;
    String why = "python3 module " + module + " is missing (Debian package " + debianPackage + ")";
    if ("1".equals(System.getenv("PETREL_REQUIRE_PEERS")))
      org.junit.jupiter.api.Assertions.fail(why + ", and PETREL_REQUIRE_PEERS=1 requires it");
    org.junit.jupiter.api.Assumptions.abort(why + "; skipping");
  }
}
