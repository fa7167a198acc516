package dev.petrel.accept;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The delivery simulator reads commands with the listener's {@code protocol} classes: a malformed
 * command gets the very reply line the listener sends (code, enhanced code and text). Each case
 * runs the same lines against the listener's session and against a running simulator over TCP, and
 * compares the last reply; the expected code is written down too, so that both cannot drift
 * together.
 */
@Timeout(60)
class SimulatorRefusesMalformedCommandsLikeTheListenerTest {

  private static SimulatorServer simulator;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    simulator = new SimulatorServer(SimulatorOptions.DEFAULTS);
    port = simulator.start(0);
  }

  @AfterAll
  static void stop() {
    simulator.stop();
  }

  static Stream<List<String>> cases() {
    String mail = "MAIL FROM:<a@example.org>";
    return Stream.of(
        List.of("500 5.5.2", "EHLO client.test", "FROB x"),
        List.of("500 5.5.2", "EHLO client.test", ""),
        List.of("502 5.5.1", "EHLO client.test", "EXPN staff"),
        List.of("501 5.5.4", "EHLO client.test", "QUIT now"),
        List.of("501 5.5.4", "EHLO"),
        List.of("503 5.5.1", mail),
        List.of("501 5.5.4", "EHLO client.test", "MAIL"),
        List.of("501 5.5.4", "EHLO client.test", "MAIL TO:<a@example.org>"),
        List.of("501 5.1.7", "EHLO client.test", "MAIL FROM:a@example.org"),
        List.of("501 5.1.7", "EHLO client.test", "MAIL FROM:<a@example.org"),
        List.of("501 5.1.7", "EHLO client.test", "MAIL FROM:<no-domain>"),
        List.of("501 5.5.4", "EHLO client.test", "MAIL FROM:<a@example.org>SIZE=1"),
        List.of("501 5.5.4", "EHLO client.test", "MAIL FROM:<a@example.org> SIZE=ten"),
        List.of("501 5.5.4", "EHLO client.test", "MAIL FROM:<a@example.org> BODY=9BIT"),
        List.of("501 5.5.4", "EHLO client.test", "MAIL FROM:<a@example.org> SIZE=1 SIZE=2"),
        List.of("555 5.5.4", "EHLO client.test", "MAIL FROM:<a@example.org> COLOUR=red"),
        List.of("553 5.6.7", "EHLO client.test", "MAIL FROM:<jörg@example.org>"),
        List.of("503 5.5.1", "EHLO client.test", mail, mail),
        List.of("501 5.1.3", "EHLO client.test", mail, "RCPT TO:<>"),
        List.of("501 5.1.3", "EHLO client.test", mail, "RCPT TO:<a@b@>"),
        List.of("501 5.5.4", "EHLO client.test", mail, "RCPT TO:<b@example.net> NOTIFY=SOMETIMES"),
        List.of("555 5.5.4", "EHLO client.test", mail, "RCPT TO:<b@example.net> COLOUR=red"),
        List.of("553 5.6.7", "EHLO client.test", mail, "RCPT TO:<jörg@example.net>"),
        List.of("501 5.5.4", "EHLO client.test", mail, "RCPT TO:<b@example.net>", "DATA now"),
        List.of("501 5.5.4", "EHLO client.test", mail, "RCPT TO:<b@example.net>", "BDAT ten"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void bothSendTheSameReply(List<String> c) throws Exception {
    String expected = c.getFirst();
    List<String> lines = c.subList(1, c.size());
    String fromListener = listener(lines);
    String fromSimulator = simulator(lines);
    assertThat(fromListener).startsWith(expected + " ");
    assertThat(fromSimulator).isEqualTo(fromListener);
  }

  /** The listener's reply to the last of these lines (the session ends when the input does). */
  private static String listener(List<String> lines) {
    SessionHarness h = new SessionHarness();
    h.lines(lines.toArray(String[]::new));
    return h.run().last().lines().toList().getLast();
  }

  /** The simulator's reply to the last of these lines, over a real connection. */
  private static String simulator(List<String> lines) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), UTF_8));
      OutputStream out = s.getOutputStream();
      List<String> replies = new ArrayList<>();
      replies.add(reply(in));
      for (String line : lines) {
        out.write((line + "\r\n").getBytes(UTF_8));
        out.flush();
        replies.add(reply(in));
      }
      return replies.getLast();
    }
  }

  /** The last line of the next reply. */
  private static String reply(BufferedReader in) throws Exception {
    while (true) {
      String line = in.readLine();
      if (line == null || line.length() < 4 || line.charAt(3) == ' ') return line;
    }
  }
}
