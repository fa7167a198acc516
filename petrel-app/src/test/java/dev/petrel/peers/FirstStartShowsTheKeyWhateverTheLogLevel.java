package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    int http;
    try (ServerSocket s = new ServerSocket(0)) {
      http = s.getLocalPort();
    }
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx256m", "--enable-native-access=ALL-UNNAMED"));
    cmd.add(
        "-Dlogback.configurationFile=" + Path.of(getClass().getResource("/logback.xml").toURI()));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.petrel.app.Main"));
    cmd.addAll(
        List.of(
            "serve",
            "--data-dir",
            dir.resolve("data").toString(),
            "--smtp-port",
            "0",
            "--http-port",
            String.valueOf(http),
            "--listen-address",
            "127.0.0.1",
            "--hostname",
            "vm",
            "--paused"));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("PETREL_"));
    pb.environment().put("PETREL_LOG_LEVEL", "WARN");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = pb.start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> KEY.matcher(Files.readString(out)).find() || !p.isAlive());
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
      p.destroy();
      p.waitFor();
    }
  }
}
