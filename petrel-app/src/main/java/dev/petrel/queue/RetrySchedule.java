package dev.petrel.queue;

import dev.petrel.model.RecipientState;
import dev.petrel.status.Reason;
import dev.petrel.status.ReplyStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Decides what follows one delivery attempt of one recipient: delivered, bounced, tried again and
 * when, or given up. Pure apart from the injected clock and random source.
 *
 * <p>The rules, in order: a 2xx reply delivers; a 5xx reply ends delivery (bounced), whatever the
 * engine says about soft or hard, since the receiver refused it permanently; otherwise (4xx, no
 * reply, a reply lost after the final dot) the recipient is retried unless the message is older
 * than the give-up age (RFC 5321 §4.5.4.1 suggests 4–5 days), when it expires. A retry waits the
 * delay the reply states (never less), the short greylisting delay, or the next step of the
 * schedule; schedule steps get ±jitter so that recipients deferred together spread out.
 */
public final class RetrySchedule {

  /**
   * The schedule's settings.
   *
   * @param steps the delays after the first, second, ... failed attempt
   * @param thereafter the delay once the steps are used up
   * @param giveUpAfter how long after its arrival a message stops being retried
   * @param jitter fraction (0 to 0.5) by which a scheduled delay is varied either way
   * @param greylistRetry the delay after a greylisting reply
   * @param maxStatedDelay the longest "try again in ..." honoured as stated
   */
  public record Policy(
      List<Duration> steps,
      Duration thereafter,
      Duration giveUpAfter,
      double jitter,
      Duration greylistRetry,
      Duration maxStatedDelay) {

    public Policy {
      steps = List.copyOf(steps);
      for (Duration d : steps) positive(d, "a retry step");
      positive(thereafter, "the retry interval");
      positive(giveUpAfter, "the give-up age");
      positive(greylistRetry, "the greylisting retry");
      positive(maxStatedDelay, "the longest stated delay");
      if (!(jitter >= 0 && jitter <= 0.5))
        throw new IllegalArgumentException("jitter must be between 0 and 0.5, not " + jitter);
    }

    /** 5, 10, 20, 40, 80 minutes, then every 2 hours, for 5 days; ±10 % jitter. */
    public static Policy defaults() {
      return new Policy(
          List.of(
              Duration.ofMinutes(5),
              Duration.ofMinutes(10),
              Duration.ofMinutes(20),
              Duration.ofMinutes(40),
              Duration.ofMinutes(80)),
          Duration.ofHours(2),
          Duration.ofDays(5),
          0.1,
          Duration.ofMinutes(5),
          Duration.ofHours(12));
    }

    public Policy withGiveUpAfter(Duration d) {
      return new Policy(steps, thereafter, d, jitter, greylistRetry, maxStatedDelay);
    }

    public Policy withJitter(double j) {
      return new Policy(steps, thereafter, giveUpAfter, j, greylistRetry, maxStatedDelay);
    }

    private static void positive(Duration d, String what) {
      if (d == null || d.isNegative() || d.isZero())
        throw new IllegalArgumentException(what + " must be a positive duration");
    }
  }

  /** What the attempt's outcome was, as the scheduler names it. */
  public enum Outcome {
    DELIVERED,
    BOUNCED,
    /** Retried on the schedule (4xx or no reply). */
    DEFERRED,
    /**
     * The connection broke after the final dot before the reply came: the mail may have arrived.
     * Retried, and the recipient is marked as a possible duplicate.
     */
    REPLY_LOST,
    /** Too old to retry: given up with reason {@code expired}. */
    EXPIRED
  }

  /**
   * The decision.
   *
   * @param nextAttempt when to try again, null when final
   * @param reason {@code expired} when given up for age, else null (the reply's reason stands)
   */
  public record Decision(Outcome outcome, Instant nextAttempt, String reason) {

    /** The state change to hand to {@link MessageStore#recordAttempt}. */
    public RecipientUpdate update() {
      return switch (outcome) {
        case DELIVERED -> RecipientUpdate.finalState(RecipientState.DELIVERED);
        case BOUNCED -> RecipientUpdate.finalState(RecipientState.BOUNCED);
        case EXPIRED -> RecipientUpdate.finalState(RecipientState.EXPIRED);
        case DEFERRED -> RecipientUpdate.deferred(nextAttempt);
        case REPLY_LOST -> new RecipientUpdate(RecipientState.DEFERRED, nextAttempt, true);
      };
    }
  }

  private final Policy policy;
  private final InstantSource clock;
  private final RandomGenerator random;

  public RetrySchedule(Policy policy, InstantSource clock, RandomGenerator random) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
  }

  public Policy policy() {
    return policy;
  }

  /**
   * After a reply to the recipient (its RCPT reply, or the reply to the message's data).
   *
   * @param created when the message arrived
   * @param attempts attempts made so far, this one included (1 after the first)
   */
  public Decision afterReply(Instant created, int attempts, ReplyStatus status) {
    Objects.requireNonNull(status, "status");
    if (!status.reply().hasCode()) return afterNoReply(created, attempts);
    int klass = status.reply().klass();
    if (klass == 2) return new Decision(Outcome.DELIVERED, null, null);
    if (klass == 5) return new Decision(Outcome.BOUNCED, null, null);
    Duration delay;
    if (status.retryAfter() != null && !status.retryAfter().isNegative())
      delay = stated(status.retryAfter());
    else if (status.reason() == Reason.GREYLISTED) delay = stated(policy.greylistRetry());
    else delay = scheduled(attempts);
    return retry(Outcome.DEFERRED, created, delay);
  }

  /** After an attempt that got no reply: connection refused or lost, timeout before the dot. */
  public Decision afterNoReply(Instant created, int attempts) {
    return retry(Outcome.DEFERRED, created, scheduled(attempts));
  }

  /** After the connection broke between the final dot and its reply. */
  public Decision afterLostReply(Instant created, int attempts) {
    return retry(Outcome.REPLY_LOST, created, scheduled(attempts));
  }

  private Decision retry(Outcome outcome, Instant created, Duration delay) {
    Instant now = clock.instant();
    Instant deadline = created.plus(policy.giveUpAfter());
    if (!now.isBefore(deadline)) return new Decision(Outcome.EXPIRED, null, "expired");
    Instant next = now.plus(delay);
    // One last try at the deadline rather than none in the schedule's final stretch.
    if (next.isAfter(deadline)) next = deadline;
    return new Decision(outcome, next, null);
  }

  private Duration scheduled(int attempts) {
    if (attempts < 1) throw new IllegalArgumentException("attempts counts this one: at least 1");
    List<Duration> steps = policy.steps();
    Duration base = attempts <= steps.size() ? steps.get(attempts - 1) : policy.thereafter();
    double factor = 1 + policy.jitter() * (2 * random.nextDouble() - 1);
    return Duration.ofMillis(Math.round(base.toMillis() * factor));
  }

  /** A delay someone asked for: never shorter, jittered only upwards, capped. */
  private Duration stated(Duration asked) {
    Duration d = asked.compareTo(policy.maxStatedDelay()) > 0 ? policy.maxStatedDelay() : asked;
    if (d.isZero()) d = Duration.ofSeconds(1);
    return d.plusMillis(Math.round(d.toMillis() * policy.jitter() * random.nextDouble()));
  }
}
