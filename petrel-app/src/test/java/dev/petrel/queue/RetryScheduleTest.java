package dev.petrel.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.model.RecipientState;
import dev.petrel.queue.RetrySchedule.Decision;
import dev.petrel.queue.RetrySchedule.Outcome;
import dev.petrel.queue.RetrySchedule.Policy;
import dev.petrel.status.StatusEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryScheduleTest {

  static final Instant CREATED = Instant.parse("2026-03-01T10:00:00Z");
  static final StatusEngine ENGINE = StatusEngine.standard();

  final AtomicReference<Instant> now = new AtomicReference<>(CREATED);

  /** A random source whose nextDouble is always the given value (0.5 = no jitter). */
  static RandomGenerator constant(double v) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public double nextDouble() {
        return v;
      }
    };
  }

  RetrySchedule schedule(RandomGenerator r) {
    return new RetrySchedule(Policy.defaults(), now::get, r);
  }

  @ParameterizedTest
  @CsvSource({"1,5", "2,10", "3,20", "4,40", "5,80", "6,120", "7,120", "30,120"})
  void theDefaultStepsThenEveryTwoHours(int attempts, long minutes) {
    Decision d = schedule(constant(0.5)).afterNoReply(CREATED, attempts);
    assertThat(d.outcome()).isEqualTo(Outcome.DEFERRED);
    assertThat(d.nextAttempt()).isEqualTo(CREATED.plus(Duration.ofMinutes(minutes)));
    assertThat(d.update().state()).isEqualTo(RecipientState.DEFERRED);
  }

  @Test
  void jitterStaysWithinItsBoundsAndVaries() {
    RetrySchedule s = schedule(new SplittableRandom(7));
    Duration base = Duration.ofMinutes(20);
    java.util.Set<Instant> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      Instant next = s.afterNoReply(CREATED, 3).nextAttempt();
      Duration d = Duration.between(CREATED, next);
      assertThat(d)
          .isBetween(base.multipliedBy(9).dividedBy(10), base.multipliedBy(11).dividedBy(10));
      seen.add(next);
    }
    assertThat(seen.size()).isGreaterThan(100);
  }

  @Test
  void twoXxDeliversAndFiveXxEndsDeliveryHardOrSoft() {
    RetrySchedule s = schedule(constant(0.5));
    assertThat(s.afterReply(CREATED, 1, ENGINE.classify("250 2.0.0 Ok: queued as X")).outcome())
        .isEqualTo(Outcome.DELIVERED);
    Decision hard = s.afterReply(CREATED, 1, ENGINE.classify("550 5.1.1 User unknown"));
    assertThat(hard.outcome()).isEqualTo(Outcome.BOUNCED);
    assertThat(hard.update().state()).isEqualTo(RecipientState.BOUNCED);
    assertThat(hard.nextAttempt()).isNull();
    // a permanent refusal that is not about the address (soft) still ends delivery
    var policy = ENGINE.classify("554 5.7.1 Service unavailable; client host blocked");
    assertThat(policy.bounce().id()).isEqualTo("soft");
    assertThat(s.afterReply(CREATED, 1, policy).outcome()).isEqualTo(Outcome.BOUNCED);
  }

  @Test
  void aStatedDelayIsHonouredAndNeverShortened() {
    var reply = ENGINE.classify("450 4.2.1 Too many messages, try again in 30 minutes");
    assertThat(reply.retryAfter()).isEqualTo(Duration.ofMinutes(30));
    Decision d = schedule(constant(0.0)).afterReply(CREATED, 1, reply);
    assertThat(d.nextAttempt()).isEqualTo(CREATED.plus(Duration.ofMinutes(30)));
    Decision upper = schedule(constant(0.999)).afterReply(CREATED, 1, reply);
    assertThat(Duration.between(CREATED, upper.nextAttempt()))
        .isBetween(Duration.ofMinutes(30), Duration.ofMinutes(33));
  }

  @Test
  void greylistingGetsTheShortRetryEvenLateInTheSchedule() {
    var grey = ENGINE.classify("451 4.7.1 Greylisted, please come back later");
    assertThat(grey.reason().id()).isEqualTo("greylisted");
    Duration after =
        Duration.between(
            CREATED, schedule(constant(0.0)).afterReply(CREATED, 6, grey).nextAttempt());
    assertThat(after).isLessThanOrEqualTo(Duration.ofMinutes(5)).isPositive();
  }

  @Test
  void givesUpAfterFiveDaysWithReasonExpiredAfterALastTryAtTheDeadline() {
    RetrySchedule s = schedule(constant(0.5));
    Instant deadline = CREATED.plus(Duration.ofDays(5));
    now.set(deadline.minus(Duration.ofMinutes(30)));
    Decision last = s.afterReply(CREATED, 40, ENGINE.classify("421 4.3.2 Service shutting down"));
    assertThat(last.outcome()).isEqualTo(Outcome.DEFERRED);
    assertThat(last.nextAttempt()).isEqualTo(deadline);
    now.set(deadline);
    Decision end = s.afterNoReply(CREATED, 41);
    assertThat(end.outcome()).isEqualTo(Outcome.EXPIRED);
    assertThat(end.reason()).isEqualTo("expired");
    assertThat(end.update().state()).isEqualTo(RecipientState.EXPIRED);
  }

  @Test
  void aLostReplyIsRetriedAndMarkedPossibleDuplicate() {
    Decision d = schedule(constant(0.5)).afterLostReply(CREATED, 1);
    assertThat(d.outcome()).isEqualTo(Outcome.REPLY_LOST);
    assertThat(d.nextAttempt()).isEqualTo(CREATED.plus(Duration.ofMinutes(5)));
    assertThat(d.update().possibleDuplicate()).isTrue();
    assertThat(d.update().state()).isEqualTo(RecipientState.DEFERRED);
  }

  @Test
  void thePolicyIsConfigurableAndValidated() {
    Policy p = Policy.defaults().withGiveUpAfter(Duration.ofHours(1)).withJitter(0);
    now.set(CREATED.plus(Duration.ofHours(1)));
    assertThat(new RetrySchedule(p, now::get, constant(0.3)).afterNoReply(CREATED, 1).outcome())
        .isEqualTo(Outcome.EXPIRED);
    assertThatThrownBy(() -> Policy.defaults().withJitter(0.9))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Policy.defaults().withGiveUpAfter(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> schedule(constant(0.5)).afterNoReply(CREATED, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
