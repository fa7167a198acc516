package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.queue.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Python's smtplib, with SMTPUTF8 and 8BITMIME, the way an application would send. */
class PythonSmtplibSendsUtf8Mail {

  @TempDir Path dir;

  private static final String SCRIPT =
      """
      import smtplib, sys
      from email.message import EmailMessage
      port = int(sys.argv[1])
      msg = EmailMessage()
      msg['From'] = 'José <josé@exämple.com>'
      msg['To'] = 'ünïcødé@example.net'
      msg['Subject'] = 'Grüße aus Python'
      msg.set_content('Hällo wörld, ça va? 日本語\\n.dot at start\\n', cte='8bit')
      with smtplib.SMTP('127.0.0.1', port, timeout=60) as s:
          s.ehlo('python.test')
          assert s.has_extn('smtputf8') and s.has_extn('8bitmime'), s.esmtp_features
          code, resp = s.mail('josé@exämple.com', ['SMTPUTF8', 'BODY=8BITMIME'])
          print('MAIL', code, resp.decode())
          code, resp = s.rcpt('ünïcødé@example.net')
          print('RCPT', code, resp.decode())
          code, resp = s.data(msg.as_bytes(policy=msg.policy.clone(utf8=True)))
          print('DATA', code, resp.decode())
      """;

  @Test
  void internationalAddressesAndEightBitBodyAreQueuedIntact() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      Exec.Result r = Python.run(SCRIPT, String.valueOf(petrel.port()));
      assertThat(r.exit()).as(r.all()).isZero();
      assertThat(r.out()).contains("MAIL 250 2.1.0 Sender ok", "RCPT 250 2.1.5 Recipient ok");
      Matcher m =
          Pattern.compile("DATA 250 2\\.0\\.0 Ok: queued as ([0-9A-Z]{16})").matcher(r.out());
      assertThat(m.find()).as(r.all()).isTrue();
      StoredMessage msg = petrel.find(m.group(1)).orElseThrow();
      assertThat(msg.sender().toString()).isEqualTo("josé@exämple.com");
      assertThat(msg.recipients().getFirst().address().toString()).isEqualTo("ünïcødé@example.net");
      assertThat(msg.smtputf8()).isTrue();
      assertThat(msg.body()).isEqualTo("8BITMIME");
      String body = new String(petrel.body(m.group(1)), StandardCharsets.UTF_8);
      assertThat(body).contains("Hällo wörld, ça va? 日本語\r\n.dot at start\r\n");
      assertThat(body).contains("Subject: Grüße aus Python");
    }
  }
}
