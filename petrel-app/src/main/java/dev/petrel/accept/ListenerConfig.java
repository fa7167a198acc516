package dev.petrel.accept;

import java.time.Duration;
import java.util.List;

/**
 * The listener's settings, validated at start-up and immutable afterwards.
 *
 * @param hostname the name in the greeting, EHLO reply and Received header
 * @param maxMessageSize the SIZE limit in octets (default 25 MiB)
 * @param maxRecipients recipients per transaction (default 1000); more get 452 4.5.3
 * @param maxErrors errors per session before 421 4.7.0 and close
 * @param timeouts server-side timeouts (RFC 5321 §4.5.3.2)
 * @param trustedNetworks clients here may relay without AUTH (like Postfix's mynetworks)
 * @param authWithoutTls allow AUTH before TLS for clients outside the trusted networks (default no)
 * @param strictLineEndings reject lines that end in a bare LF instead of normalising them
 */
public record ListenerConfig(
    String hostname,
    long maxMessageSize,
    int maxRecipients,
    int maxErrors,
    Timeouts timeouts,
    List<Cidr> trustedNetworks,
    boolean authWithoutTls,
    boolean strictLineEndings) {

  public static final long DEFAULT_MAX_MESSAGE_SIZE = 25L * 1024 * 1024;
  public static final int DEFAULT_MAX_RECIPIENTS = 1000;
  public static final int DEFAULT_MAX_ERRORS = 10;

  /**
   * Server timeouts, RFC 5321 §4.5.3.2: at least 5 minutes for a command, 3 minutes per data block,
   * 10 minutes after the final dot (this one bounds our own commit, not the client).
   */
  public record Timeouts(Duration command, Duration dataBlock) {
    public static final Timeouts RFC5321 =
        new Timeouts(Duration.ofMinutes(5), Duration.ofMinutes(3));
  }

  public ListenerConfig {
    if (hostname == null || hostname.isBlank())
      throw new IllegalArgumentException("hostname is required");
    if (maxMessageSize < 1024)
      throw new IllegalArgumentException("max message size must be at least 1024 octets");
    if (maxRecipients < 1) throw new IllegalArgumentException("max recipients must be at least 1");
    if (maxErrors < 1) throw new IllegalArgumentException("max errors must be at least 1");
    trustedNetworks = List.copyOf(trustedNetworks);
  }

  public static ListenerConfig defaults(String hostname) {
    return new ListenerConfig(
        hostname,
        DEFAULT_MAX_MESSAGE_SIZE,
        DEFAULT_MAX_RECIPIENTS,
        DEFAULT_MAX_ERRORS,
        Timeouts.RFC5321,
        List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")),
        false,
        false);
  }
}
