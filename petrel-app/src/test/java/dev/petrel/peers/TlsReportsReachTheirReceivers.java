package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.deliver.Dnsmasq;
import dev.petrel.deliver.SmtpSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * SMTP TLS reports (RFC 8460) from a real {@code serve}, end to end. {@code tls.test} is a private
 * Postfix that offers STARTTLS; {@code broken.test} a Postfix whose TLS allows only TLS 1.0, which
 * the client refuses, so every handshake fails (and the mail goes in plain text, as opportunistic
 * TLS does). Each connection carries one message, so each message is one session. dnsmasq publishes
 * both domains' {@code _smtp._tls} records: {@code tls.test} asks for reports by mail (to {@code
 * reports.test}, an smtp-sink that dumps what it gets) and over HTTPS (a Python {@code http.server}
 * with {@code ssl}); {@code broken.test} by mail only. {@code petrel tls-reports send} in its own
 * process, beside the server, sends today's reports; Python reads the report mail, decompresses the
 * attachments and the POSTed body, and the counts are checked against what was sent and against the
 * TLS connections Postfix logged. A second send sends nothing; the API shows each account only its
 * own sessions.
 */
class TlsReportsReachTheirReceivers {

  private static final Duration GUARD = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Dnsmasq dns;
  PostfixInstance tls;
  PostfixInstance broken;
  SmtpSink reports;
  Python.Server https;
  RunningPetrel petrel;
  Http http;
  Path trustStore;
  Path posted;

  @BeforeEach
  void start() throws Exception {
    String openssl = Peers.require("openssl");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Exec.Result made =
        Exec.run(
            GUARD,
            List.of(
                openssl,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString()));
    assertThat(made.exit()).as(made.all()).isZero();
    trustStore = dir.resolve("trust.p12");
    Exec.Result trusted =
        Exec.run(
            GUARD,
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-importcert",
                "-noprompt",
                "-alias",
                "receiver",
                "-file",
                cert.toString(),
                "-keystore",
                trustStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit"));
    assertThat(trusted.exit()).as(trusted.all()).isZero();
    posted = dir.resolve("posted.jsonl");
    https =
        Python.serve(
            dir, "/peers/tlsrpt_receiver.py", cert.toString(), key.toString(), posted.toString());

    tls = postfix("tls", "mx.tls.test", cert, key, false);
    broken = postfix("broken", "mx.broken.test", cert, key, true);
    reports = SmtpSink.start(dir);
    String rua = "mailto:tlsrpt@reports.test,https://localhost:" + https.port() + "/v1/tlsrpt";
    // In a configuration file, because dnsmasq takes quotes (the comma inside the record) only
    // there; on its command line a comma starts another string of the record.
    Path records =
        Files.writeString(
            dir.resolve("records.conf"),
            "txt-record=_smtp._tls.tls.test,\"v=TLSRPTv1; rua="
                + rua
                + "\"\ntxt-record=_smtp._tls.broken.test,v=TLSRPTv1;rua=mailto:tlsrpt@reports.test\n");
    dns = Dnsmasq.start(dir, List.of("--conf-file=" + records));
    petrel =
        RunningPetrel.start(
            dir.resolve("data"),
            Map.of(
                ConfigKey.PAUSED,
                "false",
                ConfigKey.ROUTE,
                "tls.test=127.0.0.1:"
                    + tls.port()
                    + ",broken.test=127.0.0.1:"
                    + broken.port()
                    + ",reports.test=127.0.0.1:"
                    + reports.port,
                ConfigKey.DNS_SERVER,
                "127.0.0.1:" + dns.port,
                // one message per connection: every message is one TLS session
                ConfigKey.DESTINATION_MESSAGES_PER_CONNECTION,
                "1",
                ConfigKey.TLS_REPORT_ORGANIZATION,
                "Petrel Test Mail"));
    http = new Http(petrel.httpPort());
  }

  /** A Postfix that takes mail for its domain on hold; {@code tls10} leaves it only TLS 1.0. */
  PostfixInstance postfix(String name, String host, Path cert, Path key, boolean tls10)
      throws Exception {
    String domain = host.substring(3);
    PostfixInstance p =
        PostfixInstance.configure(dir, name, host)
            .set("smtpd_tls_security_level", "may")
            .set("smtpd_tls_cert_file", cert.toString())
            .set("smtpd_tls_key_file", key.toString())
            .set("smtpd_tls_loglevel", "1")
            .set("relay_domains", domain)
            .set(
                "smtpd_recipient_restrictions",
                "check_client_access static:HOLD, permit_mynetworks");
    if (tls10) {
      p.set("smtpd_tls_protocols", "!SSLv2, !SSLv3, !TLSv1.1, !TLSv1.2, !TLSv1.3");
      p.set("smtpd_tls_mandatory_protocols", "!SSLv2, !SSLv3, !TLSv1.1, !TLSv1.2, !TLSv1.3");
    }
    return p.start();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (petrel != null) petrel.close();
    } finally {
      for (AutoCloseable c : new AutoCloseable[] {tls, broken, reports, dns, https})
        if (c != null) c.close();
    }
  }

  String send(String key, String to) throws Exception {
    Path body = Files.createTempFile(dir, "request", ".json");
    Files.writeString(
        body,
        "{\"from\": \"ann@example.com\", \"to\": [\""
            + to
            + "\"], \"subject\": \"Hello\", \"text\": \"Hello.\"}",
        StandardCharsets.UTF_8);
    Http.Answer a =
        http.curl("POST", "/api/v1/messages", key, "@" + body, "Content-Type: application/json");
    assertThat(a.status()).as(a.body()).isEqualTo(202);
    return a.json().get("id").asString();
  }

  void awaitDelivered(String key, String id) {
    await()
        .atMost(GUARD)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                http.curl("GET", "/api/v1/messages/" + id, key, null)
                    .json()
                    .at("/recipients/0/state")
                    .asString(),
            "delivered"::equals);
  }

  static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) n++;
    return n;
  }

  Exec.Result cli(String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.addAll(List.of("--data-dir", petrel.dataDir().toString()));
    return PetrelCli.run(
        List.of(
            "-Djavax.net.ssl.trustStore=" + trustStore,
            "-Djavax.net.ssl.trustStorePassword=changeit",
            "-Djavax.net.ssl.trustStoreType=PKCS12"),
        a.toArray(String[]::new));
  }

  /** What Python makes of a report mail: its header fields and the decompressed report. */
  static final String READ_MAIL =
      """
      import email, email.policy, gzip, json, sys
      msg = email.message_from_string(open(sys.argv[1]).read(), policy=email.policy.default)
      parts = [p for p in msg.walk() if p.get_content_type() == 'application/tlsrpt+gzip']
      out = {
          'subject': str(msg['Subject']),
          'domain': str(msg['TLS-Report-Domain']),
          'submitter': str(msg['TLS-Report-Submitter']),
          'type': msg.get_content_type(),
          'report_type': msg.get_param('report-type'),
          'attachments': len(parts),
          'filename': parts[0].get_filename(),
          'report': json.loads(gzip.decompress(parts[0].get_payload(decode=True))),
      }
      print(json.dumps(out))
      """;

  /** What Python makes of the POSTed body: the decompressed report. */
  static final String READ_POST =
      """
      import base64, gzip, json, sys
      line = json.loads(open(sys.argv[1]).readline())
      line['report'] = json.loads(gzip.decompress(base64.b64decode(line.pop('body'))))
      print(json.dumps(line))
      """;

  @Test
  void dailyReportsGoByMailAndHttpsWithTheRightCounts() throws Exception {
    String acme = petrel.apiKey("acme");
    String other = petrel.apiKey("other");
    List<String[]> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) sent.add(new String[] {acme, send(acme, "a" + i + "@tls.test")});
    sent.add(new String[] {other, send(other, "b@tls.test")});
    for (int i = 0; i < 2; i++) sent.add(new String[] {acme, send(acme, "c" + i + "@broken.test")});
    for (String[] s : sent) awaitDelivered(s[0], s[1]);

    // Postfix's own count of the sessions: 4 set up with tls.test, 2 failed with broken.test
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    await().atMost(GUARD).until(() -> count(tls.log(), "TLS connection established from") == 4);
    assertThat(count(broken.log(), "TLS connection established from")).isZero();

    // the counts reach the store (the recorder writes in the background)
    await()
        .atMost(GUARD)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              Exec.Result r = cli("tls-reports", "list", "--json");
              return r.exit() == 0
                  && r.out().contains("\"policy_domain\":\"tls.test\",\"successful_sessions\":4")
                  && r.out()
                      .contains(
                          "\"policy_domain\":\"broken.test\",\"successful_sessions\":0,\"failed_sessions\":2");
            });

    Exec.Result send =
        cli(
            "tls-reports",
            "send",
            "--day",
            today,
            "--json",
            "--hostname",
            RunningPetrel.HOSTNAME,
            "--dns-server",
            "127.0.0.1:" + dns.port,
            "--webhook-allow-networks",
            "127.0.0.0/8",
            "--tls-report-organization",
            "Petrel Test Mail");
    assertThat(send.exit()).as(send.all()).isZero();
    assertThat(send.out())
        .contains("\"policy_domain\":\"tls.test\"")
        .contains("posted (201)")
        .contains("\"policy_domain\":\"broken.test\"");

    // two report mails reach reports.test through Petrel's queue
    await().atMost(GUARD).until(() -> reports.messages().size() == 2);
    List<JsonNode> mails = new ArrayList<>();
    int n = 0;
    for (String m : reports.messages()) {
      Path file = dir.resolve("report-" + n++ + ".eml");
      Files.writeString(file, m);
      Exec.Result read = Python.run(READ_MAIL, file.toString());
      assertThat(read.exit()).as(read.all()).isZero();
      mails.add(JSON.readTree(read.out()));
    }
    JsonNode tlsMail =
        mails.stream().filter(m -> m.get("domain").asString().equals("tls.test")).findFirst().get();
    JsonNode brokenMail =
        mails.stream()
            .filter(m -> m.get("domain").asString().equals("broken.test"))
            .findFirst()
            .get();
    String id = today + "_tls.test@" + RunningPetrel.HOSTNAME;
    assertThat(tlsMail.get("subject").asString())
        .isEqualTo(
            "Report Domain: tls.test Submitter: "
                + RunningPetrel.HOSTNAME
                + " Report-ID: <"
                + id
                + ">");
    assertThat(tlsMail.get("submitter").asString()).isEqualTo(RunningPetrel.HOSTNAME);
    assertThat(tlsMail.get("type").asString()).isEqualTo("multipart/report");
    assertThat(tlsMail.get("report_type").asString()).isEqualTo("tlsrpt");
    assertThat(tlsMail.get("attachments").asInt()).isEqualTo(1);
    assertThat(tlsMail.get("filename").asString())
        .matches(Pattern.quote(RunningPetrel.HOSTNAME + "!tls.test!") + "\\d+!\\d+\\.json\\.gz");

    JsonNode ok = tlsMail.get("report");
    assertThat(ok.get("organization-name").asString()).isEqualTo("Petrel Test Mail");
    assertThat(ok.get("contact-info").asString()).isEqualTo("postmaster@" + RunningPetrel.HOSTNAME);
    assertThat(ok.get("report-id").asString()).isEqualTo(id);
    assertThat(ok.at("/date-range/start-datetime").asString()).isEqualTo(today + "T00:00:00Z");
    assertThat(ok.get("policies").size()).isEqualTo(1);
    assertThat(ok.at("/policies/0/policy/policy-type").asString()).isEqualTo("no-policy-found");
    assertThat(ok.at("/policies/0/policy/policy-domain").asString()).isEqualTo("tls.test");
    assertThat(ok.at("/policies/0/summary/total-successful-session-count").asInt()).isEqualTo(4);
    assertThat(ok.at("/policies/0/summary/total-failure-session-count").asInt()).isZero();

    JsonNode failed = brokenMail.get("report");
    assertThat(failed.at("/policies/0/summary/total-successful-session-count").asInt()).isZero();
    assertThat(failed.at("/policies/0/summary/total-failure-session-count").asInt()).isEqualTo(2);
    JsonNode detail = failed.at("/policies/0/failure-details/0");
    assertThat(detail.get("result-type").asString()).isEqualTo("validation-failure");
    assertThat(detail.get("failed-session-count").asInt()).isEqualTo(2);
    assertThat(detail.get("receiving-ip").asString()).isEqualTo("127.0.0.1");
    assertThat(detail.get("sending-mta-ip").asString()).isEqualTo("127.0.0.1");
    assertThat(detail.get("receiving-mx-hostname").asString()).isEqualTo("127.0.0.1");

    // the same report of tls.test was POSTed, compressed, as application/tlsrpt+gzip
    Exec.Result post = Python.run(READ_POST, posted.toString());
    assertThat(post.exit()).as(post.all()).isZero();
    JsonNode p = JSON.readTree(post.out());
    assertThat(p.get("path").asString()).isEqualTo("/v1/tlsrpt");
    assertThat(p.get("content_type").asString()).isEqualTo("application/tlsrpt+gzip");
    assertThat(p.get("report")).isEqualTo(ok);

    // sent once: a second send sends nothing more
    Exec.Result again =
        cli(
            "tls-reports",
            "send",
            "--day",
            today,
            "--hostname",
            RunningPetrel.HOSTNAME,
            "--dns-server",
            "127.0.0.1:" + dns.port,
            "--webhook-allow-networks",
            "127.0.0.0/8");
    assertThat(again.exit()).as(again.all()).isZero();
    assertThat(count(again.out(), "sent before")).isEqualTo(2);
    assertThat(Files.readAllLines(posted)).hasSize(1);

    // the operator sees every report
    Exec.Result show = cli("tls-reports", "show", id, "--json");
    assertThat(show.exit()).as(show.all()).isZero();
    JsonNode shown = JSON.readTree(show.out());
    assertThat(shown.get("report")).isEqualTo(ok);
    assertThat(shown.get("outcome").asString()).contains("queued as").contains("posted (201)");
    Exec.Result missing = cli("tls-reports", "show", "nothing-like-this");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("no TLS report with id 'nothing-like-this'");

    // each account sees its own sessions only
    JsonNode mine = http.curl("GET", "/api/v1/tls-reports", acme, null).json();
    assertThat(mine.get("days").size()).isEqualTo(2);
    for (JsonNode d : mine.get("days")) {
      assertThat(d.get("day").asString()).isEqualTo(today);
      assertThat(d.get("reported").asBoolean()).isTrue();
      if (d.get("policy_domain").asString().equals("tls.test")) {
        assertThat(d.get("successful_sessions").asInt()).isEqualTo(3);
        assertThat(d.get("failed_sessions").asInt()).isZero();
      } else {
        assertThat(d.get("policy_domain").asString()).isEqualTo("broken.test");
        assertThat(d.get("failed_sessions").asInt()).isEqualTo(2);
        assertThat(d.at("/failures/0/result_type").asString()).isEqualTo("validation-failure");
      }
    }
    JsonNode theirs = http.curl("GET", "/api/v1/tls-reports", other, null).json();
    assertThat(theirs.get("days").size()).isEqualTo(1);
    assertThat(theirs.at("/days/0/policy_domain").asString()).isEqualTo("tls.test");
    assertThat(theirs.at("/days/0/successful_sessions").asInt()).isEqualTo(1);
    Http.Answer bad = http.curl("GET", "/api/v1/tls-reports?from=yesterday", acme, null);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("from must be a day (YYYY-MM-DD, UTC)");
  }
}
