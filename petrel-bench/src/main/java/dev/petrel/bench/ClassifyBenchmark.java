package dev.petrel.bench;

import dev.petrel.status.ReplyContext;
import dev.petrel.status.ReplyStatus;
import dev.petrel.status.SmtpReply;
import dev.petrel.status.StatusEngine;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Replies classified per second on one thread, over the {@link ReplyMix}. Each operation is one
 * reply; the benchmark cycles through the mix so that every form and provider is weighed equally.
 *
 * <ul>
 *   <li>{@code classify}: {@link StatusEngine#classify(String)}, the whole path (parse, origin,
 *       rules, explanation): the figure the goal of 1,000,000 per second per core is about.
 *   <li>{@code parse}: {@link StatusEngine#parse(String)} only.
 *   <li>{@code classifyParsed}: classification of already parsed replies, to separate the two.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClassifyBenchmark {

  private StatusEngine engine;
  private String[] replies;
  private SmtpReply[] parsed;
  private int next;

  @Setup
  public void setUp() {
    engine = StatusEngine.standard();
    replies = ReplyMix.REPLIES.toArray(String[]::new);
    parsed = new SmtpReply[replies.length];
    for (int i = 0; i < replies.length; i++) parsed[i] = engine.parse(replies[i]);
  }

  private int nextIndex() {
    int i = next;
    next = i + 1 == replies.length ? 0 : i + 1;
    return i;
  }

  @Benchmark
  public ReplyStatus classify() {
    return engine.classify(replies[nextIndex()]);
  }

  @Benchmark
  public SmtpReply parse() {
    return engine.parse(replies[nextIndex()]);
  }

  @Benchmark
  public ReplyStatus classifyParsed() {
    return engine.classify(parsed[nextIndex()], ReplyContext.NONE);
  }
}
