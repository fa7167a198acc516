package dev.petrel.accept;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The listener's TLS identity: a certificate chain and its key, and the server {@link SSLContext}
 * built from them (TLS 1.2 and 1.3 only). Loaded from PEM files the operator gives, or generated
 * once as a self-signed certificate kept in the data folder so clients that pin it keep working.
 */
public final class TlsMaterial {

  /** The TLS material cannot be used; start-up stops with this message. */
  public static final class TlsSetupException extends Exception {
    public TlsSetupException(String message) {
      super(message);
    }

    public TlsSetupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  /** A generated certificate is replaced this long before it expires. */
  static final Duration RENEW_BEFORE = Duration.ofDays(30);

  static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(5 * 365);

  private final SSLContext context;
  private final List<X509Certificate> chain;

  private TlsMaterial(SSLContext context, List<X509Certificate> chain) {
    this.context = context;
    this.chain = List.copyOf(chain);
  }

  /** Loads a PEM certificate chain (leaf first) and its PEM private key. */
  public static TlsMaterial load(Path certPem, Path keyPem) throws TlsSetupException {
    List<X509Certificate> chain = readCertificates(certPem);
    PrivateKey key = readKey(keyPem);
    checkPair(chain.getFirst(), key, certPem, keyPem);
    return new TlsMaterial(context(chain, key), chain);
  }

  /**
   * The self-signed certificate in {@code dir} ({@code cert.pem}, {@code key.pem}), generated for
   * {@code hostname} when missing, expiring, or made for another name.
   */
  public static TlsMaterial selfSigned(Path dir, String hostname, InstantSource clock)
      throws TlsSetupException {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    if (Files.exists(cert) && Files.exists(key)) {
      try {
        List<X509Certificate> chain = readCertificates(cert);
        X509Certificate leaf = chain.getFirst();
        Instant renewAt = leaf.getNotAfter().toInstant().minus(RENEW_BEFORE);
        if (clock.instant().isBefore(renewAt) && namesHost(leaf, hostname)) {
          PrivateKey k = readKey(key);
          checkPair(leaf, k, cert, key);
          return new TlsMaterial(context(chain, k), chain);
        }
      } catch (TlsSetupException unusable) {
        // Ours, and only self-signed: a damaged or half-written pair is made again below.
      }
    }
    try {
      dev.petrel.queue.PrivateFiles.createDirectories(dir);
      // ECDSA P-256: every current TLS client takes it, and it is made in milliseconds where an
      // RSA key can take seconds on a small machine.
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = gen.generateKeyPair();
      X509Certificate leaf = generate(pair, hostname, clock.instant());
      // The key is written before the certificate, each atomically, so a crash in between leaves
      // a pair that fails the match check and is simply generated again.
      writeAtomically(key, new JcaPKCS8Generator(pair.getPrivate(), null).generate());
      writeAtomically(cert, leaf);
      return new TlsMaterial(context(List.of(leaf), pair.getPrivate()), List.of(leaf));
    } catch (IOException e) {
      throw new TlsSetupException("cannot write the self-signed certificate to " + dir + ": " + e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new TlsSetupException("cannot generate a self-signed certificate: " + e, e);
    }
  }

  public SSLContext context() {
    return context;
  }

  public X509Certificate certificate() {
    return chain.getFirst();
  }

  /**
   * Wraps an accepted TCP socket in server-mode TLS (for STARTTLS and implicit TLS). Bytes the
   * caller read from {@code plain} before this are not replayed into the TLS stream. The handshake
   * runs on the first read or write, or when the caller starts it.
   */
  public SSLSocket serverSocket(Socket plain) throws IOException {
    SSLSocket s =
        (SSLSocket)
            context
                .getSocketFactory()
                .createSocket(
                    plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
    s.setUseClientMode(false);
    SSLParameters p = s.getSSLParameters();
    List<String> supported = List.of(s.getSupportedProtocols());
    List<String> enabled = new ArrayList<>();
    for (String proto : PROTOCOLS) if (supported.contains(proto)) enabled.add(proto);
    p.setProtocols(enabled.toArray(String[]::new));
    p.setUseCipherSuitesOrder(true);
    s.setSSLParameters(p);
    return s;
  }

  private static X509Certificate generate(KeyPair pair, String hostname, Instant now)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    X500Name name = new X500Name("CN=" + hostname.replaceAll("[,+=\"\\\\<>;]", ""));
    BigInteger serial = new BigInteger(64, new SecureRandom());
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            name,
            serial,
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(SELF_SIGNED_VALIDITY)),
            name,
            pair.getPublic());
    List<GeneralName> alt = new ArrayList<>();
    alt.add(new GeneralName(GeneralName.dNSName, hostname));
    if (!hostname.equals("localhost")) alt.add(new GeneralName(GeneralName.dNSName, "localhost"));
    b.addExtension(
        Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(b.build(signer));
  }

  private static boolean namesHost(X509Certificate cert, String hostname) {
    try {
      var names = cert.getSubjectAlternativeNames();
      if (names == null) return false;
      for (List<?> n : names)
        if (Integer.valueOf(GeneralName.dNSName).equals(n.get(0))
            && hostname.equalsIgnoreCase(String.valueOf(n.get(1)))) return true;
      return false;
    } catch (java.security.cert.CertificateParsingException e) {
      return false;
    }
  }

  private static void writeAtomically(Path target, Object pemObject) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      // The certificate is public, but the folder is private: both files are the owner's only.
      dev.petrel.queue.PrivateFiles.createFile(tmp);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("cannot create " + tmp, e);
    }
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(pemObject);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static List<X509Certificate> readCertificates(Path file) throws TlsSetupException {
    try (InputStream in = Files.newInputStream(file)) {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : cf.generateCertificates(in)) out.add((X509Certificate) c);
      if (out.isEmpty()) throw new TlsSetupException("no certificate in " + file + " (--tls-cert)");
      return out;
    } catch (NoSuchFileException e) {
      throw new TlsSetupException("certificate file " + file + " does not exist (--tls-cert)");
    } catch (IOException e) {
      throw new TlsSetupException("cannot read certificate file " + file + ": " + e);
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException(
          "certificate file "
              + file
              + " is not a PEM certificate: "
              + e.getMessage()
              + " (--tls-cert)");
    }
  }

  private static PrivateKey readKey(Path file) throws TlsSetupException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(r)) {
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      Object o;
      while ((o = parser.readObject()) != null) {
        switch (o) {
          case PEMKeyPair kp -> {
            return conv.getPrivateKey(kp.getPrivateKeyInfo());
          }
          case PrivateKeyInfo pki -> {
            return conv.getPrivateKey(pki);
          }
          case PKCS8EncryptedPrivateKeyInfo ignored ->
              throw new TlsSetupException(
                  "private key in " + file + " is encrypted; give an unencrypted key (--tls-key)");
          case org.bouncycastle.openssl.PEMEncryptedKeyPair ignored ->
              throw new TlsSetupException(
                  "private key in " + file + " is encrypted; give an unencrypted key (--tls-key)");
          default -> {
            // parameters (e.g. EC PARAMETERS) may precede the key; keep reading
          }
        }
      }
      throw new TlsSetupException("no private key in " + file + " (--tls-key)");
    } catch (NoSuchFileException e) {
      throw new TlsSetupException("key file " + file + " does not exist (--tls-key)");
    } catch (IOException e) {
      throw new TlsSetupException("cannot read key file " + file + ": " + e.getMessage());
    }
  }

  /** Signs with the key and verifies with the certificate: they must belong together. */
  private static void checkPair(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile)
      throws TlsSetupException {
    PublicKey pub = cert.getPublicKey();
    String alg =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          case "Ed448" -> "Ed448";
          default ->
              throw new TlsSetupException(
                  "unsupported key type " + key.getAlgorithm() + " in " + keyFile);
        };
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(probe);
      if (!v.verify(sig)) throw new GeneralSecurityException("signature does not verify");
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException(
          "the key in " + keyFile + " does not belong to the certificate in " + certFile);
    }
  }

  private static SSLContext context(List<X509Certificate> chain, PrivateKey key)
      throws TlsSetupException {
    try {
      char[] pass = new char[0];
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("petrel", key, pass, chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pass);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsSetupException("cannot set up TLS with this certificate: " + e.getMessage(), e);
    }
  }
}
