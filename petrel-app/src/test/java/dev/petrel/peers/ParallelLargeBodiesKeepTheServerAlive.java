package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.accounts.Account;
import dev.petrel.api.ApiServer;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code petrel serve} process with the launcher's default heap (-Xmx512m) takes 16 curl
 * processes posting message bodies just under the documented request limit at once (together about
 * 575 MiB of JSON, more than the whole heap, and several times that once parsed), from four
 * accounts, one in four of them chunked (no length given, charged as read); then six Python
 * http.client threads, which send the whole body before reading the answer, do the same. The server
 * stays alive without an OutOfMemoryError; every answer is a success or an RFC 9457 problem (413
 * too large, 429 or 503 busy with Retry-After); at least one large request is served; and another
 * account's small message is accepted during the load and after it.
 */
class ParallelLargeBodiesKeepTheServerAlive {

  private static final Pattern HTTP_PORT = Pattern.compile("HTTP API listening on port (\\d+)");
  private static final int PARALLEL = 16;
  private static final List<String> HEAVY = List.of("a1", "a2", "a3", "a4");

  private static final int PYTHON_THREADS = 6;

  /** Threads posting the file at once; prints "status retry-after" per answer. */
  private static final String PYTHON_CLIENTS =
      """
      import http.client, sys, threading
      port, path, keys = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
      body = open(path, "rb").read()
      lines = []
      def post(key):
          c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
          c.request("POST", "/api/v1/messages", body=body, headers={
              "Authorization": "Bearer " + key, "Content-Type": "application/json"})
          r = c.getresponse()
          r.read()
          lines.append("%d %s" % (r.status, r.getheader("Retry-After") or "-"))
      threads = [threading.Thread(target=post, args=(keys[i % len(keys)],)) for i in range(6)]
      for t in threads: t.start()
      for t in threads: t.join()
      print("\\n".join(lines))
      """;

  @TempDir Path dir;

  record Answer(int status, Map<String, String> headers, String body) {}

  @Test
  void everyAnswerIsSuccessOrProblemAndTheServerSurvives() throws Exception {
    String curl = Peers.require("curl");
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Map<String, String> keys = new LinkedHashMap<>();
    try (SqliteMessageStore store =
        SqliteMessageStore.open(data, SqliteStoreOptions.defaults(), InstantSource.system())) {
      for (String account : concat(HEAVY, List.of("quiet"))) {
        store.accounts().createAccount(new Account(account, "unlimited", Instant.now()));
        keys.put(account, store.accounts().createKey(account, Instant.now()).secret());
      }
    }
    Path big = largeBody(dir.resolve("big.json"));
    assertThat(Files.size(big))
        .isLessThanOrEqualTo(ApiServer.MAX_REQUEST_BYTES)
        .isGreaterThan(ApiServer.MAX_REQUEST_BYTES * 9 / 10);
    Path small = dir.resolve("small.json");
    Files.writeString(
        small, "{\"from\":\"q@example.com\",\"to\":\"x@example.net\",\"text\":\"hello\"}");

    try (PetrelProcess petrel =
        PetrelProcess.serve(List.of("-Xms32m", "-Xmx512m"), data, dir.resolve("serve.log"))) {
      int port = httpPort(petrel);
      List<Answer> large;
      Answer during;
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<Answer>> futures = new ArrayList<>();
        for (int i = 0; i < PARALLEL; i++) {
          String key = keys.get(HEAVY.get(i % HEAVY.size()));
          // one in four without a length (chunked): charged as it is read
          String[] extra = i % 4 == 3 ? new String[] {"Transfer-Encoding: chunked"} : new String[0];
          futures.add(pool.submit(() -> post(curl, port, key, big, extra)));
        }
        during = post(curl, port, keys.get("quiet"), small);
        large = new ArrayList<>();
        for (Future<Answer> f : futures) large.add(f.get());
      }
      // Python's http.client sends the whole body before it reads the answer (no Expect:
      // 100-continue): a refused request's body is skipped, so it still gets its answer
      Exec.Result python =
          Python.run(
              PYTHON_CLIENTS,
              String.valueOf(port),
              big.toString(),
              keys.get(HEAVY.get(0)),
              keys.get(HEAVY.get(1)));
      assertThat(python.exit()).as(python.err()).isZero();
      List<String> pythonAnswers = List.of(python.out().strip().split("\n"));
      assertThat(pythonAnswers).hasSize(PYTHON_THREADS);
      for (String line : pythonAnswers)
        assertThat(line).as(python.out()).matches("(202 -|413 -|(429|503) [1-9][0-9]*)");
      Answer after = post(curl, port, keys.get("quiet"), small);

      String log = petrel.log();
      assertThat(log).doesNotContain("OutOfMemoryError");
      assertThat(petrel.process().isAlive()).as(log).isTrue();
      assertThat(during.status()).as(during.body()).isEqualTo(202);
      assertThat(after.status()).as(after.body()).isEqualTo(202);
      for (Answer a : large) {
        assertThat(a.status()).as(a.body()).isIn(202, 413, 429, 503);
        if (a.status() != 202) {
          assertThat(a.headers().get("content-type")).startsWith("application/problem+json");
          assertThat(a.body()).contains("\"status\":" + a.status());
        }
        if (a.status() == 429 || a.status() == 503)
          assertThat(Long.parseLong(a.headers().get("retry-after"))).isPositive();
      }
      // the budget refuses what does not fit, not everything: large requests are still served
      // (accepted, or judged on their content once read)
      assertThat(large).anyMatch(a -> a.status() == 202 || a.status() == 413);
      assertThat(large).anyMatch(a -> a.status() == 429 || a.status() == 503);
      assertThat(post(curl, port, null, small).status()).isEqualTo(401);
      System.out.println(
          "answers to "
              + PARALLEL
              + " parallel bodies of "
              + Files.size(big)
              + " bytes: "
              + large.stream().map(Answer::status).toList());
    }
  }

  /** A message with one attachment, whose JSON body is just under the documented limit. */
  private static Path largeBody(Path file) throws IOException {
    long target = ApiServer.MAX_REQUEST_BYTES - 64 * 1024;
    int raw = (int) (target / 4 * 3);
    byte[] bytes = new byte[raw];
    new Random(7).nextBytes(bytes);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(
          ("{\"from\":\"a@example.com\",\"to\":\"x@example.net\",\"subject\":\"big\",\"text\":\"see"
                  + " the file\",\"attachments\":[{\"filename\":\"f.bin\",\"content_type\":"
                  + "\"application/octet-stream\",\"content\":\"")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(Base64.getEncoder().encode(bytes));
      out.write("\"}]}".getBytes(StandardCharsets.US_ASCII));
    }
    return file;
  }

  private static Answer post(String curl, int port, String key, Path body, String... headers) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                curl,
                "-sS",
                "-i",
                "--max-time",
                "300",
                "-H",
                "Content-Type: application/json",
                "--data-binary",
                "@" + body,
                "http://127.0.0.1:" + port + "/api/v1/messages"));
    if (key != null) cmd.addAll(List.of("-H", "Authorization: Bearer " + key));
    for (String h : headers) cmd.addAll(List.of("-H", h));
    Exec.Result r = Exec.run(Duration.ofMinutes(6), cmd);
    assertThat(r.exit()).as("curl: " + r.err()).isZero();
    Http.Answer a = Http.parse(r.out());
    return new Answer(a.status(), a.headers(), a.body());
  }

  private static int httpPort(PetrelProcess petrel) {
    Matcher m = HTTP_PORT.matcher(petrel.log());
    if (!m.find()) throw new IllegalStateException("no HTTP port in the log:\n" + petrel.log());
    return Integer.parseInt(m.group(1));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
