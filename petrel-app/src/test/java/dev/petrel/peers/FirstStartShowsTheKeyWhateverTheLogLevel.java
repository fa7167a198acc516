package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first {@code serve} under {@code PETREL_LOG_LEVEL=WARN}, as an operator who wants a quiet log
 * runs it: the one-time API key is still printed on standard output (and never in the log), the key
 * works over curl, and the bare host name {@code vm} draws a warning saying how to set a fully
 * qualified one.
 */
class FirstStartShowsTheKeyWhateverTheLogLevel {

  private static final Pattern KEY =
      Pattern.compile("its API key \\(shown only this once\\): (\\S+)");

  @TempDir Path dir;

  @Test
  void quietLogStillShowsTheKeyAndWarnsAboutAnUnqualifiedHostName() throws Exception {
    ServeWithEnvironment p =
        ServeWithEnvironment.start(
            dir, Map.of("PETREL_LOG_LEVEL", "WARN"), "--hostname", "vm", "--paused");
    int http = p.httpPort;
    Path out = p.out;
    Path err = p.err;
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> KEY.matcher(Files.readString(out)).find() || !p.process.isAlive());
      Matcher m = KEY.matcher(Files.readString(out));
      assertThat(m.find()).as(Files.readString(err)).isTrue();
      String key = m.group(1);

      String curl = Peers.require("curl");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  Exec.run(
                              Duration.ofSeconds(30),
                              List.of(
                                  curl,
                                  "-s",
                                  "-o",
                                  "/dev/null",
                                  "http://127.0.0.1:" + http + "/healthz"))
                          .exit()
                      == 0);
      Exec.Result r =
          Exec.run(
              Duration.ofSeconds(30),
              List.of(
                  curl,
                  "-s",
                  "-o",
                  "/dev/null",
                  "-w",
                  "%{http_code}",
                  "-H",
                  "Authorization: Bearer " + key,
                  "http://127.0.0.1:" + http + "/api/v1/messages"));
      assertThat(r.out()).as(r.all()).isEqualTo("200");

      String log = Files.readString(err);
      assertThat(log)
          .contains("the host name 'vm' is not a fully qualified domain name")
          .contains("--hostname")
          .doesNotContain(key)
          .doesNotContain(" INFO ");
    } finally {
      p.close();
    }
  }
}
