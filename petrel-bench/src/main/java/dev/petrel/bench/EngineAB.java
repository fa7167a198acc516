package dev.petrel.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Compares two builds of the engine in one JVM: each is loaded by its own class loader, and the two
 * take turns (the order alternates every round) on the same work, timed by the thread's CPU time.
 * On a machine shared with other work both builds suffer the same interference, so a difference of
 * a few percent that separate runs cannot show becomes visible. JIT and GC threads are not counted.
 *
 * <p>Usage: {@code EngineAB classify|bounce CLASSPATH_A CLASSPATH_B [ROUNDS]}, each class path a
 * colon-separated list holding one build of {@code petrel-status} (a classes folder or a jar) and,
 * for {@code bounce}, mime4j. {@code classify} cycles through the {@link ReplyMix}; {@code bounce}
 * through the mails of {@link Corpus#choose} (the default corpus, or {@code
 * -Dpetrel.bench.corpus}). Prints the best and the median round of each build, in ns per reply or
 * µs per mail.
 */
public final class EngineAB {

  private EngineAB() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 3 || !(args[0].equals("classify") || args[0].equals("bounce"))) {
      System.err.println("usage: EngineAB classify|bounce CLASSPATH_A CLASSPATH_B [ROUNDS]");
      System.exit(2);
    }
    boolean bounce = args[0].equals("bounce");
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    Object[] inputs =
        bounce ? Corpus.load(Corpus.resolve(Corpus.choose(null))) : ReplyMix.REPLIES.toArray();
    int repeat = bounce ? 30 : 20_000;
    MethodHandle[] work = new MethodHandle[2];
    Object[] target = new Object[2];
    for (int k = 0; k < 2; k++) {
      List<URL> urls = new ArrayList<>();
      for (String p : args[1 + k].split(":")) urls.add(Path.of(p).toUri().toURL());
      ClassLoader loader =
          new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
      Class<?> engineClass = loader.loadClass("dev.petrel.status.StatusEngine");
      Object engine = engineClass.getMethod("standard").invoke(null);
      if (bounce) {
        Class<?> parser = loader.loadClass("dev.petrel.status.bounce.BounceParser");
        target[k] = parser.getConstructor(engineClass).newInstance(engine);
        work[k] = MethodHandles.publicLookup().unreflect(parser.getMethod("parse", byte[].class));
      } else {
        target[k] = engine;
        work[k] =
            MethodHandles.publicLookup().unreflect(engineClass.getMethod("classify", String.class));
      }
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[][] perItem = new double[2][rounds];
    long sink = 0;
    for (int round = -3; round < rounds; round++) { // three rounds of warm-up
      for (int turn = 0; turn < 2; turn++) {
        int k = (round & 1) == 0 ? turn : 1 - turn;
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < repeat; i++) {
          for (Object in : inputs) sink += System.identityHashCode(work[k].invoke(target[k], in));
        }
        long used = threads.getCurrentThreadCpuTime() - start;
        if (round >= 0) perItem[k][round] = used / (double) ((long) repeat * inputs.length);
      }
    }
    String unit = bounce ? "us per mail" : "ns per reply";
    double scale = bounce ? 1e-3 : 1;
    for (int k = 0; k < 2; k++) {
      double[] r = perItem[k].clone();
      Arrays.sort(r);
      System.out.printf(
          Locale.ROOT,
          "%s: best %.1f, median %.1f %s (thread CPU time, %d rounds)%n",
          k == 0 ? "A" : "B",
          r[0] * scale,
          r[r.length / 2] * scale,
          unit,
          rounds);
    }
    if (sink == 42) System.out.print("");
  }
}
