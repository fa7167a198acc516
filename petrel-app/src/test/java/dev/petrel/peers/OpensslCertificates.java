package dev.petrel.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Certificates made by the {@code openssl} program at test time (EC P-256 keys): a test CA, server
 * certificates it signs, self-signed ones, and the TLSA record data of any of them computed by
 * openssl too ({@code x509 -pubkey}, {@code pkey -outform DER}, {@code dgst}), so DANE tests do not
 * compare Petrel's digests with themselves.
 */
public final class OpensslCertificates {

  private static final Duration GUARD = Duration.ofSeconds(60);

  /** A private key and its certificate, as PEM files. */
  public record Pem(Path key, Path cert) {}

  private final Path dir;
  private int serial;

  private OpensslCertificates(Path dir) {
    this.dir = dir;
  }

  public static OpensslCertificates in(Path dir) throws IOException {
    Peers.require("openssl");
    return new OpensslCertificates(Files.createDirectories(dir.resolve("certs")));
  }

  private void openssl(String... args) {
    opensslOut(args);
  }

  private String opensslOut(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Peers.require("openssl"));
    cmd.addAll(List.of(args));
    Exec.Result r = Exec.run(GUARD, cmd);
    if (r.exit() != 0) throw new AssertionError("openssl failed\n" + r.all());
    return r.out();
  }

  private Path next(String what) {
    return dir.resolve((++serial) + "-" + what);
  }

  /** A CA certificate (basicConstraints CA:TRUE, keyCertSign) named {@code CN=name}. */
  public Pem ca(String name) {
    return selfSignedPem(
        "ca", name, "basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign");
  }

  /** A self-signed server certificate for {@code host}. */
  public Pem selfSigned(String host) {
    return selfSignedPem("self", host, "subjectAltName=DNS:" + host);
  }

  /** A new key and a certificate it signs itself, named {@code CN=cn}, with {@code extensions}. */
  /**
   * The start of an {@code openssl req} that makes a new P-256 key, unencrypted, into {@code key}
   * for the subject {@code CN=cn}; the caller adds what the request makes of it.
   */
  private static List<String> newKeyRequest(Path key, String cn) {
    return new ArrayList<>(
        List.of(
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            key.toString(),
            "-subj",
            "/CN=" + cn));
  }

  private Pem selfSignedPem(String what, String cn, String... extensions) {
    Path key = next(what + ".key");
    Path cert = next(what + ".pem");
    List<String> args = newKeyRequest(key, cn);
    args.addAll(List.of("-x509", "-out", cert.toString(), "-days", "30"));
    for (String e : extensions) {
      args.add("-addext");
      args.add(e);
    }
    openssl(args.toArray(String[]::new));
    return new Pem(key, cert);
  }

  /** A server certificate signed by {@code ca}, naming {@code hosts} (subjectAltName). */
  public Pem issued(Pem ca, String... hosts) throws IOException {
    Path key = next("leaf.key");
    Path csr = next("leaf.csr");
    Path cert = next("leaf.pem");
    Path ext = next("leaf.ext");
    List<String> alt = new ArrayList<>();
    for (String h : hosts) alt.add("DNS:" + h);
    Files.writeString(
        ext,
        "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName="
            + String.join(",", alt)
            + "\n");
    List<String> request = newKeyRequest(key, hosts[0]);
    request.addAll(List.of("-new", "-out", csr.toString()));
    openssl(request.toArray(String[]::new));
    openssl(
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        ca.cert().toString(),
        "-CAkey",
        ca.key().toString(),
        "-set_serial",
        String.valueOf(1000 + serial),
        "-days",
        "30",
        "-extfile",
        ext.toString(),
        "-out",
        cert.toString());
    return new Pem(key, cert);
  }

  /**
   * One PEM file with the key, then the certificate, then {@code chain} (for Postfix's {@code
   * smtpd_tls_chain_files}).
   */
  public Path bundle(Pem server, Pem... chain) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append(Files.readString(server.key())).append(Files.readString(server.cert()));
    for (Pem p : chain) b.append(Files.readString(p.cert()));
    return Files.writeString(next("bundle.pem"), b);
  }

  /** The TLSA record {@code USAGE SELECTOR MATCHING HEX} for {@code pem}'s certificate. */
  public String tlsa(int usage, int selector, int matching, Pem pem) {
    Path der = next("selected.der");
    if (selector == 0) {
      openssl("x509", "-in", pem.cert().toString(), "-outform", "DER", "-out", der.toString());
    } else {
      Path pub = next("pub.pem");
      openssl("x509", "-in", pem.cert().toString(), "-noout", "-pubkey", "-out", pub.toString());
      openssl("pkey", "-pubin", "-in", pub.toString(), "-outform", "DER", "-out", der.toString());
    }
    String data;
    if (matching == 0) {
      try {
        data = java.util.HexFormat.of().formatHex(Files.readAllBytes(der));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    } else {
      String out = opensslOut("dgst", matching == 1 ? "-sha256" : "-sha512", "-r", der.toString());
      data = out.strip().split("\\s+")[0].toLowerCase(Locale.ROOT);
    }
    return usage + " " + selector + " " + matching + " " + data;
  }
}
