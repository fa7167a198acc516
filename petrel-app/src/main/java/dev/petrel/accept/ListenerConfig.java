package dev.petrel.accept;

import dev.petrel.model.IpNetwork;
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
 * @param maxJunkCommands commands that move no mail forward (NOOP, RSET, HELP, VRFY, EXPN, unknown
 *     or refused ones) a session may send between two accepted messages; the next gets 421 4.7.0
 *     and the session ends
 */
public record ListenerConfig(
    String hostname,
    long maxMessageSize,
    int maxRecipients,
    int maxErrors,
    Timeouts timeouts,
    List<IpNetwork> trustedNetworks,
    boolean authWithoutTls,
    boolean strictLineEndings,
    int maxJunkCommands) {

  public static final long DEFAULT_MAX_MESSAGE_SIZE = 25L * 1024 * 1024;
  public static final int DEFAULT_MAX_RECIPIENTS = 1000;
  public static final int DEFAULT_MAX_ERRORS = 10;

  /**
   * As Postfix's {@code smtpd_junk_command_limit} default (100,
   * https://www.postfix.org/postconf.5.html#smtpd_junk_command_limit): far above what a client that
   * sends mail needs, since the count starts again after each accepted message.
   */
  public static final int DEFAULT_MAX_JUNK_COMMANDS = 100;

  /**
   * Server timeouts. RFC 5321 §4.5.3.2 (https://www.rfc-editor.org/rfc/rfc5321#section-4.5.3.2)
   * asks a server to wait at least 5 minutes for a command and 3 minutes per data block; those are
   * the defaults. A slow client must not stretch them: each is a deadline, not an idle time that
   * every octet restarts.
   *
   * @param command a whole command line (or AUTH answer) must arrive within this, counted from when
   *     the session starts waiting for it
   * @param dataBlock the longest pause between two reads of message data
   * @param message a whole message's data (DATA up to the final dot, or one BDAT chunk) must arrive
   *     within this, whatever the pauses
   * @param session the longest session: once over, the next command line gets 421 4.4.2 (a message
   *     being received is bounded by {@code message} instead, so it is never cut for this)
   */
  public record Timeouts(Duration command, Duration dataBlock, Duration message, Duration session) {

    /**
     * 30 minutes for one message: 25 MiB (the default size limit) at about 14 KiB/s, a slow link.
     */
    public static final Duration DEFAULT_MESSAGE = Duration.ofMinutes(30);

    /** One hour: a client sending mail all day reconnects each hour (421 is a temporary reply). */
    public static final Duration DEFAULT_SESSION = Duration.ofHours(1);

    public static final Timeouts RFC5321 =
        new Timeouts(Duration.ofMinutes(5), Duration.ofMinutes(3));

    public Timeouts {
      for (Duration d : new Duration[] {command, dataBlock, message, session})
        if (d == null || !d.isPositive())
          throw new IllegalArgumentException("timeouts must be longer than zero");
    }

    /** The command and data-block timeouts with the default message and session limits. */
    public Timeouts(Duration command, Duration dataBlock) {
      this(command, dataBlock, DEFAULT_MESSAGE, DEFAULT_SESSION);
    }
  }

  public ListenerConfig {
    if (hostname == null || hostname.isBlank())
      throw new IllegalArgumentException("hostname is required");
    if (maxMessageSize < 1024)
      throw new IllegalArgumentException("max message size must be at least 1024 octets");
    if (maxRecipients < 1) throw new IllegalArgumentException("max recipients must be at least 1");
    if (maxErrors < 1) throw new IllegalArgumentException("max errors must be at least 1");
    if (maxJunkCommands < 1)
      throw new IllegalArgumentException("max junk commands must be at least 1");
    trustedNetworks = List.copyOf(trustedNetworks);
  }

  /** Without a junk-command setting: the default limit. */
  public ListenerConfig(
      String hostname,
      long maxMessageSize,
      int maxRecipients,
      int maxErrors,
      Timeouts timeouts,
      List<IpNetwork> trustedNetworks,
      boolean authWithoutTls,
      boolean strictLineEndings) {
    this(
        hostname,
        maxMessageSize,
        maxRecipients,
        maxErrors,
        timeouts,
        trustedNetworks,
        authWithoutTls,
        strictLineEndings,
        DEFAULT_MAX_JUNK_COMMANDS);
  }

  public static ListenerConfig defaults(String hostname) {
    return new ListenerConfig(
        hostname,
        DEFAULT_MAX_MESSAGE_SIZE,
        DEFAULT_MAX_RECIPIENTS,
        DEFAULT_MAX_ERRORS,
        Timeouts.RFC5321,
        List.of(IpNetwork.parse("127.0.0.0/8"), IpNetwork.parse("::1/128")),
        false,
        false);
  }

  public ListenerConfig withTimeouts(Timeouts t) {
    return new ListenerConfig(
        hostname,
        maxMessageSize,
        maxRecipients,
        maxErrors,
        t,
        trustedNetworks,
        authWithoutTls,
        strictLineEndings,
        maxJunkCommands);
  }

  public ListenerConfig withMaxJunkCommands(int n) {
    return new ListenerConfig(
        hostname,
        maxMessageSize,
        maxRecipients,
        maxErrors,
        timeouts,
        trustedNetworks,
        authWithoutTls,
        strictLineEndings,
        n);
  }
}
