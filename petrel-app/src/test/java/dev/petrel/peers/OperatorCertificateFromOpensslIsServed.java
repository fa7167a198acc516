package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.app.ConfigKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * --tls-cert/--tls-key with PEM files as openssl writes them: RSA keys in PKCS#8 and PKCS#1, EC
 * keys in PKCS#8 and SEC1. The certificate served over STARTTLS is the operator's.
 */
class OperatorCertificateFromOpensslIsServed {

  @TempDir Path dir;

  private static void openssl(String... args) {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Peers.require("openssl"));
    cmd.addAll(List.of(args));
    Exec.Result r = Exec.run(Duration.ofSeconds(120), cmd);
    assertThat(r.exit()).as(r.all()).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"rsa-pkcs8", "rsa-pkcs1", "ec-pkcs8", "ec-sec1", "ec-sec1-with-parameters"})
  void pemKeyFormatsAreAccepted(String kind) throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Path out = dir.resolve("key-out.pem");
    List<String> newkey;
    if (kind.startsWith("rsa"))
      newkey = List.of("-newkey", "rsa:2048", "-nodes", "-keyout", key.toString());
    else if (kind.equals("ec-sec1-with-parameters")) {
      // "EC PARAMETERS" then "EC PRIVATE KEY" in one file, as `openssl ecparam -genkey` writes it
      openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", key.toString());
      newkey = List.of("-key", key.toString());
    } else
      newkey =
          List.of(
              "-newkey",
              "ec",
              "-pkeyopt",
              "ec_paramgen_curve:P-256",
              "-nodes",
              "-keyout",
              key.toString());
    List<String> req = new java.util.ArrayList<>(List.of("req", "-x509"));
    req.addAll(newkey);
    req.addAll(List.of("-out", cert.toString(), "-days", "2", "-subj", "/CN=mail.operator.test"));
    openssl(req.toArray(String[]::new));
    Path used = key;
    if (kind.equals("rsa-pkcs1")) {
      openssl("rsa", "-in", key.toString(), "-traditional", "-out", out.toString());
      used = out;
    } else if (kind.equals("ec-sec1")) {
      openssl("ec", "-in", key.toString(), "-out", out.toString());
      used = out;
    }
    try (RunningPetrel petrel =
        RunningPetrel.start(
            dir.resolve("data"),
            Map.of(ConfigKey.TLS_CERT, cert.toString(), ConfigKey.TLS_KEY, used.toString()))) {
      Exec.Result r =
          Exec.run(
              Duration.ofSeconds(120),
              "QUIT\n".getBytes(StandardCharsets.US_ASCII),
              List.of(
                  Peers.require("openssl"),
                  "s_client",
                  "-starttls",
                  "smtp",
                  "-connect",
                  "127.0.0.1:" + petrel.port(),
                  "-crlf",
                  "-ign_eof"));
      assertThat(r.out()).as(r.all()).contains("subject=CN = mail.operator.test");
      assertThat(r.out()).contains("221 2.0.0");
    }
  }
}
