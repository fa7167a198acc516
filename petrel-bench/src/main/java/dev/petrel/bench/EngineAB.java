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
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Compares two builds of the engine in one JVM: each is loaded by its own class loader, and the two
 * take turns (the order alternates every round) on the same work, timed by the thread's CPU time.
 * On a machine shared with other work both builds suffer the same interference, so a difference of
 * a few percent that separate runs cannot show becomes visible. JIT and GC threads are not counted.
 *
 * <p>Usage: {@code EngineAB classify|bounce|bounce-folder CLASSPATH_A CLASSPATH_B [ROUNDS]}, each
 * class path a colon-separated list holding one build of {@code petrel-status} (a classes folder or
 * a jar) and, for {@code bounce}, mime4j. {@code classify} cycles through the {@link ReplyMix};
 * {@code bounce} through the mails of {@link Corpus#choose} (the default corpus, or {@code
 * -Dpetrel.bench.corpus}); {@code bounce-folder} reads that folder from disk on every pass, with
 * the build's own {@code MailInputs.read}, and parses each mail. Prints the best and the median
 * round of each build, in ns per reply or µs per mail.
 */
public final class EngineAB {

  private EngineAB() {}

  /**
   * A handle that reads the folder with that build's {@code MailInputs.read}, as the {@code bounce}
   * command does, and parses each mail; takes the (ignored) input and returns null.
   */
  private static MethodHandle folderPass(
      ClassLoader loader, Object parser, MethodHandle parse, Path folder) throws Throwable {
    Class<?> inputs = loader.loadClass("dev.petrel.status.bounce.MailInputs");
    Class<?> mail = loader.loadClass("dev.petrel.status.bounce.MailInputs$Mail");
    MethodHandle read =
        MethodHandles.publicLookup()
            .unreflect(inputs.getMethod("read", Path.class, Consumer.class, BiConsumer.class));
    MethodHandle bytes = MethodHandles.publicLookup().unreflect(mail.getMethod("bytes"));
    Consumer<Object> each =
        m -> {
          try {
            parse.invoke(parser, (byte[]) bytes.invoke(m));
          } catch (Throwable e) {
            throw new IllegalStateException(e);
          }
        };
    BiConsumer<String, String> onError =
        (file, error) -> {
          throw new IllegalStateException(file + ": " + error);
        };
    int[] count = {0};
    read.invoke(folder, (Consumer<Object>) m -> count[0]++, onError);
    mailsPerPass = count[0];
    MethodHandle pass = MethodHandles.insertArguments(read, 0, folder, each, onError);
    // (Object target, Object input) -> void; invoked like the parse handle
    return MethodHandles.dropArguments(pass, 0, Object.class, Object.class);
  }

  private static int mailsPerPass;

  public static void main(String[] args) throws Throwable {
    if (args.length < 3
        || !(args[0].equals("classify")
            || args[0].equals("bounce")
            || args[0].equals("bounce-folder"))) {
      System.err.println(
          "usage: EngineAB classify|bounce|bounce-folder CLASSPATH_A CLASSPATH_B [ROUNDS]");
      System.exit(2);
    }
    boolean folder = args[0].equals("bounce-folder");
    boolean bounce = folder || args[0].equals("bounce");
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    Object[] inputs =
        bounce ? Corpus.load(Corpus.resolve(Corpus.choose(null))) : ReplyMix.REPLIES.toArray();
    int repeat = bounce ? 30 : 20_000;
    if (folder) {
      // one input stands for one pass over the folder; results are given per mail
      inputs = new Object[] {null};
    }
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
        if (folder) {
          work[k] = folderPass(loader, target[k], work[k], Corpus.resolve(Corpus.choose(null)));
          target[k] = null;
        }
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
        long items = (long) repeat * (folder ? mailsPerPass : inputs.length);
        if (round >= 0) perItem[k][round] = used / (double) items;
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
