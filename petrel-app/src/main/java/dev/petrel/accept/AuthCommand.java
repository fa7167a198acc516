package dev.petrel.accept;

import dev.petrel.protocol.Line;
import dev.petrel.protocol.Reply;
import dev.petrel.protocol.SaslPlain;
import dev.petrel.protocol.SmtpInput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * SMTP AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms, both with or without an
 * initial response. A client answers {@code *} to cancel (501 5.7.0). Wrong credentials get 535
 * 5.7.8, answered later and later as failures repeat in a session ({@link AuthThrottle}); too many
 * failures from one address or for one login, across sessions, lock it for a while ({@link
 * AuthLockout}: 454 4.7.0). An authenticator that fails for another reason gets 454 4.7.0 so the
 * client retries instead of giving up.
 */
final class AuthCommand {

  private static final String USERNAME_PROMPT =
      Base64.getEncoder().encodeToString("Username:".getBytes(StandardCharsets.US_ASCII));
  private static final String PASSWORD_PROMPT =
      Base64.getEncoder().encodeToString("Password:".getBytes(StandardCharsets.US_ASCII));

  private final SessionContext s;
  private final AuthThrottle.Pause pause;

  AuthCommand(SessionContext s, AuthThrottle.Pause pause) {
    this.s = s;
    this.pause = pause;
  }

  /** Thrown inside an exchange to end it with a reply. */
  private static final class Abort extends Exception {
    final transient Reply reply;

    Abort(Reply reply) {
      super(reply.toString(), null, false, false);
      this.reply = reply;
    }
  }

  void auth(String argument) throws IOException {
    if (s.authenticated()) {
      s.fail("AUTH", Reply.of(503, "5.5.1", "Already authenticated"));
      return;
    }
    if (s.transaction != null) {
      s.fail("AUTH", Reply.of(503, "5.5.1", "AUTH is not allowed during a mail transaction"));
      return;
    }
    if (!s.authOffered()) {
      s.fail("AUTH", Reply.of(538, "5.7.11", "Encryption required: issue STARTTLS first"));
      return;
    }
    int space = argument.indexOf(' ');
    String mechanism =
        (space < 0 ? argument : argument.substring(0, space)).toUpperCase(Locale.ROOT);
    String initial = space < 0 ? null : argument.substring(space + 1).strip();
    try {
      String[] credentials =
          switch (mechanism) {
            case "PLAIN" -> plain(initial);
            case "LOGIN" -> login(initial);
            default ->
                throw new Abort(
                    Reply.of(504, "5.5.4", "Unsupported mechanism: use PLAIN or LOGIN"));
          };
      check(mechanism, credentials[0], credentials[1], credentials[2]);
    } catch (Abort a) {
      s.fail("AUTH", a.reply);
    }
  }

  /** Returns authzid, user, password. */
  private String[] plain(String initial) throws IOException, Abort {
    String response = initial != null ? initial : challenge("");
    byte[] message = decode(response);
    try {
      SaslPlain p = SaslPlain.decode(message);
      return new String[] {p.authzid(), p.authcid(), p.password()};
    } catch (IllegalArgumentException e) {
      throw new Abort(Reply.of(501, "5.5.4", "Malformed PLAIN response"));
    }
  }

  private String[] login(String initial) throws IOException, Abort {
    String user = text(decode(initial != null ? initial : challenge(USERNAME_PROMPT)));
    String password = text(decode(challenge(PASSWORD_PROMPT)));
    return new String[] {"", user, password};
  }

  /** Sends a 334 challenge and reads the client's answer line. */
  private String challenge(String prompt) throws IOException, Abort {
    s.reply(Reply.of(334, null, prompt));
    s.awaitCommand();
    Line line = s.input.readLine(SmtpInput.MAX_AUTH_LINE);
    if (line == null || line.ending() == Line.Ending.EOF)
      throw new EOFException("connection closed during AUTH");
    if (line.tooLong()) throw new Abort(Reply.of(500, "5.5.2", "AUTH response too long"));
    String text = line.text().strip();
    if (text.equals("*")) throw new Abort(Reply.of(501, "5.7.0", "Authentication cancelled"));
    return text;
  }

  /** Base64 as RFC 4954 §4 uses it: {@code =} stands for an empty response. */
  private static byte[] decode(String response) throws Abort {
    if (response.equals("=")) return new byte[0];
    try {
      return Base64.getDecoder().decode(response);
    } catch (IllegalArgumentException e) {
      throw new Abort(Reply.of(501, "5.5.2", "Cannot decode the base64 response"));
    }
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private void check(String mechanism, String authzid, String user, String password)
      throws IOException {
    AuthLockout.Attempt attempt = null;
    if (s.lockout != null) {
      switch (s.lockout.admit(s.client, user)) {
        case AuthLockout.Locked locked -> {
          refuseLocked(mechanism, user, locked);
          return;
        }
        case AuthLockout.Attempt a -> attempt = a;
      }
    }
    Optional<String> account = Optional.empty();
    // Acting as someone else (a PLAIN authorization identity) is not supported: refuse it.
    if (authzid.isEmpty() || authzid.equals(user)) {
      try {
        account = s.authenticator.authenticate(user, password);
      } catch (RuntimeException e) {
        if (attempt != null) attempt.abandoned();
        s.event("auth error mechanism=" + mechanism + ": " + e);
        s.reply(Reply.of(454, "4.7.0", "Temporary authentication failure, try again later"));
        return;
      }
    }
    if (account.isPresent()) {
      if (attempt != null) attempt.succeeded();
      s.authUser = user;
      s.account = account.get();
      s.event("auth ok user=" + printable(user) + " mechanism=" + mechanism);
      s.reply(Reply.of(235, "2.7.0", "Authentication successful"));
      return;
    }
    List<AuthLockout.Scope> locked = attempt == null ? List.of() : attempt.failed();
    s.authFailures++;
    Duration delay = AuthThrottle.delay(s.authFailures);
    s.event(
        "auth failed user="
            + printable(user)
            + " mechanism="
            + mechanism
            + " failures="
            + s.authFailures);
    for (AuthLockout.Scope scope : locked) {
      AuthLockout.Settings set = s.lockout.settings();
      s.event(
          "auth lockout: "
              + (scope == AuthLockout.Scope.ADDRESS
                  ? "address " + s.clientText()
                  : "login " + printable(user))
              + " locked for "
              + set.lockDuration()
              + " after "
              + set.maxFailures()
              + " failed logins within "
              + set.window()
              + "; AUTH gets 454 4.7.0 until then");
      s.observer.authLockStarted(s.id, scope);
    }
    if (!delay.isZero()) {
      try {
        pause.pause(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    s.errors++;
    s.reply(Reply.of(535, "5.7.8", "Authentication credentials invalid"));
  }

  /**
   * 454 4.7.0: RFC 4954 §6 (https://www.rfc-editor.org/rfc/rfc4954#section-6) gives it for a
   * temporary authentication failure, and a lock is one: the same credentials work once it ends.
   * 535 would tell the client its password is wrong, which may not be so; 421 would end the session
   * for what is not a fault of this connection. The refusal counts as an error of the session.
   */
  private void refuseLocked(String mechanism, String user, AuthLockout.Locked locked)
      throws IOException {
    s.errors++;
    s.event(
        "auth refused user="
            + printable(user)
            + " mechanism="
            + mechanism
            + ": "
            + locked.scope().id()
            + (locked.until() == null
                ? " at its failure limit with checks still running"
                : " locked until " + locked.until()));
    s.observer.authRefusedLocked(s.id, locked.scope());
    s.reply(
        Reply.of(
            454,
            "4.7.0",
            "Too many failed logins from your address or for this login, try again later"));
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      b.append(c < 32 || c == 127 ? '?' : c);
    }
    return b.toString();
  }
}
