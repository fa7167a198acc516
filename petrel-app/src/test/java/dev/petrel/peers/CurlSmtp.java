package dev.petrel.peers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sends a message file to an SMTP port with curl, as an application using libcurl would. */
final class CurlSmtp {

  private static final Pattern QUEUED =
      Pattern.compile("< 250 2\\.0\\.0 Ok: queued as ([0-9A-Z]{16})");

  private CurlSmtp() {}

  /** curl's run (its verbose transcript is on standard error). */
  static Exec.Result send(int port, String from, String to, Path mail) {
    return Exec.run(
        Duration.ofSeconds(120),
        List.of(
            Peers.require("curl"),
            "-sS",
            "-v",
            "--url",
            "smtp://127.0.0.1:" + port,
            "--mail-from",
            from,
            "--mail-rcpt",
            to,
            "--upload-file",
            mail.toString()));
  }

  /** The queue id from the 250 in curl's transcript, or null when there was none. */
  static String queuedId(Exec.Result r) {
    Matcher m = QUEUED.matcher(r.err());
    return m.find() ? m.group(1) : null;
  }
}
