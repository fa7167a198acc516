package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twelve parallel Python smtplib sessions guess one login's password: the per-session slow-down
 * alone let such a crowd make hundreds of guesses. Failures are counted across sessions, per
 * address and per login: after the limit every attempt gets 454 4.7.0, the right password too,
 * until the lock ends.
 */
class PythonGuessersAreLockedOut {

  @TempDir Path dir;

  private static final String GUESSERS =
      """
      import base64, smtplib, sys, threading
      port, user = int(sys.argv[1]), sys.argv[2]
      def plain(u, p):
          return base64.b64encode(b'\\0' + u.encode() + b'\\0' + p.encode()).decode()
      codes, lock = [], threading.Lock()
      def guesser(n):
          try:
              s = smtplib.SMTP('127.0.0.1', port, timeout=120)
              s.ehlo('guesser%d.test' % n)
              for i in range(3):
                  code, resp = s.docmd('AUTH', 'PLAIN ' + plain(user, 'guess-%d-%d' % (n, i)))
                  with lock:
                      codes.append('%d %s' % (code, resp.decode().split(' ')[0]))
              s.quit()
          except smtplib.SMTPServerDisconnected:
              with lock:
                  codes.append('disconnected')
      threads = [threading.Thread(target=guesser, args=(n,)) for n in range(12)]
      for t in threads: t.start()
      for t in threads: t.join()
      for c in codes: print('guess', c)
      """;

  private static final String OWNER =
      """
      import base64, smtplib, sys
      port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
      s = smtplib.SMTP('127.0.0.1', port, timeout=120)
      s.ehlo('owner.test')
      response = base64.b64encode(b'\\0' + user.encode() + b'\\0' + password.encode()).decode()
      code, resp = s.docmd('AUTH', 'PLAIN ' + response)
      print('owner', code, resp.decode())
      s.quit()
      """;

  @Test
  void afterTheLimitEveryAttemptIsRefusedUntilTheLockEnds() throws Exception {
    try (RunningPetrel petrel =
        RunningPetrel.start(
            dir,
            Map.of(
                ConfigKey.AUTH_LOCK_FAILURES, "5",
                ConfigKey.AUTH_LOCK_WINDOW, "10m",
                ConfigKey.AUTH_LOCK_DURATION, "10s"))) {
      String password = petrel.credential("default", "app@example.com");
      String port = String.valueOf(petrel.port());

      Exec.Result guesses = Python.run(GUESSERS, port, "app@example.com");
      assertThat(guesses.exit()).as(guesses.all()).isZero();
      List<String> codes = guesses.out().lines().toList();
      assertThat(codes).as(guesses.all()).hasSize(36);
      // Exactly the limit's worth of passwords were checked and found wrong; the rest were refused.
      assertThat(codes.stream().filter(c -> c.equals("guess 535 5.7.8")))
          .as(guesses.all())
          .hasSize(5);
      assertThat(codes.stream().filter(c -> c.equals("guess 454 4.7.0")))
          .as(guesses.all())
          .hasSize(31);

      Exec.Result during = Python.run(OWNER, port, "app@example.com", password);
      assertThat(during.out().strip())
          .as(during.all())
          .isEqualTo(
              "owner 454 4.7.0 Too many failed logins from your address or for this login, try"
                  + " again later");

      String metrics = scrape(petrel);
      assertThat(metrics)
          .contains("petrel_smtp_auth_lockouts_total{node=\"local\",scope=\"address\"} 1.0")
          .contains("petrel_smtp_auth_lockouts_total{node=\"local\",scope=\"login\"} 1.0")
          .containsPattern(
              "petrel_smtp_auth_locked_refusals_total\\{node=\"local\",scope=\"address\"} [1-9]");

      // Once the lock ends the right password works again.
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () ->
                  assertThat(Python.run(OWNER, port, "app@example.com", password).out())
                      .contains("owner 235 2.7.0"));
    }
  }

  private static String scrape(RunningPetrel petrel) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client
          .send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + petrel.httpPort() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }
}
