package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.app.ConfigKey;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python sends 16 messages of one recipient each at the same moment, on 16 connections, for an
 * account whose plan allows 3 recipients a month: exactly 3 are queued (202), the others get 429,
 * and the month's count is 3, not more. Over SMTP, 10 sessions all pass RCPT before any sends DATA:
 * 3 get 250, 7 get 450 4.7.1. The count and the check are one step in the store, so requests that
 * all passed the early check cannot all be kept.
 */
class QuotaHoldsUnderConcurrentSends {

  static final String CLIENT =
      """
      import json, sys, threading, urllib.request, urllib.error
      url, key, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
      start = threading.Barrier(n)
      codes = [0] * n
      def send(i):
          body = ('{"from":"a@example.com","to":["r%d@example.net"],"text":"x"}' % i).encode()
          req = urllib.request.Request(url, method="POST", data=body,
              headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
          start.wait()
          try:
              with urllib.request.urlopen(req, timeout=60) as r:
                  codes[i] = r.status
          except urllib.error.HTTPError as e:
              problem = json.loads(e.read().decode() or "{}")
              codes[i] = "%d:%s" % (e.code, problem.get("type", "").rsplit("/", 1)[-1])
      threads = [threading.Thread(target=send, args=(i,)) for i in range(n)]
      for t in threads: t.start()
      for t in threads: t.join()
      print(" ".join(str(c) for c in codes))
      """;

  /** n SMTP sessions of one login: all pass RCPT, wait for each other, then send DATA. */
  static final String SMTP =
      """
      import smtplib, sys, threading
      port, password, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
      ready = threading.Barrier(n)
      codes = [""] * n
      def send(i):
          s = smtplib.SMTP("127.0.0.1", port, timeout=60)
          s.ehlo()
          s.login("app@example.com", password)
          s.mail("a@example.com")
          code, text = s.rcpt("r%d@example.net" % i)
          ready.wait()
          if code != 250:
              codes[i] = "rcpt-%d" % code
          else:
              code, text = s.data(b"Subject: x\\r\\n\\r\\nx\\r\\n")
              codes[i] = "%d-%s" % (code, text.decode().split(" ")[0])
          s.quit()
      threads = [threading.Thread(target=send, args=(i,)) for i in range(n)]
      for t in threads: t.start()
      for t in threads: t.join()
      print(" ".join(codes))
      """;

  @TempDir Path dir;
  RunningPetrel petrel;

  @BeforeEach
  void start() throws Exception {
    petrel =
        RunningPetrel.start(
            dir.resolve("data"),
            Map.of(
                ConfigKey.PLANS,
                "tiny=3",
                ConfigKey.TRUSTED_NETWORKS,
                "",
                ConfigKey.AUTH_WITHOUT_TLS,
                "true"));
  }

  @AfterEach
  void stop() {
    if (petrel != null) petrel.close();
  }

  @Test
  void exactlyTheRecipientsLeftInTheQuotaAreQueued() throws Exception {
    String key = petrel.apiKey("small");
    petrel.server().accounts().setPlan("small", "tiny");
    Exec.Result r =
        Python.run(CLIENT, "http://127.0.0.1:" + petrel.httpPort() + "/api/v1/messages", key, "16");
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> codes = Arrays.asList(r.out().strip().split(" "));
    assertThat(codes).hasSize(16);
    assertThat(codes.stream().filter("202"::equals).count()).as(r.out()).isEqualTo(3);
    assertThat(codes.stream().filter("429:quota"::equals).count()).as(r.out()).isEqualTo(13);
    assertThat(petrel.server().accounts().usage("small", YearMonth.now(ZoneOffset.UTC)))
        .isEqualTo(3);
    assertThat(petrel.store().list(100)).hasSize(3);
  }

  @Test
  void smtpSessionsThatAllPassedRcptAreKeptOnlyWhileTheQuotaLasts() throws Exception {
    petrel.apiKey("small");
    petrel.server().accounts().setPlan("small", "tiny");
    String password = petrel.credential("small", "app@example.com");
    Exec.Result r = Python.run(SMTP, Integer.toString(petrel.port()), password, "10");
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> codes = Arrays.asList(r.out().strip().split(" "));
    assertThat(codes).as(r.out()).hasSize(10).allMatch(c -> !c.startsWith("rcpt"));
    assertThat(codes.stream().filter(c -> c.startsWith("250-")).count()).as(r.out()).isEqualTo(3);
    assertThat(codes.stream().filter("450-4.7.1"::equals).count()).as(r.out()).isEqualTo(7);
    assertThat(petrel.server().accounts().usage("small", YearMonth.now(ZoneOffset.UTC)))
        .isEqualTo(3);
    assertThat(petrel.store().list(100)).hasSize(3);
  }
}
