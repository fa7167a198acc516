package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.deliver.SmtpSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A real Petrel that delivers mail for {@value #DOMAIN} to Postfix's smtp-sink, for the tests of
 * message content: they send through a door (SMTP with Python's smtplib or swaks, the API with
 * curl) and read the octets that arrived at the sink, with smtp-sink's own envelope lines ({@code
 * X-Mail-Args}, {@code X-Rcpt-Args}) before them.
 */
final class DeliveringPetrel implements AutoCloseable {

  static final String DOMAIN = "sink.test";
  static final Duration GUARD = Duration.ofSeconds(60);

  final SmtpSink sink;
  final RunningPetrel petrel;
  final Http http;
  private final Path dir;

  private DeliveringPetrel(Path dir, SmtpSink sink, RunningPetrel petrel) {
    this.dir = dir;
    this.sink = sink;
    this.petrel = petrel;
    this.http = new Http(petrel.httpPort());
  }

  static DeliveringPetrel start(Path dir) throws Exception {
    return start(dir, Map.of());
  }

  static DeliveringPetrel start(Path dir, Map<ConfigKey, String> extra) throws Exception {
    SmtpSink sink = SmtpSink.start(dir);
    try {
      Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
      flags.put(ConfigKey.PAUSED, "false");
      flags.put(ConfigKey.ROUTE, DOMAIN + "=127.0.0.1:" + sink.port);
      flags.putAll(extra);
      return new DeliveringPetrel(dir, sink, RunningPetrel.start(dir.resolve("data"), flags));
    } catch (Exception | Error e) {
      sink.close();
      throw e;
    }
  }

  /** POSTs a message with curl; returns the answer (202 or a problem). */
  Http.Answer post(String key, String json) throws Exception {
    Path body = Files.createTempFile(dir, "request", ".json");
    Files.writeString(body, json, StandardCharsets.UTF_8);
    return http.curl("POST", "/api/v1/messages", key, "@" + body, "Content-Type: application/json");
  }

  /** POSTs a message that must be accepted; returns its queue id. */
  String send(String key, String json) throws Exception {
    Http.Answer a = post(key, json);
    assertThat(a.status()).as(a.body()).isEqualTo(202);
    return a.json().get("id").asString();
  }

  /**
   * Sends {@code message} over SMTP with Python's smtplib (from the trusted loopback, so for the
   * {@code default} account); returns the reply to the end of DATA (or to MAIL when refused).
   */
  String smtplib(String sender, List<String> recipients, byte[] message) throws Exception {
    Path file = Files.createTempFile(dir, "message", ".eml");
    Files.write(file, message);
    Exec.Result r =
        Python.run(
            """
            import smtplib, sys
            port, sender, rcpts, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
            s = smtplib.SMTP("127.0.0.1", port, timeout=60)
            s.ehlo("client.test")
            code, resp = s.mail(sender)
            if code == 250:
                for r in rcpts.split(","):
                    s.rcpt(r)
                code, resp = s.data(open(path, "rb").read())
            print(code, resp.decode())
            s.quit()
            """,
            String.valueOf(petrel.port()),
            sender,
            String.join(",", recipients),
            file.toString());
    assertThat(r.exit()).as(r.all()).isZero();
    return r.out().strip();
  }

  /** Waits until the sink has {@code n} messages; returns them in the order they arrived. */
  List<String> delivered(int n) {
    return await()
        .atMost(GUARD)
        .pollInterval(Duration.ofMillis(100))
        .until(sink::messages, m -> m.size() >= n);
  }

  /** The number of messages in Petrel's queue (accepted ones, delivered or not). */
  int queued() throws Exception {
    return petrel.store().list(1000).size();
  }

  /** The message part of a dump: what follows smtp-sink's envelope lines. */
  static String message(String dump) {
    int i = 0;
    while (dump.startsWith("X-", i)
        && dump.substring(i, dump.indexOf('\n', i)).matches("X-(Client|Helo|Mail|Rcpt)-\\S+:.*"))
      i = dump.indexOf('\n', i) + 1;
    return dump.substring(i);
  }

  /** The header section of a message (up to the empty line), unfolded, one field a line. */
  static String header(String message) {
    String m = message.replace("\r\n", "\n");
    int end = m.indexOf("\n\n");
    return (end < 0 ? m : m.substring(0, end)).replaceAll("\n[ \t]", " ");
  }

  @Override
  public void close() throws Exception {
    try {
      petrel.close();
    } finally {
      sink.close();
    }
  }
}
