package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.app.ConfigKey;
import dev.petrel.model.RecipientState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real {@code serve} with {@code --dnssec-resolver}, routing through MX records: zones signed at
 * test time (NSD behind a validating Unbound) point at a private Postfix smtpd on port 25 of a
 * loopback address of its own, offering STARTTLS with a certificate openssl made. The TLSA records
 * at {@code _25._tcp.MX} decide: a DANE-EE or DANE-TA match delivers, and the attempt says it was
 * verified; a mismatch defers with the reason and nothing reaches Postfix; an unsigned zone's TLSA
 * records are not used.
 */
class DaneDecidesTlsToAPostfixMx {

  private static final Duration GUARD = Duration.ofSeconds(90);

  @TempDir static Path dir;
  static SignedDns dns;
  static PostfixInstance postfix;
  static RunningPetrel petrel;
  static String mxAddress;

  @BeforeAll
  static void start() throws Exception {
    // MX routing always uses port 25: Postfix gets it on a loopback address no one else uses.
    ThreadLocalRandom r = ThreadLocalRandom.current();
    mxAddress = "127." + r.nextInt(30, 250) + "." + r.nextInt(1, 250) + "." + r.nextInt(1, 250);
    OpensslCertificates certs = OpensslCertificates.in(dir);
    OpensslCertificates.Pem ca = certs.ca("Petrel DANE Test CA");
    OpensslCertificates.Pem server =
        certs.issued(ca, "mx-ee.dane.test", "mx-bad.dane.test", "mx-ta.dane.test", "mx.plain.test");
    OpensslCertificates.Pem stranger = certs.selfSigned("mx-bad.dane.test");
    postfix = PostfixInstance.configure(dir, "mx", "mx-ee.dane.test", mxAddress, 25);
    postfix
        .set("smtpd_tls_security_level", "may")
        .set("smtpd_tls_chain_files", certs.bundle(server, ca).toString())
        .set(
            "smtpd_recipient_restrictions",
            "check_client_access static:HOLD, permit_mynetworks, reject_unauth_destination")
        .start();
    dns =
        SignedDns.in(dir)
            .signed(
                "dane.test",
                "ee MX 10 mx-ee",
                "mx-ee A " + mxAddress,
                "_25._tcp.mx-ee TLSA " + certs.tlsa(3, 1, 1, server),
                "bad MX 10 mx-bad",
                "mx-bad A " + mxAddress,
                "_25._tcp.mx-bad TLSA " + certs.tlsa(3, 1, 1, stranger),
                "ta MX 10 mx-ta",
                "mx-ta A " + mxAddress,
                "_25._tcp.mx-ta TLSA " + certs.tlsa(2, 1, 1, ca))
            .unsigned(
                "plain.test",
                "@ MX 10 mx",
                "mx A " + mxAddress,
                "_25._tcp.mx TLSA " + certs.tlsa(3, 1, 1, stranger))
            .start();
    petrel =
        RunningPetrel.start(
            dir.resolve("petrel"),
            Map.of(
                ConfigKey.PAUSED,
                "false",
                ConfigKey.DNS_SERVER,
                dns.resolver(),
                ConfigKey.DNSSEC_RESOLVER,
                dns.resolver(),
                ConfigKey.DELIVER_ALLOW_NETWORKS,
                "127.0.0.0/8"));
  }

  @AfterAll
  static void stop() throws Exception {
    Peers.closeAll(petrel, dns, postfix);
  }

  @Test
  void daneEeMatchIsDeliveredAndVerified() throws Exception {
    JsonNode a = deliveredAttempt("ok@ee.dane.test");
    assertThat(a.get("tls").asString()).startsWith("TLSv1.");
    assertThat(a.get("tls_verified").asString()).isEqualTo("dane");
    assertThat(a.get("tls_policy").asString()).isEqualTo("dane (1 TLSA record)");
    assertThat(a.get("mx").asString()).isEqualTo("mx-ee.dane.test");
    assertThat(a.get("ip").asString()).isEqualTo(mxAddress);
  }

  @Test
  void daneTaMatchWithTheTestCaIsDeliveredAndVerified() throws Exception {
    JsonNode a = deliveredAttempt("ok@ta.dane.test");
    assertThat(a.get("tls_verified").asString()).isEqualTo("dane");
  }

  @Test
  void mismatchIsDeferredExplainedAndNeverSentInClear() throws Exception {
    String id = submit("ok@bad.dane.test");
    petrel.awaitState(id, "ok@bad.dane.test", RecipientState.DEFERRED, GUARD);
    JsonNode a =
        RunningPetrel.recipient(petrel.show(id), "ok@bad.dane.test").get("attempts").get(0);
    assertThat(a.get("enhanced").asString()).isEqualTo("4.7.5");
    assertThat(a.get("phase").asString()).isEqualTo("starttls");
    assertThat(a.get("reason").asString()).isEqualTo("failedstarttls");
    assertThat(a.get("text").asString())
        .contains("DANE: the certificate of mx-bad.dane.test[" + mxAddress + "]")
        .contains("does not match the TLSA records at _25._tcp.mx-bad.dane.test")
        .contains("not sent");
    assertThat(postfix.queue())
        .as("Postfix received nothing for it")
        .noneSatisfy(q -> assertThat(q.recipients()).contains("ok@bad.dane.test"));
    assertThat(postfix.log()).doesNotContain("ok@bad.dane.test");
  }

  @Test
  void unsignedZoneIsNotDane() throws Exception {
    // Its TLSA record names another key; without DNSSEC it is not used, and TLS stays
    // opportunistic.
    JsonNode a = deliveredAttempt("ok@plain.test");
    assertThat(a.get("tls").asString()).startsWith("TLSv1.");
    assertThat(a.get("tls_verified").asString()).isEqualTo("none");
    assertThat(a.get("tls_policy").asString()).isEqualTo("opportunistic");
  }

  private JsonNode deliveredAttempt(String address) throws Exception {
    String id = submit(address);
    petrel.awaitState(id, address, RecipientState.DELIVERED, GUARD);
    assertThat(postfix.queue())
        .as(postfix.log())
        .anySatisfy(q -> assertThat(q.recipients()).contains(address));
    JsonNode attempts = RunningPetrel.recipient(petrel.show(id), address).get("attempts");
    return attempts.get(attempts.size() - 1);
  }

  private String submit(String to) {
    Swaks.Run run =
        Swaks.run(
            petrel.port(),
            "--from",
            "app@src.test",
            "--to",
            to,
            "--header",
            "Message-ID: <" + UUID.randomUUID() + "@src.test>");
    String id = run.queuedId();
    assertThat(id).as(run.transcript()).isNotNull();
    return id;
  }
}
