package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.app.ConfigKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad sequences and bad commands, sent by Python's smtplib ({@code docmd}), each get the reply the
 * listener's reply table gives, with its enhanced code.
 */
class PythonSmtplibMeetsExactRefusals {

  @TempDir Path dir;

  private static final String SCRIPT =
      """
      import smtplib, sys
      s = smtplib.SMTP(timeout=60)
      s.connect('127.0.0.1', int(sys.argv[1]))
      def say(cmd):
          code, resp = s.docmd(cmd)
          print(cmd, '=>', code, resp.decode().replace('\\n', ' | '))
      say('MAIL FROM:<a@example.com>')
      s.ehlo('python.test')
      say('RCPT TO:<b@example.net>')
      say('DATA')
      say('MAIL FROM:<a@example.com>')
      say('MAIL FROM:<a@example.com>')
      say('DATA')
      say('RSET')
      say('MAIL FROM:<not an address>')
      say('MAIL FROM:<a@example.com> FROBNICATE=1')
      say('MAIL FROM:<a@example.com> SIZE=999999999999')
      say('MAIL FROM:<a@example.com>')
      say('RCPT TO:<b@@example.net>')
      say('EXPN staff')
      say('VRFY bob')
      say('WIBBLE')
      say('RSET')
      say('AUTH CRAM-MD5')
      say('NOOP')
      say('QUIT')
      """;

  @Test
  void everyRefusalHasItsCodeAndEnhancedCode() throws Exception {
    // More errors than the default limit of 10 are made here on purpose.
    try (RunningPetrel petrel = RunningPetrel.start(dir, Map.of(ConfigKey.MAX_ERRORS, "50"))) {
      Exec.Result r = Python.run(SCRIPT, String.valueOf(petrel.port()));
      assertThat(r.exit()).as(r.all()).isZero();
      List<String> lines = r.out().lines().toList();
      // Exact replies; the two address refusals are checked up to their code and enhanced code,
      // since their text says what exactly is wrong with the address.
      List<String> expected =
          List.of(
              "MAIL FROM:<a@example.com> => 503 5.5.1 Send EHLO or HELO first",
              "RCPT TO:<b@example.net> => 503 5.5.1 Need MAIL before RCPT",
              "DATA => 503 5.5.1 Need MAIL before DATA",
              "MAIL FROM:<a@example.com> => 250 2.1.0 Sender ok",
              "MAIL FROM:<a@example.com> => 503 5.5.1 Nested MAIL command: a transaction is in"
                  + " progress",
              "DATA => 503 5.5.1 Need RCPT before DATA",
              "RSET => 250 2.0.0 Ok",
              "MAIL FROM:<not an address> => 501 5.1.7 ",
              "MAIL FROM:<a@example.com> FROBNICATE=1 => 555 5.5.4 Unsupported MAIL parameter"
                  + " FROBNICATE",
              "MAIL FROM:<a@example.com> SIZE=999999999999 => 552 5.3.4 Message size exceeds the"
                  + " limit of 26214400 octets",
              "MAIL FROM:<a@example.com> => 250 2.1.0 Sender ok",
              "RCPT TO:<b@@example.net> => 501 5.1.3 ",
              "EXPN staff => 502 5.5.1 EXPN is not implemented",
              "VRFY bob => 252 2.0.0 Cannot verify mailboxes; send the message to find out",
              "WIBBLE => 500 5.5.2 Unknown command",
              "RSET => 250 2.0.0 Ok",
              "AUTH CRAM-MD5 => 504 5.5.4 Unsupported mechanism: use PLAIN or LOGIN",
              "NOOP => 250 2.0.0 Ok",
              "QUIT => 221 2.0.0 " + RunningPetrel.HOSTNAME + " closing connection");
      assertThat(lines).as(r.all()).hasSameSizeAs(expected);
      for (int i = 0; i < expected.size(); i++) {
        String e = expected.get(i);
        if (e.endsWith(" ")) assertThat(lines.get(i)).as(r.all()).startsWith(e);
        else assertThat(lines.get(i)).as(r.all()).isEqualTo(e);
      }
    }
  }

  private static final String FLOOD =
      """
      import smtplib, sys
      s = smtplib.SMTP(timeout=60)
      s.connect('127.0.0.1', int(sys.argv[1]))
      try:
          for i in range(20):
              code, resp = s.docmd('WIBBLE%d' % i)
              print(code, resp.decode())
      except smtplib.SMTPServerDisconnected:
          print('disconnected')
      """;

  @Test
  void tooManyErrorsEndTheSessionWith421() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir, Map.of(ConfigKey.MAX_ERRORS, "3"))) {
      Exec.Result r = Python.run(FLOOD, String.valueOf(petrel.port()));
      assertThat(r.out().lines())
          .as(r.all())
          .containsExactly(
              "500 5.5.2 Unknown command",
              "500 5.5.2 Unknown command",
              "500 5.5.2 Unknown command",
              "421 4.7.0 " + RunningPetrel.HOSTNAME + " too many errors, closing",
              "disconnected");
    }
  }
}
