package dev.petrel.deliver;

import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * How the SMTP client talks to servers. Immutable; built once at start-up.
 *
 * @param heloName the name Petrel gives in EHLO/HELO (its public host name)
 * @param timeouts per-phase limits
 * @param tlsPolicy the STARTTLS policy for destinations without their own
 * @param tlsPolicies per recipient domain, overriding {@code tlsPolicy}
 * @param tlsContext the client TLS context, or null for the usual one: the handshake accepts any
 *     certificate and writes down what PKIX validation found, and the certificate is then checked
 *     as the host's {@link TlsRequirement} asks (none for opportunistic security, RFC 7435)
 * @param tlsChecks which published TLS policies to look for (MTA-STS) and which CAs to trust
 * @param pipelining send MAIL, RCPTs and DATA as one group when the server offers PIPELINING
 * @param chunking send the message with BDAT when the server offers CHUNKING (off by default: DATA
 *     works everywhere and costs no more here)
 * @param chunkSize octets per BDAT chunk
 * @param maxRecipientsPerTransaction recipients per MAIL transaction; more go in further ones
 * @param maxAddressesPerDelivery at most this many server addresses are tried in one delivery
 */
public record ClientConfig(
    String heloName,
    SmtpTimeouts timeouts,
    TlsPolicy tlsPolicy,
    Map<String, TlsPolicy> tlsPolicies,
    SSLContext tlsContext,
    TlsChecks tlsChecks,
    boolean pipelining,
    boolean chunking,
    int chunkSize,
    int maxRecipientsPerTransaction,
    int maxAddressesPerDelivery) {

  public static final int DEFAULT_MAX_RECIPIENTS = 100;
  public static final int DEFAULT_MAX_ADDRESSES = 5;
  public static final int DEFAULT_CHUNK_SIZE = 256 * 1024;

  public ClientConfig {
    if (heloName == null || heloName.isBlank())
      throw new IllegalArgumentException("the EHLO name is required");
    if (timeouts == null) throw new IllegalArgumentException("timeouts are required");
    if (tlsPolicy == null) throw new IllegalArgumentException("a TLS policy is required");
    if (tlsChecks == null) tlsChecks = TlsChecks.defaults();
    Map<String, TlsPolicy> lower = new java.util.HashMap<>();
    tlsPolicies.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    tlsPolicies = Map.copyOf(lower);
    if (chunkSize < 512) throw new IllegalArgumentException("chunk size must be at least 512");
    if (maxRecipientsPerTransaction < 1)
      throw new IllegalArgumentException("maxRecipientsPerTransaction must be at least 1");
    if (maxAddressesPerDelivery < 1)
      throw new IllegalArgumentException("maxAddressesPerDelivery must be at least 1");
  }

  public static ClientConfig defaults(String heloName) {
    return new ClientConfig(
        heloName,
        SmtpTimeouts.RFC5321,
        TlsPolicy.OPPORTUNISTIC,
        Map.of(),
        null,
        TlsChecks.defaults(),
        true,
        false,
        DEFAULT_CHUNK_SIZE,
        DEFAULT_MAX_RECIPIENTS,
        DEFAULT_MAX_ADDRESSES);
  }

  /** The policy for mail to {@code domain}. */
  public TlsPolicy tlsPolicyFor(String domain) {
    TlsPolicy p = tlsPolicies.get(domain.toLowerCase(Locale.ROOT));
    return p == null ? tlsPolicy : p;
  }

  public ClientConfig withTimeouts(SmtpTimeouts t) {
    return new ClientConfig(
        heloName,
        t,
        tlsPolicy,
        tlsPolicies,
        tlsContext,
        tlsChecks,
        pipelining,
        chunking,
        chunkSize,
        maxRecipientsPerTransaction,
        maxAddressesPerDelivery);
  }

  public ClientConfig withTlsPolicy(TlsPolicy p) {
    return new ClientConfig(
        heloName,
        timeouts,
        p,
        tlsPolicies,
        tlsContext,
        tlsChecks,
        pipelining,
        chunking,
        chunkSize,
        maxRecipientsPerTransaction,
        maxAddressesPerDelivery);
  }

  public ClientConfig withTlsPolicies(Map<String, TlsPolicy> p) {
    return new ClientConfig(
        heloName,
        timeouts,
        tlsPolicy,
        p,
        tlsContext,
        tlsChecks,
        pipelining,
        chunking,
        chunkSize,
        maxRecipientsPerTransaction,
        maxAddressesPerDelivery);
  }

  public ClientConfig withTlsContext(SSLContext c) {
    return new ClientConfig(
        heloName,
        timeouts,
        tlsPolicy,
        tlsPolicies,
        c,
        tlsChecks,
        pipelining,
        chunking,
        chunkSize,
        maxRecipientsPerTransaction,
        maxAddressesPerDelivery);
  }

  public ClientConfig withTlsChecks(TlsChecks t) {
    return new ClientConfig(
        heloName,
        timeouts,
        tlsPolicy,
        tlsPolicies,
        tlsContext,
        t,
        pipelining,
        chunking,
        chunkSize,
        maxRecipientsPerTransaction,
        maxAddressesPerDelivery);
  }

  public ClientConfig withPipelining(boolean on) {
    return new ClientConfig(
        heloName,
        timeouts,
        tlsPolicy,
        tlsPolicies,
        tlsContext,
        tlsChecks,
        on,
        chunking,
        chunkSize,
        maxRecipientsPerTransaction,
        maxAddressesPerDelivery);
  }

  public ClientConfig withChunking(boolean on, int size) {
    return new ClientConfig(
        heloName,
        timeouts,
        tlsPolicy,
        tlsPolicies,
        tlsContext,
        tlsChecks,
        pipelining,
        on,
        size,
        maxRecipientsPerTransaction,
        maxAddressesPerDelivery);
  }

  public ClientConfig withMaxRecipientsPerTransaction(int n) {
    return new ClientConfig(
        heloName,
        timeouts,
        tlsPolicy,
        tlsPolicies,
        tlsContext,
        tlsChecks,
        pipelining,
        chunking,
        chunkSize,
        n,
        maxAddressesPerDelivery);
  }

  public ClientConfig withMaxAddressesPerDelivery(int n) {
    return new ClientConfig(
        heloName,
        timeouts,
        tlsPolicy,
        tlsPolicies,
        tlsContext,
        tlsChecks,
        pipelining,
        chunking,
        chunkSize,
        maxRecipientsPerTransaction,
        n);
  }
}
