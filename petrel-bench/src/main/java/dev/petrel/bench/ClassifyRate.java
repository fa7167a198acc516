package dev.petrel.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.petrel.status.ReplyStatus;
import dev.petrel.status.StatusEngine;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * A plain timing loop over the {@link ReplyMix}, next to JMH's {@link ClassifyBenchmark}: replies
 * classified per second of wall-clock time and per second of the process's CPU time (JIT and GC
 * threads included). On a machine shared with other work the CPU-time figure is the steadier one,
 * since it does not count the time other processes hold the core. bench/classify.sh prints both.
 *
 * <p>Usage: {@code ClassifyRate [WARMUP_SECONDS] [MEASURE_SECONDS]}. The last lines printed are
 * {@code classify replies/s: N} and {@code classify replies/cpu-s: N}.
 */
public final class ClassifyRate {

  private ClassifyRate() {}

  public static void main(String[] args) {
    double warmup = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    double measure = args.length > 1 ? Double.parseDouble(args[1]) : 10;
    StatusEngine engine = StatusEngine.standard();
    String[] replies = ReplyMix.REPLIES.toArray(String[]::new);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    long sink = run(engine, replies, warmup)[0];
    long cpu0 = os.getProcessCpuTime();
    long[] r = run(engine, replies, measure);
    long cpu = os.getProcessCpuTime() - cpu0;
    if (sink == 42) System.out.print("");
    System.out.printf(
        Locale.ROOT,
        "(%d replies in the mix, measured for %.0f s after %.0f s of warm-up)%n",
        replies.length,
        measure,
        warmup);
    System.out.printf(Locale.ROOT, "classify replies/s: %.0f%n", r[0] / (r[1] / 1e9));
    System.out.printf(Locale.ROOT, "classify replies/cpu-s: %.0f%n", r[0] / (cpu / 1e9));
  }

  /** Classifies whole passes over the mix until {@code seconds} have gone; returns {count, ns}. */
  private static long[] run(StatusEngine engine, String[] replies, double seconds) {
    long limit = (long) (seconds * 1e9);
    long start = System.nanoTime();
    long count = 0;
    long sink = 0;
    long elapsed;
    do {
      for (String reply : replies) {
        ReplyStatus s = engine.classify(reply);
        sink += s.reason().ordinal() + s.meaning().length();
      }
      count += replies.length;
      elapsed = System.nanoTime() - start;
    } while (elapsed < limit);
    if (sink == 42) System.out.print("");
    return new long[] {count, elapsed};
  }
}
