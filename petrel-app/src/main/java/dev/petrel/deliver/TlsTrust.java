package dev.petrel.deliver;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The CAs whose certificates Petrel trusts when a policy asks for a verified server: the JDK's
 * trust store, plus the operator's own ({@code --tls-ca-file}, PEM), for example a company CA or a
 * test CA. Used for MTA-STS policy fetches over HTTPS and for checking MX certificates.
 */
public final class TlsTrust {

  private final X509ExtendedTrustManager jdk;
  private final X509ExtendedTrustManager extra;
  private final Path caFile;

  private TlsTrust(X509ExtendedTrustManager jdk, X509ExtendedTrustManager extra, Path caFile) {
    this.jdk = jdk;
    this.extra = extra;
    this.caFile = caFile;
  }

  /** The JDK's trust store only. */
  public static TlsTrust jdkDefault() {
    return new TlsTrust(manager(null), null, null);
  }

  /**
   * The JDK's trust store and the CA certificates in a PEM file.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no certificate
   */
  public static TlsTrust withCaFile(Path pem) {
    if (pem == null) return jdkDefault();
    try (InputStream in = Files.newInputStream(pem)) {
      List<X509Certificate> cas = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in))
        cas.add((X509Certificate) c);
      if (cas.isEmpty()) throw new IllegalArgumentException(pem + " holds no certificate");
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      for (int i = 0; i < cas.size(); i++) ks.setCertificateEntry("ca" + i, cas.get(i));
      return new TlsTrust(manager(null), manager(ks), pem);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot read CA certificates from " + pem + ": " + e.getMessage());
    }
  }

  /** The extra CA file, or null. */
  public Path caFile() {
    return caFile;
  }

  /** In a few words, for the start-up log. */
  public String describe() {
    return caFile == null ? "the JDK's CAs" : "the JDK's CAs and " + caFile;
  }

  private static X509ExtendedTrustManager manager(KeyStore ks) {
    try {
      TrustManagerFactory f =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(ks);
      for (TrustManager t : f.getTrustManagers())
        if (t instanceof X509ExtendedTrustManager x) return x;
      throw new IllegalStateException("no X.509 trust manager in this JDK");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no X.509 trust manager in this JDK", e);
    }
  }

  /** Validates a server chain: trusted when either the JDK's CAs or the extra ones accept it. */
  void checkServer(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      jdk.checkServerTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      if (extra == null) throw e;
      extra.checkServerTrusted(chain, authType, socket);
    }
  }

  /** A client context that validates the server as usual (for HTTPS, host name included). */
  SSLContext strictContext() {
    return context(new Strict(this));
  }

  /**
   * A client context for SMTP that accepts any certificate but writes down the chain and what the
   * PKIX validation found, for {@link CertificateCheck}s to look at after the handshake: a failed
   * check must be able to leave the session unused (enforce) or to go on (testing, opportunistic).
   */
  Capture capture() {
    return new Capture(this);
  }

  private static SSLContext context(TrustManager tm) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {tm}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JDK", e);
    }
  }

  /** Validation as usual, either trust store accepting. */
  private static final class Strict extends X509ExtendedTrustManager {
    private final TlsTrust trust;

    Strict(TlsTrust trust) {
      this.trust = trust;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      trust.checkServer(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      trust.jdk.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a socket is needed to check the host name");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** One handshake's record of the server's chain; one per connection. */
  static final class Capture extends X509ExtendedTrustManager {
    private final TlsTrust trust;
    private volatile CertificateCheck.Peer peer;

    Capture(TlsTrust trust) {
      this.trust = trust;
    }

    SSLContext context() {
      return TlsTrust.context(this);
    }

    /** What the handshake found, or null when no certificate was seen. */
    CertificateCheck.Peer peer() {
      return peer;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      CertificateException failure = null;
      try {
        trust.checkServer(chain, authType, socket);
      } catch (CertificateException e) {
        failure = e;
      }
      peer = new CertificateCheck.Peer(Arrays.asList(chain), failure);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      // SMTP runs on sockets; an engine never comes here, and nothing is taken as checked
      peer =
          new CertificateCheck.Peer(
              Arrays.asList(chain), new CertificateException("not checked (no socket)"));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      checkServerTrusted(chain, authType, (Socket) null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
