package dev.petrel.bench;

import dev.petrel.status.StatusEngine;
import dev.petrel.status.bounce.BounceParser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bounce mails parsed per second on one thread: each operation parses one mail of the corpus
 * (loaded into memory once), cycling through all of them. The corpus is the {@code corpus}
 * parameter, else {@code -Dpetrel.bench.corpus}, else {@code corpus/sisimai/maildir/bsd}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class BounceParseBenchmark {

  /** A path to a folder, an .eml or an mbox file; empty means the system property or default. */
  @Param({""})
  public String corpus;

  private BounceParser parser;
  private byte[][] mails;
  private int next;

  @Setup
  public void setUp() {
    mails = Corpus.load(Corpus.resolve(Corpus.choose(corpus)));
    parser = new BounceParser(StatusEngine.standard());
  }

  @Benchmark
  public Object parse() {
    int i = next;
    next = i + 1 == mails.length ? 0 : i + 1;
    return parser.parse(mails[i]);
  }
}
