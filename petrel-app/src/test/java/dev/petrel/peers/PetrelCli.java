package dev.petrel.peers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@code petrel} command (queue, credentials, ...) as its own process, as an operator runs
 * it from a shell beside a running {@code serve}: the same classes, on this test's class path.
 */
public final class PetrelCli {

  private PetrelCli() {}

  public static Exec.Result run(String... args) {
    return run(List.of(), args);
  }

  /** As {@link #run(String...)}, with JVM options (system properties, say) before the class. */
  public static Exec.Result run(List<String> jvmOptions, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx128m");
    cmd.addAll(jvmOptions);
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.petrel.app.Main");
    cmd.addAll(List.of(args));
    return Exec.run(Duration.ofMinutes(2), cmd);
  }
}
