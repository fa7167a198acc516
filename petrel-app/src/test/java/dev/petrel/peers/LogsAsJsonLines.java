package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PETREL_LOG_FORMAT=json}: every log line of a real {@code serve} that accepted a message
 * from curl is one JSON object (checked by Python's json module), carrying the level, the logger
 * and the message with its queue id; a format that does not exist is refused before anything runs.
 */
class LogsAsJsonLines {

  @TempDir Path dir;

  @Test
  void everyLineIsAJsonObject() throws Exception {
    try (ServeWithEnvironment p =
        ServeWithEnvironment.start(dir, Map.of("PETREL_LOG_FORMAT", "json"), "--paused")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> p.stderr().contains("listening on") || !p.process.isAlive());
      java.util.regex.Matcher port =
          java.util.regex.Pattern.compile("smtp listening on [^:]+:(\\d+)").matcher(p.stderr());
      assertThat(port.find()).as(p.stderr()).isTrue();

      Path mail = dir.resolve("mail.eml");
      Files.writeString(
          mail,
          "From: a@example.com\r\nTo: b@example.net\r\nSubject: json\r\n\r\nhello\r\n",
          StandardCharsets.UTF_8);
      Exec.Result sent =
          CurlSmtp.send(Integer.parseInt(port.group(1)), "a@example.com", "b@example.net", mail);
      assertThat(sent.exit()).as(sent.all()).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> p.stderr().contains("queued size="));

      String check =
          "import json,sys\n"
              + "n=0\n"
              + "for line in sys.stdin:\n"
              + "  o=json.loads(line)\n"
              + "  assert isinstance(o,dict), line\n"
              + "  assert o['level'] and o['loggerName'] and 'formattedMessage' in o, line\n"
              + "  assert o['context']['properties']['node'] == 'local', line\n"
              + "  n+=1\n"
              + "queued=[1 for l in open(sys.argv[1]) if 'queued size=' in json.loads(l)['formattedMessage']]\n"
              + "print(n, len(queued))\n";
      Exec.Result r =
          Exec.run(
              Duration.ofSeconds(60),
              Files.readAllBytes(p.err),
              List.of(Peers.require("python3"), "-c", check, p.err.toString()));
      assertThat(r.exit()).as(r.all()).isZero();
      String[] counts = r.out().strip().split(" ");
      assertThat(Integer.parseInt(counts[0])).as(r.all()).isGreaterThan(3);
      assertThat(counts[1]).as(r.all()).isEqualTo("1");
    }
  }

  @Test
  void anUnknownFormatIsRefused() throws Exception {
    try (ServeWithEnvironment p =
        ServeWithEnvironment.start(dir, Map.of("PETREL_LOG_FORMAT", "xml"), "--paused")) {
      assertThat(p.process.waitFor()).isEqualTo(2);
      assertThat(p.stderr()).contains("PETREL_LOG_FORMAT must be text or json, not 'xml'");
    }
  }
}
