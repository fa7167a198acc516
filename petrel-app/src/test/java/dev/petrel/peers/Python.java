package dev.petrel.peers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs a Python 3 script (given as text) with arguments. */
final class Python {

  private Python() {}

  static Exec.Result run(String script, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Peers.require("python3"));
    cmd.add("-c");
    cmd.add(script);
    cmd.addAll(List.of(args));
    return Exec.run(Duration.ofSeconds(120), cmd);
  }
}
