package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.accounts.AccountStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python sends one message 12 times at the same moment with one {@code Idempotency-Key}: one
 * message is queued and every answer names it. A key that another node is still using (taken in the
 * store as that node would) gets 409 with Retry-After, and once that node stored its answer, the
 * answer.
 */
class IdempotencyKeyQueuesOnce {

  /** n concurrent POSTs of one body with one key; prints "status:id-or-type:replayed" each. */
  static final String CLIENT =
      """
      import json, sys, threading, urllib.request, urllib.error
      url, key, idem, body, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
      start = threading.Barrier(n)
      out = [""] * n
      def send(i):
          req = urllib.request.Request(url, method="POST", data=body.encode(),
              headers={"Authorization": "Bearer " + key, "Content-Type": "application/json",
                       "Idempotency-Key": idem})
          start.wait()
          try:
              with urllib.request.urlopen(req, timeout=60) as r:
                  out[i] = "%d:%s:%s" % (r.status, json.loads(r.read())["id"],
                                         r.headers.get("Idempotent-Replayed") or "-")
          except urllib.error.HTTPError as e:
              problem = json.loads(e.read().decode() or "{}")
              out[i] = "%d:%s:%s" % (e.code, problem.get("type", "").rsplit("/", 1)[-1],
                                     e.headers.get("Retry-After") or "-")
      threads = [threading.Thread(target=send, args=(i,)) for i in range(n)]
      for t in threads: t.start()
      for t in threads: t.join()
      print(" ".join(out))
      """;

  static final String BODY =
      "{\"from\":\"a@example.com\",\"to\":[\"r@example.net\"],\"text\":\"x\"}";

  @TempDir Path dir;
  RunningPetrel petrel;
  String key;

  @BeforeEach
  void start() throws Exception {
    petrel = RunningPetrel.start(dir.resolve("data"));
    key = petrel.apiKey("acme");
  }

  @AfterEach
  void stop() {
    if (petrel != null) petrel.close();
  }

  List<String> send(String idem, int n) {
    Exec.Result r =
        Python.run(
            CLIENT,
            "http://127.0.0.1:" + petrel.httpPort() + "/api/v1/messages",
            key,
            idem,
            BODY,
            Integer.toString(n));
    assertThat(r.exit()).as(r.err()).isZero();
    return Arrays.asList(r.out().strip().split(" "));
  }

  @Test
  void concurrentRequestsWithOneKeyQueueOneMessage() throws Exception {
    List<String> answers = send("order-17", 12);
    assertThat(answers).hasSize(12).allMatch(a -> a.startsWith("202:"), "all accepted");
    assertThat(answers.stream().map(a -> a.split(":")[1]).distinct()).hasSize(1);
    assertThat(answers.stream().filter(a -> a.endsWith(":true"))).hasSize(11);
    assertThat(petrel.store().list(100)).hasSize(1);
  }

  @Test
  void aKeyAnotherNodeIsUsingIsAnswered409ThenTheFirstAnswer() throws Exception {
    AccountStore accounts = petrel.server().accounts();
    String fingerprint =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(BODY.getBytes(StandardCharsets.UTF_8)));
    assertThat(accounts.reserveIdempotent("acme", "busy-key", fingerprint, Instant.now()))
        .isEmpty();
    assertThat(send("busy-key", 1)).containsExactly("409:idempotency-in-progress:1");
    assertThat(petrel.store().list(100)).isEmpty();

    accounts.saveIdempotent(
        "acme",
        "busy-key",
        new AccountStore.IdempotentAnswer(fingerprint, 202, "{\"id\":\"FROMOTHERNODE\"}"),
        Instant.now());
    assertThat(send("busy-key", 1)).containsExactly("202:FROMOTHERNODE:true");
    assertThat(petrel.store().list(100)).isEmpty();
  }
}
