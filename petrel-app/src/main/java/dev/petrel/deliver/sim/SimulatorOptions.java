package dev.petrel.deliver.sim;

import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * How the simulator behaves as a server. Replies for the phases before any address is known
 * (greeting, EHLO, HELO, STARTTLS) are chosen here, in the same {@code CODE[-ENHANCED]} form as
 * address directives (e.g. {@code "421-4.3.2"}); null means the normal reply.
 *
 * @param hostname the name in the greeting and EHLO reply
 * @param connectReply the greeting to give instead of 220
 * @param ehloReply the reply to EHLO instead of 250
 * @param heloReply the reply to HELO instead of 250
 * @param starttlsReply the reply to STARTTLS instead of 220
 * @param tls the server TLS context; STARTTLS is offered only with one
 * @param esmtp answer EHLO (false: EHLO gets 502, only HELO works)
 * @param pipelining announce PIPELINING
 * @param eightBitMime announce 8BITMIME
 * @param smtpUtf8 announce SMTPUTF8
 * @param chunking announce CHUNKING (BDAT)
 * @param dsn announce DSN
 * @param maxSize announce SIZE with this limit and enforce it; 0 for no SIZE
 * @param slowDelay how long {@code slow@} waits before each reply
 * @param readTimeout how long a session waits for a command or data before closing
 * @param holdAfterData how long {@code timeout-after-data@} holds the connection before closing
 * @param maxStoredMessages messages kept for {@link SimulatorServer#received()}; oldest go first
 * @param maxStoredBytes octets of content kept per message
 */
public record SimulatorOptions(
    String hostname,
    String connectReply,
    String ehloReply,
    String heloReply,
    String starttlsReply,
    SSLContext tls,
    boolean esmtp,
    boolean pipelining,
    boolean eightBitMime,
    boolean smtpUtf8,
    boolean chunking,
    boolean dsn,
    long maxSize,
    Duration slowDelay,
    Duration readTimeout,
    Duration holdAfterData,
    int maxStoredMessages,
    int maxStoredBytes) {

  public static final SimulatorOptions DEFAULTS =
      new SimulatorOptions(
          "simulator.petrel.test",
          null,
          null,
          null,
          null,
          null,
          true,
          true,
          true,
          true,
          true,
          true,
          0,
          Duration.ofSeconds(3),
          Duration.ofMinutes(5),
          Duration.ofMinutes(10),
          1000,
          1024 * 1024);

  public SimulatorOptions {
    if (hostname == null || hostname.isBlank())
      throw new IllegalArgumentException("hostname is required");
    check(connectReply, "connect");
    check(ehloReply, "EHLO");
    check(heloReply, "HELO");
    check(starttlsReply, "STARTTLS");
    if (maxSize < 0) throw new IllegalArgumentException("maxSize must not be negative");
    if (slowDelay == null || slowDelay.isNegative())
      throw new IllegalArgumentException("slowDelay must not be negative");
    if (readTimeout == null || readTimeout.isNegative() || readTimeout.isZero())
      throw new IllegalArgumentException("readTimeout must be positive");
    if (holdAfterData == null || holdAfterData.isNegative() || holdAfterData.isZero())
      throw new IllegalArgumentException("holdAfterData must be positive");
    if (maxStoredMessages < 0 || maxStoredBytes < 0)
      throw new IllegalArgumentException("storage limits must not be negative");
  }

  private static void check(String reply, String what) {
    if (reply != null && SimReply.parse(reply) == null)
      throw new IllegalArgumentException(
          what + " reply must be CODE or CODE-ENHANCED (e.g. 421-4.3.2), not '" + reply + "'");
  }

  public SimulatorOptions withConnectReply(String r) {
    return new SimulatorOptions(
        hostname,
        r,
        ehloReply,
        heloReply,
        starttlsReply,
        tls,
        esmtp,
        pipelining,
        eightBitMime,
        smtpUtf8,
        chunking,
        dsn,
        maxSize,
        slowDelay,
        readTimeout,
        holdAfterData,
        maxStoredMessages,
        maxStoredBytes);
  }

  public SimulatorOptions withEhloReply(String r) {
    return new SimulatorOptions(
        hostname,
        connectReply,
        r,
        heloReply,
        starttlsReply,
        tls,
        esmtp,
        pipelining,
        eightBitMime,
        smtpUtf8,
        chunking,
        dsn,
        maxSize,
        slowDelay,
        readTimeout,
        holdAfterData,
        maxStoredMessages,
        maxStoredBytes);
  }

  public SimulatorOptions withHeloReply(String r) {
    return new SimulatorOptions(
        hostname,
        connectReply,
        ehloReply,
        r,
        starttlsReply,
        tls,
        esmtp,
        pipelining,
        eightBitMime,
        smtpUtf8,
        chunking,
        dsn,
        maxSize,
        slowDelay,
        readTimeout,
        holdAfterData,
        maxStoredMessages,
        maxStoredBytes);
  }

  public SimulatorOptions withStarttlsReply(String r) {
    return new SimulatorOptions(
        hostname,
        connectReply,
        ehloReply,
        heloReply,
        r,
        tls,
        esmtp,
        pipelining,
        eightBitMime,
        smtpUtf8,
        chunking,
        dsn,
        maxSize,
        slowDelay,
        readTimeout,
        holdAfterData,
        maxStoredMessages,
        maxStoredBytes);
  }

  public SimulatorOptions withTls(SSLContext c) {
    return new SimulatorOptions(
        hostname,
        connectReply,
        ehloReply,
        heloReply,
        starttlsReply,
        c,
        esmtp,
        pipelining,
        eightBitMime,
        smtpUtf8,
        chunking,
        dsn,
        maxSize,
        slowDelay,
        readTimeout,
        holdAfterData,
        maxStoredMessages,
        maxStoredBytes);
  }

  /** Which extensions to announce. */
  public SimulatorOptions withExtensions(
      boolean esmtp,
      boolean pipelining,
      boolean eightBitMime,
      boolean smtpUtf8,
      boolean chunking,
      boolean dsn) {
    return new SimulatorOptions(
        hostname,
        connectReply,
        ehloReply,
        heloReply,
        starttlsReply,
        tls,
        esmtp,
        pipelining,
        eightBitMime,
        smtpUtf8,
        chunking,
        dsn,
        maxSize,
        slowDelay,
        readTimeout,
        holdAfterData,
        maxStoredMessages,
        maxStoredBytes);
  }

  public SimulatorOptions withMaxSize(long n) {
    return new SimulatorOptions(
        hostname,
        connectReply,
        ehloReply,
        heloReply,
        starttlsReply,
        tls,
        esmtp,
        pipelining,
        eightBitMime,
        smtpUtf8,
        chunking,
        dsn,
        n,
        slowDelay,
        readTimeout,
        holdAfterData,
        maxStoredMessages,
        maxStoredBytes);
  }

  public SimulatorOptions withTimings(Duration slow, Duration read, Duration hold) {
    return new SimulatorOptions(
        hostname,
        connectReply,
        ehloReply,
        heloReply,
        starttlsReply,
        tls,
        esmtp,
        pipelining,
        eightBitMime,
        smtpUtf8,
        chunking,
        dsn,
        maxSize,
        slow,
        read,
        hold,
        maxStoredMessages,
        maxStoredBytes);
  }

  public SimulatorOptions withStorage(int messages, int bytesPerMessage) {
    return new SimulatorOptions(
        hostname,
        connectReply,
        ehloReply,
        heloReply,
        starttlsReply,
        tls,
        esmtp,
        pipelining,
        eightBitMime,
        smtpUtf8,
        chunking,
        dsn,
        maxSize,
        slowDelay,
        readTimeout,
        holdAfterData,
        messages,
        bytesPerMessage);
  }
}
