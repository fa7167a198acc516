package dev.petrel.accept;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * Runs one {@link SmtpSession} in memory: bytes in, replies out. Defaults: a client on loopback
 * (trusted), no TLS, a store that works, one user {@code alice}/{@code secret} in account {@code
 * acme}.
 */
final class SessionHarness {

  static final String HOST = "mx.petrel.test";
  static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2025-07-01T10:00:00Z"));

  ListenerConfig config = ListenerConfig.defaults(HOST);
  InetAddress client = address("127.0.0.1");
  final SessionTestStore store = new SessionTestStore();
  final Map<String, String> passwords = new HashMap<>(Map.of("alice", "secret"));
  final List<String> events = Collections.synchronizedList(new ArrayList<>());
  final List<Duration> pauses = new ArrayList<>();
  final AtomicBoolean shuttingDown = new AtomicBoolean();
  boolean tlsAvailable;
  boolean secure;
  boolean timeoutAtEnd;
  boolean failHandshake;

  /** The session's clock; tests of deadlines move it. */
  InstantSource clock = CLOCK;

  /** The shared AUTH failure tracker the session gets, or null for none. */
  AuthLockout lockout;

  /** Runs before each read of the client's bytes (e.g. to move a test clock on). */
  Runnable onRead = () -> {};

  /** The monthly quotas the session enforces, or null for none. */
  dev.petrel.accounts.Quotas quotas;

  /** The bounce-domain reader the session gets, or null for none. */
  BounceMailbox bounces;

  RuntimeException authenticatorFailure;
  SessionTestConnection connection;
  private final List<byte[]> chunks = new ArrayList<>();
  private java.util.function.Consumer<String> onWrite = w -> {};

  /**
   * The stored text without the Date and Message-ID fields the listener adds to submitted mail that
   * lacks them (those are checked in {@code peers.MissingDateAndMessageIdAreAdded}), for tests
   * about other things that compare whole messages.
   */
  static String withoutAddedFields(String stored) {
    return stored
        .replaceFirst("(?m)^Date: [^\r\n]*\\+0000\r\n(?=(Message-ID: <[0-9a-f-]{36}@|\r\n))", "")
        .replaceFirst("(?m)^Message-ID: <[0-9a-f-]{36}@[^>\r\n]+>\r\n", "");
  }

  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  SessionHarness untrusted() {
    client = address("192.0.2.10");
    return this;
  }

  SessionHarness config(UnaryOperator<ListenerConfig> change) {
    config = change.apply(config);
    return this;
  }

  SessionHarness tls() {
    tlsAvailable = true;
    return this;
  }

  SessionHarness secure() {
    tlsAvailable = true;
    secure = true;
    return this;
  }

  SessionHarness onWrite(java.util.function.Consumer<String> listener) {
    this.onWrite = listener;
    return this;
  }

  /** One read's worth of client input. */
  SessionHarness send(String text) {
    chunks.add(text.getBytes(UTF_8));
    return this;
  }

  SessionHarness send(byte[] bytes) {
    chunks.add(bytes);
    return this;
  }

  /** Each of these lines arrives in a read of its own (CRLF added). */
  SessionHarness lines(String... lines) {
    for (String l : lines) send(l + "\r\n");
    return this;
  }

  /** Runs the session to its end and returns what the client saw. */
  Outcome run() {
    connection =
        new SessionTestConnection(client)
            .tlsAvailable(tlsAvailable)
            .secure(secure)
            .onWrite(onWrite)
            .onRead(onRead);
    if (timeoutAtEnd) connection.timeoutAtEnd();
    if (failHandshake) connection.failHandshake();
    for (byte[] c : chunks) connection.chunk(c);
    Authenticator auth =
        (user, password) -> {
          if (authenticatorFailure != null) throw authenticatorFailure;
          return password.equals(passwords.get(user)) ? Optional.of("acme") : Optional.empty();
        };
    SmtpSession session =
        new SmtpSession(
            config,
            connection,
            store,
            auth,
            (sessionId, queueId, message) ->
                events.add(queueId == null ? message : "[" + queueId + "] " + message),
            clock,
            shuttingDown::get,
            pauses::add,
            bounces);
    if (lockout != null) session.authLockout(lockout);
    if (quotas != null) session.quotas(quotas);
    session.run();
    return new Outcome(new String(connection.written(), UTF_8));
  }

  static ListenerConfig withMaxSize(ListenerConfig c, long size) {
    return new ListenerConfig(
        c.hostname(),
        size,
        c.maxRecipients(),
        c.maxErrors(),
        c.timeouts(),
        c.trustedNetworks(),
        c.authWithoutTls(),
        c.strictLineEndings());
  }

  static ListenerConfig strict(ListenerConfig c) {
    return new ListenerConfig(
        c.hostname(),
        c.maxMessageSize(),
        c.maxRecipients(),
        c.maxErrors(),
        c.timeouts(),
        c.trustedNetworks(),
        c.authWithoutTls(),
        true);
  }

  static ListenerConfig authWithoutTls(ListenerConfig c) {
    return new ListenerConfig(
        c.hostname(),
        c.maxMessageSize(),
        c.maxRecipients(),
        c.maxErrors(),
        c.timeouts(),
        c.trustedNetworks(),
        true,
        c.strictLineEndings());
  }

  static ListenerConfig maxErrors(ListenerConfig c, int errors) {
    return new ListenerConfig(
        c.hostname(),
        c.maxMessageSize(),
        c.maxRecipients(),
        errors,
        c.timeouts(),
        c.trustedNetworks(),
        c.authWithoutTls(),
        c.strictLineEndings());
  }

  /** What the client received, split into replies. */
  record Outcome(String output) {

    /** Every reply, each as its lines joined with "\n" (CRLF removed). */
    List<String> replies() {
      List<String> replies = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : output.split("\r\n", -1)) {
        if (line.isEmpty()) continue;
        if (!current.isEmpty()) current.append('\n');
        current.append(line);
        if (line.length() < 4 || line.charAt(3) != '-') {
          replies.add(current.toString());
          current.setLength(0);
        }
      }
      if (!current.isEmpty()) replies.add(current.toString());
      return replies;
    }

    /** The code and enhanced code of every reply ({@code 250 2.1.0}), or just the code. */
    List<String> codes() {
      List<String> codes = new ArrayList<>();
      for (String r : replies()) {
        String last = r.substring(r.lastIndexOf('\n') + 1);
        String[] parts = last.split(" ", 3);
        boolean enhanced = parts.length > 1 && parts[1].matches("[245]\\.\\d{1,3}\\.\\d{1,3}");
        codes.add(enhanced ? parts[0] + " " + parts[1] : parts[0]);
      }
      return codes;
    }

    String last() {
      List<String> r = replies();
      return r.getLast();
    }

    String lastCode() {
      return codes().getLast();
    }
  }
}
