package dev.petrel.peers;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a peer program to completion with a hang guard, capturing what it printed. */
public final class Exec {

  private Exec() {}

  public record Result(int exit, String out, String err) {
    /** Everything printed, for assertion messages. */
    public String all() {
      return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  public static Result run(Duration guard, byte[] stdin, List<String> command) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command);
      Process p = pb.start();
      CompletableFuture<byte[]> out = drain(p.getInputStream());
      CompletableFuture<byte[]> err = drain(p.getErrorStream());
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) in.write(stdin);
      } catch (IOException closedEarly) {
        // the program did not read all of its input; its output says why
      }
      if (!p.waitFor(guard.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        fail(
            String.join(" ", command)
                + " still running after "
                + guard
                + "\n"
                + new String(out.getNow(new byte[0]), StandardCharsets.UTF_8)
                + new String(err.getNow(new byte[0]), StandardCharsets.UTF_8));
      }
      return new Result(
          p.exitValue(),
          new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8),
          new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new AssertionError("cannot run " + command, e);
    }
  }

  public static Result run(Duration guard, List<String> command) {
    return run(guard, null, command);
  }

  private static CompletableFuture<byte[]> drain(InputStream in) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (in) {
                f.complete(in.readAllBytes());
              } catch (IOException e) {
                f.complete(new byte[0]);
              }
            });
    return f;
  }
}
