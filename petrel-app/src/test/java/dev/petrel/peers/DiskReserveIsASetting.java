package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.app.ConfigKey;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The free space the data folder's disk keeps is {@code disk-reserve} (100 MiB unless set): with a
 * reserve larger than any disk, Python smtplib's message gets 452 4.3.1 and nothing is queued.
 */
class DiskReserveIsASetting {

  @TempDir Path dir;

  private static final String SEND =
      """
      import smtplib, sys
      s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=60)
      try:
          s.sendmail('a@example.com', ['b@example.net'], b'Subject: hi\\r\\n\\r\\nhi\\r\\n')
          print('queued')
      except smtplib.SMTPDataError as e:
          print('refused', e.smtp_code, e.smtp_error.decode())
      """;

  @Test
  void aReserveLargerThanTheDiskRefusesMailWith452() throws Exception {
    try (RunningPetrel petrel =
        RunningPetrel.start(dir, Map.of(ConfigKey.DISK_RESERVE, "1000000000GiB"))) {
      Exec.Result r = Python.run(SEND, String.valueOf(petrel.port()));
      assertThat(r.out().strip())
          .as(r.all())
          .isEqualTo("refused 452 4.3.1 Insufficient system storage, try again later");
      assertThat(petrel.store().list(10)).isEmpty();
    }
  }

  @Test
  void theDefaultIsStill100MiBAndMailIsAccepted() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      assertThat(petrel.server().config().diskReserve()).isEqualTo(100L * 1024 * 1024);
      Exec.Result r = Python.run(SEND, String.valueOf(petrel.port()));
      assertThat(r.out().strip()).as(r.all()).isEqualTo("queued");
    }
  }
}
