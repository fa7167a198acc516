package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python smtplib sends thousands of NOOPs and RSETs (all used to be answered 250): at the junk
 * command limit (default 100) the session gets 421 4.7.0 and is closed. A client that sends mail
 * between its NOOPs never meets the limit.
 */
class PythonSmtplibJunkCommandsEndTheSession {

  @TempDir Path dir;

  private static final String FLOOD =
      """
      import smtplib, sys
      s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=60)
      s.ehlo('junk.test')
      ok = 0
      try:
          for command in ['NOOP'] * 3000 + ['RSET'] * 3000:
              code, resp = s.docmd(command)
              if code != 250:
                  print('refused', code, resp.decode())
                  break
              ok += 1
          s.docmd('NOOP')
          print('still connected')
      except smtplib.SMTPServerDisconnected:
          print('disconnected')
      print('answered', ok)
      """;

  private static final String MAILER =
      """
      import smtplib, sys
      s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=60)
      s.ehlo('mailer.test')
      for round in range(3):
          for i in range(40):
              s.noop()
              s.rset()
          s.sendmail('a@example.com', ['b@example.net'], b'Subject: round %d\\r\\n\\r\\nhi\\r\\n' % round)
      print('quit', s.quit()[0])
      """;

  @Test
  void theHundredAndFirstJunkCommandEndsTheSession() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      Exec.Result r = Python.run(FLOOD, String.valueOf(petrel.port()));
      assertThat(r.out().lines())
          .as(r.all())
          .containsExactly(
              "refused 421 4.7.0 " + RunningPetrel.HOSTNAME + " too many junk commands, closing",
              "disconnected",
              "answered 100");
    }
  }

  /** 80 junk commands before each of three messages: 240 in the session, 80 at most in a row. */
  @Test
  void junkBetweenMessagesIsCountedAfreshAfterEachOne() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      Exec.Result r = Python.run(MAILER, String.valueOf(petrel.port()));
      assertThat(r.out().strip()).as(r.all()).isEqualTo("quit 221");
      assertThat(petrel.store().list(10)).hasSize(3);
    }
  }
}
