package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.deliver.Dnsmasq;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * MTA-STS (RFC 8461) through a real {@code petrel serve} process, with nothing of the test inside
 * it: the policy is fetched from port 443 as from any sender (RFC 8461 §3.3), and mail goes to port
 * 25 of the MX. Each peer has a loopback address of its own: a Python HTTPS server serves the
 * policy files on 443, Postfix's smtpd listens on 25 with STARTTLS and a certificate for {@code
 * mx.good.test} only, and dnsmasq answers the {@code _mta-sts} TXT records, the {@code mta-sts.}
 * host names, the MX records and the MX host names. The CA openssl made for the test is trusted
 * through {@code --tls-ca-file}; curl reads each attempt back from the API.
 *
 * <ul>
 *   <li>good.test (enforce, the certificate names its MX): delivered, verified against MTA-STS;
 *   <li>wrongname.test (enforce, its MX shows the certificate of another name): deferred with 4.7.5
 *       and the reason, and Postfix receives nothing.
 * </ul>
 */
class ServeFollowsMtaSts {

  private static final Duration GUARD = Duration.ofSeconds(90);

  @TempDir static Path dir;
  static PostfixInstance postfix;
  static Python.Server https;
  static Dnsmasq dns;
  static PetrelProcess petrel;
  static Http http;
  static String key;
  static String mxAddress;
  static String webAddress;

  @BeforeAll
  static void start() throws Exception {
    // MX routing uses port 25 and policy fetches port 443: each server gets a loopback address
    // no one else uses.
    ThreadLocalRandom r = ThreadLocalRandom.current();
    int b = r.nextInt(30, 250);
    int c = r.nextInt(1, 250);
    mxAddress = "127." + b + "." + c + "." + r.nextInt(1, 125);
    webAddress = "127." + b + "." + c + "." + r.nextInt(125, 250);
    OpensslCertificates certs = OpensslCertificates.in(dir);
    OpensslCertificates.Pem ca = certs.ca("Petrel MTA-STS serve test CA");
    OpensslCertificates.Pem mx = certs.issued(ca, "mx.good.test");
    OpensslCertificates.Pem web = certs.issued(ca, "mta-sts.good.test", "mta-sts.wrongname.test");

    postfix = PostfixInstance.configure(dir, "mx", "mx.good.test", mxAddress, 25);
    postfix
        .set("smtpd_tls_security_level", "may")
        .set("smtpd_tls_chain_files", certs.bundle(mx, ca).toString())
        // HOLD keeps every accepted message in the queue, where the test looks for it.
        .set(
            "smtpd_recipient_restrictions",
            "check_client_access static:HOLD, permit_mynetworks, reject_unauth_destination")
        .start();

    Path policies = Files.createDirectories(dir.resolve("policies"));
    policy(policies, "good.test", "mx.good.test");
    policy(policies, "wrongname.test", "mx.wrongname.test");
    https =
        Python.serve(
            dir,
            "/peers/mta_sts_server.py",
            web.cert().toString(),
            web.key().toString(),
            policies.toString(),
            webAddress,
            "443");

    List<String> records = new ArrayList<>();
    for (String d : List.of("good", "wrongname")) {
      records.add("--txt-record=_mta-sts." + d + ".test,v=STSv1; id=" + d + "1;");
      records.add("--host-record=mta-sts." + d + ".test," + webAddress);
      records.add("--mx-host=" + d + ".test,mx." + d + ".test,10");
      records.add("--host-record=mx." + d + ".test," + mxAddress);
    }
    dns = Dnsmasq.start(dir, records);

    petrel =
        PetrelProcess.serveDelivering(
            List.of("-Xmx256m"),
            dir.resolve("data"),
            dir.resolve("petrel.log"),
            "--dns-server",
            "127.0.0.1:" + dns.port,
            // dnsmasq's names point at loopback, where the test's servers listen
            "--deliver-allow-networks",
            "127.0.0.0/8",
            "--tls-ca-file",
            ca.cert().toString());
    await().atMost(GUARD).until(() -> petrel.httpPort() > 0 && petrel.firstKey() != null);
    http = new Http(petrel.httpPort());
    key = petrel.firstKey();
  }

  @AfterAll
  static void stop() throws Exception {
    Peers.closeAll(petrel, dns, https, postfix);
  }

  @Test
  void enforcedPolicyWithTheMxsCertificateDeliversVerified() throws Exception {
    JsonNode recipient = awaitRecipient(send("ok@good.test"), "delivered");
    JsonNode a = last(recipient.get("attempts"));
    assertThat(a.get("code").asInt()).isEqualTo(250);
    assertThat(a.get("mx").asString()).isEqualTo("mx.good.test");
    assertThat(a.get("ip").asString()).isEqualTo(mxAddress);
    assertThat(a.get("tls").asString()).startsWith("TLSv1.");
    assertThat(a.get("tls_verified").asString()).isEqualTo("mta-sts");
    assertThat(a.get("tls_policy").asString()).isEqualTo("mta-sts enforce id=good1");
    assertThat(a.get("tls_problem").isNull()).isTrue();
    assertThat(postfix.queue())
        .as(postfix.log())
        .anySatisfy(q -> assertThat(q.recipients()).contains("ok@good.test"));
    // The policy came from the HTTPS server on port 443 of its address, asked for by name.
    assertThat(https.printed()).contains("mta-sts.good.test", "GET /.well-known/mta-sts.txt");
  }

  @Test
  void enforcedPolicyWithAnotherNamesCertificateDefersAndSendsNothing() throws Exception {
    JsonNode recipient = awaitRecipient(send("ok@wrongname.test"), "deferred");
    JsonNode a = recipient.get("attempts").get(0);
    assertThat(a.get("code").isNull()).isTrue();
    assertThat(a.get("enhanced").asString()).isEqualTo("4.7.5");
    assertThat(a.get("phase").asString()).isEqualTo("starttls");
    assertThat(a.get("reason").asString()).isEqualTo("securityerror");
    assertThat(a.get("mx").asString()).isEqualTo("mx.wrongname.test");
    assertThat(a.get("text").asString())
        .contains("mx.wrongname.test")
        .contains("certificate-host-mismatch")
        .contains("mta-sts enforce id=wrongname1");
    assertThat(a.get("tls_verified").asString()).isEqualTo("none");
    assertThat(a.get("tls_policy").asString()).isEqualTo("mta-sts enforce id=wrongname1");
    assertThat(a.get("tls_problem").asString())
        .startsWith("certificate-host-mismatch: the certificate is for");
    assertThat(a.get("explanation").get("meaning").asString()).isNotBlank();
    assertThat(postfix.queue())
        .as("Postfix received nothing for it")
        .noneSatisfy(q -> assertThat(q.recipients()).contains("ok@wrongname.test"));
    assertThat(postfix.log()).doesNotContain("ok@wrongname.test");
    assertThat(https.printed()).contains("mta-sts.wrongname.test");
  }

  /** Sends one message to {@code to} through the API; returns its id. */
  private static String send(String to) {
    Http.Answer sent =
        http.curl(
            "POST",
            "/api/v1/messages",
            key,
            "{\"from\": \"app@src.test\", \"to\": [\""
                + to
                + "\"], \"subject\": \"STS\","
                + " \"text\": \"hello\"}",
            "Content-Type: application/json");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    return sent.json().get("id").asString();
  }

  /** Waits until the message's only recipient is in {@code state} with an attempt; returns it. */
  private static JsonNode awaitRecipient(String id, String state) {
    JsonNode[] out = new JsonNode[1];
    await()
        .atMost(GUARD)
        .pollInterval(Duration.ofMillis(200))
        .failFast("petrel died", () -> !petrel.process().isAlive())
        .until(
            () -> {
              JsonNode rc =
                  http.curl("GET", "/api/v1/messages/" + id, key, null)
                      .json()
                      .get("recipients")
                      .get(0);
              out[0] = rc;
              return rc.get("state").asString().equals(state) && !rc.get("attempts").isEmpty();
            });
    return out[0];
  }

  private static JsonNode last(JsonNode array) {
    return array.get(array.size() - 1);
  }

  private static void policy(Path dir, String domain, String mx) throws Exception {
    Files.writeString(
        dir.resolve("mta-sts." + domain + ".txt"),
        "version: STSv1\r\nmode: enforce\r\nmx: " + mx + "\r\nmax_age: 86400\r\n");
  }
}
