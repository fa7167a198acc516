package dev.petrel.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.petrel.status.StatusEngine;
import dev.petrel.status.bounce.BounceParser;
import dev.petrel.status.bounce.MailInputs;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A plain timing loop for the side-by-side comparison with Sisimai (bench/bounce-vs-sisimai.sh). It
 * measures two rates on one thread: parsing mails held in memory (what {@link BounceParseBenchmark}
 * measures with JMH), and reading the folder from disk and parsing each mail (what Sisimai's timing
 * includes). Each is measured for a set time after a warm-up.
 *
 * <p>Each rate is given twice: per second of wall-clock time, and per second of CPU time used by
 * the whole process (JIT compiler and garbage collector threads included). The second is the one to
 * compare on a shared machine, where other processes take turns on the CPU.
 *
 * <p>Usage: {@code BounceRate [PATH] [WARMUP_SECONDS] [MEASURE_SECONDS]}. The last lines printed
 * are {@code in-memory mails/s: N}, {@code from-disk mails/s: N}, {@code in-memory mails/cpu-s: N}
 * and {@code from-disk mails/cpu-s: N}.
 */
public final class BounceRate {

  private BounceRate() {}

  public static void main(String[] args) {
    String where = Corpus.choose(args.length > 0 ? args[0] : null);
    double warmup = args.length > 1 ? Double.parseDouble(args[1]) : 10;
    double measure = args.length > 2 ? Double.parseDouble(args[2]) : 10;
    Path path = Corpus.resolve(where);

    long t0 = System.nanoTime();
    byte[][] mails = Corpus.load(path);
    BounceParser parser = new BounceParser(StatusEngine.standard());
    long sink = 0;
    for (byte[] m : mails) sink += System.identityHashCode(parser.parse(m));
    double cold = (System.nanoTime() - t0) / 1e9;
    long bytes = 0;
    for (byte[] m : mails) bytes += m.length;
    System.out.printf(
        Locale.ROOT, "corpus: %s (%d mails, %.1f MB)%n", path, mails.length, bytes / 1e6);
    System.out.printf(
        Locale.ROOT,
        "first pass (cold: reading, engine loading, JIT warm-up): %.3f s = %.0f mails/s%n",
        cold,
        mails.length / cold);

    Runnable inMemory =
        () -> {
          long s = 0;
          for (byte[] m : mails) s += System.identityHashCode(parser.parse(m));
          if (s == 42) System.out.print("");
        };
    Runnable fromDisk =
        () ->
            MailInputs.read(
                path,
                m -> {
                  if (System.identityHashCode(parser.parse(m.bytes())) == 42) System.out.print("");
                },
                (file, error) -> {
                  throw new IllegalStateException(file + ": " + error);
                });

    loop(inMemory, mails.length, warmup);
    double[] memRate = loop(inMemory, mails.length, measure);
    loop(fromDisk, mails.length, Math.min(warmup, 2));
    double[] diskRate = loop(fromDisk, mails.length, measure);
    if (sink == 42) System.out.print("");
    System.out.printf(
        Locale.ROOT, "(each measured for %.0f s after %.0f s of warm-up)%n", measure, warmup);
    System.out.printf(Locale.ROOT, "in-memory mails/s: %.0f%n", memRate[0]);
    System.out.printf(Locale.ROOT, "from-disk mails/s: %.0f%n", diskRate[0]);
    System.out.printf(Locale.ROOT, "in-memory mails/cpu-s: %.0f%n", memRate[1]);
    System.out.printf(Locale.ROOT, "from-disk mails/cpu-s: %.0f%n", diskRate[1]);
  }

  /**
   * Runs whole passes over the corpus until {@code seconds} have gone; returns mails per second of
   * wall-clock time and mails per second of the process's CPU time.
   */
  private static double[] loop(Runnable pass, int mailsPerPass, double seconds) {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long limit = (long) (seconds * 1e9);
    long cpuStart = os.getProcessCpuTime();
    long start = System.nanoTime();
    long count = 0;
    long elapsed;
    do {
      pass.run();
      count += mailsPerPass;
      elapsed = System.nanoTime() - start;
    } while (elapsed < limit);
    long cpu = os.getProcessCpuTime() - cpuStart;
    return new double[] {count / (elapsed / 1e9), count / (cpu / 1e9)};
  }
}
