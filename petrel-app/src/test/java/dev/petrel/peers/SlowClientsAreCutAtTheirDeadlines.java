package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.app.ConfigKey;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Python client on a real socket sends one octet (or one line) every half second: each read
 * arrives well inside the socket timeout, which used to restart with every octet and so kept such a
 * session alive for ever. Now a command line, a message's data and a session each have a deadline;
 * at it the client gets 421 4.4.2 and the connection closes.
 */
class SlowClientsAreCutAtTheirDeadlines {

  @TempDir Path dir;

  private static final String CLIENT =
      """
      import select, socket, sys, time
      port, mode = int(sys.argv[1]), sys.argv[2]
      s = socket.create_connection(('127.0.0.1', port), timeout=120)
      f = s.makefile('rb')
      def reply():
          while True:
              line = f.readline()
              if not line:
                  return 'EOF'
              line = line.decode().rstrip('\\r\\n')
              if len(line) < 4 or line[3] != '-':
                  return line
      def say(command):
          s.sendall(command + b'\\r\\n')
          return reply()
      def answered():
          return select.select([s], [], [], 0.5)[0]
      reply()
      say(b'EHLO slow.test')
      if mode == 'command':
          line = b'MAIL FROM:<slow@example.org> BODY=8BITMIME\\r\\n'
          sent = 0
          for octet in line:
              s.sendall(bytes([octet]))
              sent += 1
              if answered():
                  break
          print('sent', sent, 'of', len(line))
      elif mode == 'data':
          say(b'MAIL FROM:<slow@example.org>')
          say(b'RCPT TO:<bob@example.net>')
          print('data', say(b'DATA'))
          sent = 0
          for i in range(60):
              s.sendall(b'line %d\\r\\n' % i)
              sent += 1
              if answered():
                  break
          print('lines', sent)
      if mode == 'session':
          for i in range(60):
              answer = say(b'NOOP')
              if not answer.startswith('250'):
                  break
              time.sleep(0.5)
          print('noops', i)
      else:
          answer = reply()
      print('reply', answer)
      print('then', reply())
      """;

  private static Exec.Result run(RunningPetrel petrel, String mode) {
    Exec.Result r = Python.run(CLIENT, String.valueOf(petrel.port()), mode);
    assertThat(r.exit()).as(r.all()).isZero();
    return r;
  }

  @Test
  void aCommandLineTrickledOctetByOctetIsCut() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir, Map.of(ConfigKey.COMMAND_TIMEOUT, "2s"))) {
      Exec.Result r = run(petrel, "command");
      assertThat(r.out())
          .as(r.all())
          .contains(
              "reply 421 4.4.2 "
                  + RunningPetrel.HOSTNAME
                  + " command not received in time, closing connection\nthen EOF");
      // The session ended long before the line was complete (2 octets a second).
      var m = java.util.regex.Pattern.compile("sent (\\d+) of (\\d+)").matcher(r.out());
      assertThat(m.find()).as(r.all()).isTrue();
      assertThat(Integer.parseInt(m.group(1))).isLessThan(Integer.parseInt(m.group(2)));
    }
  }

  @Test
  void messageDataTrickledLineByLineIsCutAndNothingIsKept() throws Exception {
    try (RunningPetrel petrel =
        RunningPetrel.start(
            dir, Map.of(ConfigKey.MESSAGE_TIMEOUT, "3s", ConfigKey.DATA_TIMEOUT, "1m"))) {
      Exec.Result r = run(petrel, "data");
      assertThat(r.out()).as(r.all()).contains("data 354 ");
      assertThat(r.out())
          .as(r.all())
          .contains(
              "reply 421 4.4.2 "
                  + RunningPetrel.HOSTNAME
                  + " message data not received in time, closing connection\nthen EOF");
      assertThat(r.out()).doesNotContain("lines 60");
      assertThat(petrel.store().list(10)).isEmpty();
    }
  }

  @Test
  void aSessionOfPromptCommandsEndsAtTheSessionLimit() throws Exception {
    try (RunningPetrel petrel =
        RunningPetrel.start(
            dir, Map.of(ConfigKey.SESSION_TIMEOUT, "3s", ConfigKey.COMMAND_TIMEOUT, "1m"))) {
      Exec.Result r = run(petrel, "session");
      assertThat(r.out())
          .as(r.all())
          .contains(
              "reply 421 4.4.2 "
                  + RunningPetrel.HOSTNAME
                  + " session time limit reached, closing connection\nthen EOF");
    }
  }
}
