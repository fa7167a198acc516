package dev.petrel.peers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs swaks against a local port and reads its transcript. */
public final class Swaks {

  private static final Pattern RECEIVED = Pattern.compile("^\\s*<(?:[-~]|\\*\\*|~\\*)\\s+(.*)$");
  private static final Pattern QUEUED =
      Pattern.compile("250 2\\.0\\.0 Ok: queued as ([0-9A-Z]{16})");

  private Swaks() {}

  /** What one swaks run printed. */
  public record Run(Exec.Result result) {

    /** Every reply line the server sent, in order, without swaks' prefixes. */
    public List<String> replies() {
      List<String> out = new ArrayList<>();
      for (String line : result.out().split("\n")) {
        Matcher m = RECEIVED.matcher(line);
        if (m.matches()) out.add(m.group(1).stripTrailing());
      }
      return out;
    }

    /** The queue id from the final 250, or null. */
    public String queuedId() {
      Matcher m = QUEUED.matcher(result.out());
      return m.find() ? m.group(1) : null;
    }

    public String transcript() {
      return result.all();
    }
  }

  /** swaks --server 127.0.0.1 --port PORT --helo client.test ARGS... */
  public static Run run(int port, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Peers.require("swaks"));
    cmd.addAll(
        List.of(
            "--server",
            "127.0.0.1",
            "--port",
            String.valueOf(port),
            "--helo",
            "client.test",
            "--timeout",
            "60"));
    cmd.addAll(List.of(args));
    return new Run(Exec.run(Duration.ofSeconds(120), cmd));
  }
}
