package dev.petrel.bench;

import dev.petrel.status.Phase;
import dev.petrel.status.SmtpReply;
import dev.petrel.status.StatusEngine;
import dev.petrel.status.reply.ReplyOrigin;
import dev.petrel.status.reply.ReplyParser;
import dev.petrel.status.rules.Rule;
import dev.petrel.status.rules.RuleSet;
import dev.petrel.status.rules.TextNormalizer;
import java.util.List;
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
 * The steps of {@link StatusEngine#classify(String)} one by one, over the same {@link ReplyMix}, in
 * nanoseconds per reply: where the time of a classification goes. Not a goal in itself; read
 * together with {@link ClassifyBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClassifyPartsBenchmark {

  private String[] replies;
  private SmtpReply[] parsed;
  private String[] normalized;
  private RuleSet rules;
  private int next;

  @Setup
  public void setUp() {
    replies = ReplyMix.REPLIES.toArray(String[]::new);
    parsed = new SmtpReply[replies.length];
    normalized = new String[replies.length];
    for (int i = 0; i < replies.length; i++) {
      parsed[i] = ReplyParser.parse(replies[i]);
      normalized[i] = TextNormalizer.normalize(parsed[i].text());
    }
    rules = RuleSet.withBuiltIns(List.of());
  }

  private int nextIndex() {
    int i = next;
    next = i + 1 == replies.length ? 0 : i + 1;
    return i;
  }

  /** Step 1: where the reply came from (phase and host named in log forms). */
  @Benchmark
  public ReplyOrigin origin() {
    return ReplyOrigin.of(replies[nextIndex()]);
  }

  /** Step 2: code, enhanced code and text. */
  @Benchmark
  public SmtpReply parse() {
    return ReplyParser.parse(replies[nextIndex()]);
  }

  /** Step 3: the text in the form rules compare it in. */
  @Benchmark
  public String normalize() {
    return TextNormalizer.normalize(parsed[nextIndex()].text());
  }

  /** Step 4: finding the deciding rule (phrase matcher and conditions). */
  @Benchmark
  public Rule ruleMatch() {
    int i = nextIndex();
    SmtpReply r = parsed[i];
    return rules.match(normalized[i], r.code(), r.enhanced(), Phase.UNKNOWN, null, null);
  }
}
