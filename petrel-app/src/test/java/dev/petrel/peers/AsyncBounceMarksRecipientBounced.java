package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.app.ConfigKey;
import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole VERP loop against real peers: {@code petrel serve} delivers a message to Postfix's
 * {@code smtp-sink} (a static route), announcing {@code MAIL FROM:<bounces+TOKEN@bounce domain>};
 * swaks then sends a real Postfix bounce (from the Sisimai corpus, with the recipient and the
 * return path filled in) to that address, and the recipient, delivered before, turns {@code
 * bounced} in {@code petrel queue show --json} with an {@code async-bounce} attempt. swaks to a
 * forged token gets 550 5.1.1.
 */
class AsyncBounceMarksRecipientBounced {

  static final Duration GUARD = Duration.ofSeconds(90);
  static final String BOUNCE_DOMAIN = "bounces.petrel.test";
  static final Pattern MAIL_ARGS = Pattern.compile("X-Mail-Args: <([^>]*)>");

  @TempDir Path dir;
  Process sink;

  @AfterEach
  void stopSink() throws InterruptedException {
    if (sink != null) {
      sink.destroy();
      if (!sink.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) sink.destroyForcibly();
    }
  }

  @Test
  void aBounceToTheReturnPathBouncesTheDeliveredRecipient() throws Exception {
    String smtpSink = Peers.require("smtp-sink");
    Peers.require("swaks");
    Path dumps = Files.createDirectories(dir.resolve("dumps"));
    int sinkPort = startSink(smtpSink, dumps);

    try (RunningPetrel petrel =
        RunningPetrel.start(
            dir.resolve("data"),
            Map.of(
                ConfigKey.PAUSED,
                "false",
                ConfigKey.ROUTE,
                "dest.test=127.0.0.1:" + sinkPort,
                ConfigKey.BOUNCE_DOMAIN,
                BOUNCE_DOMAIN))) {
      Swaks.Run sent =
          Swaks.run(
              petrel.port(),
              "--from",
              "app@sender.test",
              "--to",
              "bob@dest.test",
              "--header",
              "Subject: hello bob");
      String id = sent.queuedId();
      assertThat(id).as(sent.transcript()).isNotNull();
      await().atMost(GUARD).until(() -> state(petrel, id) == RecipientState.DELIVERED);

      // The sink saw the VERP return path, not the sender's address.
      String returnPath = await().atMost(GUARD).until(() -> mailFrom(dumps), r -> r != null);
      assertThat(returnPath)
          .startsWith("bounces+" + id.toLowerCase() + "-0-")
          .endsWith("@" + BOUNCE_DOMAIN);

      // A real Postfix bounce, sent back to the return path by a remote server.
      Path bounce = dir.resolve("bounce.eml");
      Files.writeString(
          bounce,
          Files.readString(
                  Path.of("..", "corpus", "sisimai", "maildir", "bsd", "lhost-postfix-04.eml"),
                  StandardCharsets.ISO_8859_1)
              .replace("kijitora@example.co.jp", "bob@dest.test")
              .replace("To: shironeko@example.ne.jp", "To: " + returnPath),
          StandardCharsets.ISO_8859_1);
      Swaks.Run back =
          Swaks.run(
              petrel.port(), "--from", "", "--to", returnPath, "--data", "@" + bounce.toString());
      assertThat(back.replies()).as(back.transcript()).contains("250 2.0.0 Ok: report received");
      assertThat(back.queuedId()).isNull();

      assertThat(state(petrel, id)).isEqualTo(RecipientState.BOUNCED);
      JsonNode bob = queueShow(petrel.dataDir(), id).get("recipients").get(0);
      assertThat(bob.get("state").asString()).isEqualTo("bounced");
      JsonNode attempts = bob.get("attempts");
      assertThat(attempts).hasSize(2);
      assertThat(attempts.get(0).get("code").asInt()).isEqualTo(250);
      JsonNode async = attempts.get(1);
      assertThat(async.get("phase").asString()).isEqualTo("async-bounce");
      assertThat(async.get("mx").asString()).isEqualTo("mx01.example.co.jp");
      assertThat(async.get("code").asInt()).isEqualTo(550);
      assertThat(async.get("enhanced").asString()).isEqualTo("5.1.1");
      assertThat(async.get("bounce").asString()).isEqualTo("hard");
      assertThat(async.get("reason").asString()).isEqualTo("userunknown");
      assertThat(petrel.store().findSuppression("default", "bob@dest.test")).isPresent();

      // A forged token (another message's id, a made-up mac) gets 550 5.1.1.
      String forged = returnPath.replaceFirst("-0-[0-9a-f]+@", "-0-00112233445566778899@");
      Swaks.Run refused =
          Swaks.run(petrel.port(), "--from", "", "--to", forged, "--data", "@" + bounce.toString());
      assertThat(refused.replies())
          .as(refused.transcript())
          .anyMatch(r -> r.startsWith("550 5.1.1 "));
    }
  }

  /** Starts smtp-sink on a free loopback port, dumping each message into {@code dumps}. */
  private int startSink(String binary, Path dumps) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    // smtp-sink run by root drops to nobody, who must be able to write the dumps
    Files.setPosixFilePermissions(dumps, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    List<String> cmd = new ArrayList<>(List.of(binary));
    if ("root".equals(System.getProperty("user.name"))) cmd.addAll(List.of("-u", "nobody"));
    cmd.addAll(List.of("-d", dumps + "/%H%M%S.", "127.0.0.1:" + port, "50"));
    sink =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("smtp-sink.log").toFile())
            .start();
    final int p = port;
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              if (!sink.isAlive())
                throw new IllegalStateException(
                    "smtp-sink exited: " + Files.readString(dir.resolve("smtp-sink.log")));
              try (Socket s = new Socket(InetAddress.getLoopbackAddress(), p)) {
                return true;
              } catch (IOException e) {
                return false;
              }
            });
    return port;
  }

  /** The MAIL FROM address of the first message the sink dumped, or null before one arrived. */
  private static String mailFrom(Path dumps) throws IOException {
    try (Stream<Path> files = Files.list(dumps)) {
      for (Path f : files.sorted().toList()) {
        Matcher m = MAIL_ARGS.matcher(Files.readString(f, StandardCharsets.ISO_8859_1));
        if (m.find()) return m.group(1);
      }
    }
    return null;
  }

  private static RecipientState state(RunningPetrel petrel, String id) throws Exception {
    return petrel.find(id).orElseThrow().recipients().getFirst().state();
  }

  /** {@code petrel queue show ID --json}, run as its own process, as an operator would. */
  private JsonNode queueShow(Path dataDir, String id) throws Exception {
    Path out = dir.resolve("queue-show.out");
    try (PetrelProcess p =
        PetrelProcess.launch(
            out,
            "queue",
            "show",
            "--data-dir",
            dataDir.toString(),
            QueueId.parse(id).value(),
            "--json")) {
      assertThat(p.waitFor(GUARD)).as(p.log()).isZero();
      String json =
          p.log()
              .lines()
              .filter(l -> l.startsWith("{"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(p.log()));
      return JsonMapper.builder().build().readTree(json);
    }
  }
}
