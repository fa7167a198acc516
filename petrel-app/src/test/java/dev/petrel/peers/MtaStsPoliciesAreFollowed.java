package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.StoredMtaStsPolicies;
import dev.petrel.deliver.ClientConfig;
import dev.petrel.deliver.Deliverer;
import dev.petrel.deliver.DeliveryConfig;
import dev.petrel.deliver.DeliveryObserver;
import dev.petrel.deliver.Dnsmasq;
import dev.petrel.deliver.RoutingConfig;
import dev.petrel.deliver.TlsChecks;
import dev.petrel.deliver.TlsPolicy;
import dev.petrel.deliver.TlsSessionResult;
import dev.petrel.deliver.TlsTrust;
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
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MTA-STS (RFC 8461) end to end with real peers: dnsmasq publishes the MX and {@code _mta-sts} TXT
 * records, a Python HTTPS server serves the policy files, Postfix's smtpd is the MX with STARTTLS
 * and a certificate of a CA made by openssl for this test (trusted through the CA file setting),
 * and a server without STARTTLS stands in for a misconfigured MX. The whole delivery loop runs:
 * store, scheduler, deliverer.
 *
 * <ul>
 *   <li>good.test (enforce, certificate for its MX): delivered, verified against mta-sts;
 *   <li>wrongname.test (enforce, certificate for another name): deferred with 4.7.5 after the
 *       handshake, nothing sent;
 *   <li>plain.test (enforce, MX without STARTTLS): deferred with 4.7.4, no mail command sent;
 *   <li>testing.test (testing, certificate for another name): delivered, the failure recorded;
 *   <li>nomatch.test (enforce, first MX not in the policy): that MX is not used, the listed one
 *       delivers;
 *   <li>override.test (enforce, wrong name, but the operator's policy says opportunistic):
 *       delivered.
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class MtaStsPoliciesAreFollowed {

  @TempDir static Path dir;

  private PostfixInstance postfix;
  private SimulatorServer plainMx;
  private Dnsmasq dns;
  private Python.Server https;
  private SqliteMessageStore store;
  private Deliverer deliverer;
  private DeliveryScheduler scheduler;
  private final List<TlsSessionResult> sessions = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() throws Exception {
    postfix = PostfixInstance.configure(dir, "mx", "mx.good.test");
    Path tls = Files.createDirectories(dir.resolve("tls"));
    Path ca = certificates(tls);
    postfix
        .set("smtpd_tls_security_level", "may")
        .set("smtpd_tls_cert_file", tls.resolve("mx.pem").toString())
        .set("smtpd_tls_key_file", tls.resolve("mx.key").toString())
        // HOLD keeps every accepted message in the queue, where the test looks for it.
        .set(
            "smtpd_recipient_restrictions",
            "check_client_access static:HOLD, permit_mynetworks, reject_unauth_destination")
        .start();
    // The MX without STARTTLS listens on another loopback address, on the same port.
    plainMx = new SimulatorServer(SimulatorOptions.DEFAULTS);
    plainMx.start(InetAddress.getByName("127.0.0.2"), postfix.port());

    Path policies = Files.createDirectories(dir.resolve("policies"));
    policy(policies, "good.test", "enforce", "mx.good.test");
    policy(policies, "wrongname.test", "enforce", "mx.wrongname.test");
    policy(policies, "plain.test", "enforce", "mx.plain.test");
    policy(policies, "testing.test", "testing", "mx.testing.test");
    policy(policies, "nomatch.test", "enforce", "mx.good.test");
    policy(policies, "override.test", "enforce", "mx.override.test");
    https =
        Python.serve(
            dir,
            "/peers/mta_sts_server.py",
            tls.resolve("web.pem").toString(),
            tls.resolve("web.key").toString(),
            policies.toString());

    List<String> records = new ArrayList<>();
    for (String d : List.of("good", "wrongname", "plain", "testing", "nomatch", "override")) {
      records.add("--txt-record=_mta-sts." + d + ".test,v=STSv1; id=" + d + "1;");
      records.add("--host-record=mta-sts." + d + ".test,127.0.0.1");
    }
    records.add("--mx-host=good.test,mx.good.test,10");
    records.add("--mx-host=wrongname.test,mx.wrongname.test,10");
    records.add("--mx-host=plain.test,mx.plain.test,10");
    records.add("--mx-host=testing.test,mx.testing.test,10");
    records.add("--mx-host=nomatch.test,mx1.nomatch.test,10");
    records.add("--mx-host=nomatch.test,mx.good.test,20");
    records.add("--mx-host=override.test,mx.override.test,10");
    records.add("--host-record=mx.override.test,127.0.0.1");
    records.add("--host-record=mx.good.test,127.0.0.1");
    records.add("--host-record=mx.wrongname.test,127.0.0.1");
    records.add("--host-record=mx.testing.test,127.0.0.1");
    records.add("--host-record=mx1.nomatch.test,127.0.0.1");
    records.add("--host-record=mx.plain.test,127.0.0.2");
    dns = Dnsmasq.start(dir, records);

    InstantSource clock = InstantSource.system();
    store = SqliteMessageStore.open(dir.resolve("data"), SqliteStoreOptions.defaults(), clock);
    DeliveryConfig config =
        DeliveryConfig.defaults("petrel.test")
            .withClient(
                ClientConfig.defaults("petrel.test")
                    // the operator's policy for a domain wins over the one it publishes
                    .withTlsPolicies(java.util.Map.of("override.test", TlsPolicy.OPPORTUNISTIC))
                    .withTlsChecks(
                        TlsChecks.defaults()
                            .withTrust(TlsTrust.withCaFile(ca))
                            .withMtaStsPort(https.port())))
            .withRouting(
                RoutingConfig.DEFAULTS
                    .withDnsServer(dns.server())
                    .withDnsTimeout(Duration.ofSeconds(2))
                    .withIpv6(false)
                    .withMxPort(postfix.port())
                    // dnsmasq's names point at loopback, where the test's servers listen
                    .withOutbound(OutboundPolicy.parse("127.0.0.0/8")));
    deliverer =
        Deliverer.create(
            config,
            StatusEngine.standard(),
            clock,
            new DeliveryObserver() {
              @Override
              public void tlsSession(TlsSessionResult result) {
                sessions.add(result);
              }
            });
    deliverer.keepPoliciesIn(new StoredMtaStsPolicies(store));
    scheduler =
        new DeliveryScheduler(
            store,
            deliverer,
            new RetrySchedule(RetrySchedule.Policy.defaults(), clock, RandomGenerator.getDefault()),
            new DsnWriter("petrel.test", clock),
            clock,
            DeliveryScheduler.Settings.DEFAULTS);
    scheduler.start();
  }

  @AfterAll
  void stop() throws Exception {
    if (scheduler != null) scheduler.close();
    if (deliverer != null) deliverer.close();
    if (store != null) store.close();
    if (https != null) https.close();
    if (dns != null) dns.close();
    if (plainMx != null) plainMx.close();
    if (postfix != null) postfix.close();
  }

  @Test
  void enforcedPolicyWithAGoodCertificateDelivers() throws Exception {
    List<AttemptRecord> attempts = deliver("ok@good.test", 1);
    AttemptRecord a = attempts.getLast();
    assertThat(a.code()).isEqualTo(250);
    assertThat(a.mx()).isEqualTo("mx.good.test");
    assertThat(a.tls()).startsWith("TLSv1.");
    assertThat(a.tlsVerified()).isEqualTo("mta-sts");
    assertThat(a.tlsPolicy()).isEqualTo("mta-sts enforce id=good1");
    assertThat(a.tlsProblem()).isNull();
    assertThat(queuedFor("ok@good.test")).isTrue();
    assertThat(sessions)
        .anySatisfy(
            s -> {
              assertThat(s.policyDomain()).isEqualTo("good.test");
              assertThat(s.policyType()).isEqualTo(TlsSessionResult.PolicyType.STS);
              assertThat(s.successful()).isTrue();
              assertThat(s.policyStrings()).contains("mode: enforce", "mx: mx.good.test");
            });
    // The policy is kept in the store for its max_age (RFC 8461 §5.1).
    assertThat(store.keptPolicy("good.test"))
        .hasValueSatisfying(
            k -> {
              assertThat(k.id()).isEqualTo("good1");
              assertThat(k.policy()).contains("mx: mx.good.test");
              assertThat(k.expires()).isAfter(k.fetched());
            });
  }

  @Test
  void enforcedPolicyWithAWrongNameDefersAndSendsNothing() throws Exception {
    AttemptRecord a = deliver("ok@wrongname.test", 1).getLast();
    assertThat(a.code()).isNull();
    assertThat(a.enhanced()).isEqualTo("4.7.5");
    assertThat(a.phase()).isEqualTo("starttls");
    assertThat(a.reason()).isEqualTo("securityerror");
    assertThat(a.text())
        .contains("mx.wrongname.test")
        .contains("certificate-host-mismatch")
        .contains("mta-sts enforce id=wrongname1");
    assertThat(a.tlsPolicy()).isEqualTo("mta-sts enforce id=wrongname1");
    assertThat(a.tlsProblem()).startsWith("certificate-host-mismatch: the certificate is for");
    assertThat(queuedFor("ok@wrongname.test")).isFalse();
    assertThat(postfix.log()).doesNotContain("to=<ok@wrongname.test>");
    assertSessionFailed("wrongname.test", TlsSessionResult.Failure.CERTIFICATE_HOST_MISMATCH);
  }

  @Test
  void enforcedPolicyWithoutStartTlsDefersWithoutPlainText() throws Exception {
    AttemptRecord a = deliver("ok@plain.test", 1).getLast();
    assertThat(a.enhanced()).isEqualTo("4.7.4");
    assertThat(a.reason()).isEqualTo("failedstarttls");
    assertThat(a.text()).contains("does not offer STARTTLS").contains("nothing went in plain text");
    assertThat(a.tlsProblem()).startsWith("starttls-not-supported");
    assertThat(plainMx.received()).isEmpty();
    assertThat(plainMx.commands()).noneMatch(c -> c.startsWith("MAIL"));
    assertSessionFailed("plain.test", TlsSessionResult.Failure.STARTTLS_NOT_SUPPORTED);
  }

  @Test
  void testingPolicyDeliversAndRecordsTheFailure() throws Exception {
    AttemptRecord a = deliver("ok@testing.test", 1).getLast();
    assertThat(a.code()).isEqualTo(250);
    assertThat(a.tls()).isNotNull();
    assertThat(a.tlsVerified()).isEqualTo("none");
    assertThat(a.tlsPolicy()).isEqualTo("mta-sts testing id=testing1");
    assertThat(a.tlsProblem()).startsWith("certificate-host-mismatch");
    assertThat(queuedFor("ok@testing.test")).isTrue();
    assertSessionFailed("testing.test", TlsSessionResult.Failure.CERTIFICATE_HOST_MISMATCH);
  }

  @Test
  void mxHostsOutsideThePolicyAreNotUsed() throws Exception {
    List<AttemptRecord> attempts = deliver("ok@nomatch.test", 2);
    AttemptRecord skipped = attempts.getFirst();
    assertThat(skipped.mx()).isEqualTo("mx1.nomatch.test");
    assertThat(skipped.ip()).isNull();
    assertThat(skipped.action()).isEqualTo("next-server");
    assertThat(skipped.text()).contains("is not an MX host of nomatch.test's MTA-STS policy");
    AttemptRecord delivered = attempts.getLast();
    assertThat(delivered.mx()).isEqualTo("mx.good.test");
    assertThat(delivered.code()).isEqualTo(250);
    assertThat(delivered.tlsVerified()).isEqualTo("mta-sts");
    assertThat(queuedFor("ok@nomatch.test")).isTrue();
  }

  @Test
  void theOperatorsPolicyWinsOverThePublishedOne() throws Exception {
    AttemptRecord a = deliver("ok@override.test", 1).getLast();
    assertThat(a.code()).isEqualTo(250);
    assertThat(a.tls()).isNotNull();
    assertThat(a.tlsVerified()).isEqualTo("none");
    assertThat(a.tlsPolicy()).isEqualTo("configured opportunistic");
    assertThat(a.tlsProblem()).isNull();
    assertThat(queuedFor("ok@override.test")).isTrue();
  }

  /** Queues one message and waits until its recipient has {@code count} attempts. */
  private List<AttemptRecord> deliver(String to, int count) throws Exception {
    QueueId id;
    try (Spool spool =
        store.begin(
            new Envelope(
                EmailAddress.parse("s@example.com"),
                List.of(new Recipient(EmailAddress.parse(to), null, null)),
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
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> store.deliveries(id).getFirst().attempts().size() >= count);
    return store.deliveries(id).getFirst().attempts();
  }

  private boolean queuedFor(String recipient) {
    return postfix.queue().stream().anyMatch(q -> q.recipients().contains(recipient));
  }

  private static void policy(Path dir, String domain, String mode, String mx) throws Exception {
    Files.writeString(
        dir.resolve("mta-sts." + domain + ".txt"),
        "version: STSv1\r\nmode: " + mode + "\r\nmx: " + mx + "\r\nmax_age: 86400\r\n");
  }

  /**
   * A CA made by openssl for this test, a certificate for the policy host names and one for {@code
   * mx.good.test} (the name the other domains' MX hosts do not have). Returns the CA file.
   */
  private static Path certificates(Path tls) throws Exception {
    String openssl = Peers.require("openssl");
    run(
        openssl,
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        tls.resolve("ca.key").toString(),
        "-out",
        tls.resolve("ca.pem").toString(),
        "-days",
        "3",
        "-subj",
        "/CN=Petrel MTA-STS test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    leaf(
        openssl,
        tls,
        "web",
        "DNS:mta-sts.good.test,DNS:mta-sts.wrongname.test,DNS:mta-sts.plain.test,"
            + "DNS:mta-sts.testing.test,DNS:mta-sts.nomatch.test,DNS:mta-sts.override.test");
    leaf(openssl, tls, "mx", "DNS:mx.good.test");
    // Postfix's smtpd (user postfix) reads the key at start as root; the web server runs as root.
    return tls.resolve("ca.pem");
  }

  private static void leaf(String openssl, Path tls, String name, String san) throws Exception {
    Path ext =
        Files.writeString(
            tls.resolve(name + ".ext"),
            "subjectAltName="
                + san
                + "\nextendedKeyUsage=serverAuth\n"
                + "keyUsage=critical,digitalSignature\n");
    run(
        openssl,
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        tls.resolve(name + ".key").toString(),
        "-out",
        tls.resolve(name + ".csr").toString(),
        "-subj",
        "/CN=" + name + ".test");
    run(
        openssl,
        "x509",
        "-req",
        "-in",
        tls.resolve(name + ".csr").toString(),
        "-CA",
        tls.resolve("ca.pem").toString(),
        "-CAkey",
        tls.resolve("ca.key").toString(),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        ext.toString(),
        "-out",
        tls.resolve(name + ".pem").toString());
  }

  private static void run(String... command) {
    Exec.Result r = Exec.run(Duration.ofSeconds(60), List.of(command));
    assertThat(r.exit()).as(r.all()).isZero();
  }

  /** A session with {@code domain}'s policy was counted as failed with {@code failure}. */
  private void assertSessionFailed(String domain, TlsSessionResult.Failure failure) {
    assertThat(sessions)
        .anySatisfy(
            s -> {
              assertThat(s.policyDomain()).isEqualTo(domain);
              assertThat(s.failure()).isEqualTo(failure);
            });
  }
}
