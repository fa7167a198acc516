package dev.petrel.accept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.accept.TlsMaterial.TlsSetupException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {

  @TempDir Path dir;

  private static final InstantSource NOW =
      InstantSource.fixed(Instant.parse("2030-01-01T00:00:00Z"));

  @Test
  void selfSignedCertificateIsGeneratedOnceAndKept() throws Exception {
    TlsMaterial first = TlsMaterial.selfSigned(dir.resolve("tls"), "mx.example.org", NOW);
    assertThat(first.certificate().getSubjectX500Principal().getName())
        .isEqualTo("CN=mx.example.org");
    assertThat(Files.getPosixFilePermissions(dir.resolve("tls/key.pem")))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    TlsMaterial again = TlsMaterial.selfSigned(dir.resolve("tls"), "mx.example.org", NOW);
    assertThat(again.certificate()).isEqualTo(first.certificate());
  }

  @Test
  void selfSignedCertificateIsRenewedForAnotherNameOrNearExpiry() throws Exception {
    TlsMaterial first = TlsMaterial.selfSigned(dir, "a.example", NOW);
    TlsMaterial renamed = TlsMaterial.selfSigned(dir, "b.example", NOW);
    assertThat(renamed.certificate()).isNotEqualTo(first.certificate());
    InstantSource later =
        InstantSource.fixed(
            renamed.certificate().getNotAfter().toInstant().minus(Duration.ofDays(1)));
    TlsMaterial renewed = TlsMaterial.selfSigned(dir, "b.example", later);
    assertThat(renewed.certificate()).isNotEqualTo(renamed.certificate());
  }

  @Test
  void damagedSelfSignedPairIsMadeAgain() throws Exception {
    TlsMaterial.selfSigned(dir, "a.example", NOW);
    Files.writeString(dir.resolve("key.pem"), "garbage");
    TlsMaterial again = TlsMaterial.selfSigned(dir, "a.example", NOW);
    assertThat(again.certificate()).isNotNull();
  }

  @Test
  void operatorPemFilesAreLoaded() throws Exception {
    Path gen = dir.resolve("gen");
    TlsMaterial made = TlsMaterial.selfSigned(gen, "mail.example.com", InstantSource.system());
    TlsMaterial loaded = TlsMaterial.load(gen.resolve("cert.pem"), gen.resolve("key.pem"));
    assertThat(loaded.certificate()).isEqualTo(made.certificate());
  }

  @Test
  void keyOfAnotherCertificateIsRefused() throws Exception {
    TlsMaterial.selfSigned(dir.resolve("a"), "a.example", NOW);
    TlsMaterial.selfSigned(dir.resolve("b"), "b.example", NOW);
    assertThatThrownBy(() -> TlsMaterial.load(dir.resolve("a/cert.pem"), dir.resolve("b/key.pem")))
        .isInstanceOf(TlsSetupException.class)
        .hasMessageContaining("does not belong to the certificate");
  }

  @Test
  void missingOrWrongFilesAreNamed() throws Exception {
    TlsMaterial.selfSigned(dir, "a.example", NOW);
    assertThatThrownBy(() -> TlsMaterial.load(dir.resolve("nope.pem"), dir.resolve("key.pem")))
        .hasMessageContaining("nope.pem")
        .hasMessageContaining("--tls-cert");
    assertThatThrownBy(() -> TlsMaterial.load(dir.resolve("cert.pem"), dir.resolve("cert.pem")))
        .hasMessageContaining("no private key")
        .hasMessageContaining("--tls-key");
    assertThatThrownBy(() -> TlsMaterial.load(dir.resolve("key.pem"), dir.resolve("key.pem")))
        .hasMessageContaining("--tls-cert");
  }

  @Test
  void handshakeNegotiatesModernTlsAndRefusesOldVersions() throws Exception {
    TlsMaterial tls = TlsMaterial.selfSigned(dir, "localhost", InstantSource.system());
    try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      assertThat(handshake(tls, ss, null)).isEqualTo("TLSv1.3");
      assertThat(handshake(tls, ss, "TLSv1.2")).isEqualTo("TLSv1.2");
      assertThatThrownBy(() -> handshake(tls, ss, "TLSv1.1")).isInstanceOf(IOException.class);
    }
  }

  private static String handshake(TlsMaterial tls, ServerSocket ss, String clientProtocol)
      throws Exception {
    CompletableFuture<Void> server =
        CompletableFuture.runAsync(
            () -> {
              try (Socket s = ss.accept();
                  SSLSocket ssl = tls.serverSocket(s)) {
                ssl.setSoTimeout(10_000);
                ssl.startHandshake();
                ssl.getOutputStream().write('x');
                ssl.getOutputStream().flush();
              } catch (IOException ignored) {
                // the client sees the failure
              }
            });
    try (SSLSocket c =
        (SSLSocket)
            TrustAllTls.context()
                .getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
      c.setSoTimeout(10_000);
      if (clientProtocol != null) c.setEnabledProtocols(new String[] {clientProtocol});
      c.startHandshake();
      assertThat(c.getInputStream().read()).isEqualTo('x');
      return c.getSession().getProtocol();
    } finally {
      server.join();
    }
  }
}
