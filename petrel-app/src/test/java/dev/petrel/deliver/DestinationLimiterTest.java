package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Per-destination admission on a controlled clock: limits, spacing, halving, recovery. */
class DestinationLimiterTest {

  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));

  DestinationLimiter limiter(DestinationLimits limits) {
    return new DestinationLimiter(new ThrottleConfig(limits, Map.of()), now::get);
  }

  void advance(Duration d) {
    now.set(now.get().plus(d));
  }

  @Test
  void connectionLimit() {
    DestinationLimiter l = limiter(DestinationLimits.DEFAULTS.withMaxConnections(2));
    var a = l.tryAcquire("d.test");
    var b = l.tryAcquire("D.TEST");
    var c = l.tryAcquire("d.test");
    assertThat(a.admitted()).isTrue();
    assertThat(b.admitted()).isTrue();
    assertThat(c.admitted()).isFalse();
    assertThat(c.retryIn()).isNull();
    assertThat(l.tryAcquire("other.test").admitted()).isTrue();
    a.permit().close();
    a.permit().close(); // closing twice gives back one slot only
    assertThat(l.tryAcquire("d.test").admitted()).isTrue();
    assertThat(l.tryAcquire("d.test").admitted()).isFalse();
  }

  @Test
  void rateSpacesStarts() {
    DestinationLimiter l = limiter(DestinationLimits.DEFAULTS.withMaxMessagesPerSecond(2));
    l.tryAcquire("d.test").permit().close();
    var second = l.tryAcquire("d.test");
    assertThat(second.admitted()).isFalse();
    assertThat(second.retryIn()).isEqualTo(Duration.ofMillis(500));
    advance(Duration.ofMillis(500));
    assertThat(l.tryAcquire("d.test").admitted()).isTrue();
  }

  @Test
  void slowDownHalvesAndRecoversStepByStep() {
    DestinationLimits limits =
        new DestinationLimits(16, Double.POSITIVE_INFINITY, 0.1, Duration.ofMinutes(1));
    DestinationLimiter l = limiter(limits);
    // Two starts per second for a minute: the rate seen before trouble.
    List<DestinationLimiter.Permit> held = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      held.add(l.tryAcquire("d.test").permit());
      held.getLast().close();
      advance(Duration.ofMillis(500));
    }
    assertThat(l.slowDown("d.test")).isTrue();
    DestinationLimiter.State s = l.state("d.test");
    assertThat(s.connectionLimit()).isEqualTo(8);
    assertThat(s.rate()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.05));
    // More reports from the same burst count once.
    assertThat(l.slowDown("d.test")).isFalse();
    assertThat(l.state("d.test").connectionLimit()).isEqualTo(8);
    // Recovery: one connection and a tenth of the earlier rate per quiet minute.
    advance(Duration.ofMinutes(1));
    assertThat(l.state("d.test").connectionLimit()).isEqualTo(9);
    assertThat(l.state("d.test").rate()).isCloseTo(1.2, org.assertj.core.data.Offset.offset(0.05));
    advance(Duration.ofMinutes(10));
    assertThat(l.state("d.test").connectionLimit()).isEqualTo(16);
    assertThat(l.state("d.test").rate()).isInfinite();
  }

  @Test
  void repeatedSlowDownsFloorAtOneConnectionAndTheMinimumRate() {
    DestinationLimiter l = limiter(new DestinationLimits(8, 10, 0.5, Duration.ofMinutes(1)));
    for (int i = 0; i < 10; i++) {
      l.slowDown("d.test");
      advance(Duration.ofSeconds(11));
    }
    DestinationLimiter.State s = l.state("d.test");
    assertThat(s.connectionLimit()).isEqualTo(1);
    assertThat(s.rate()).isEqualTo(0.5);
    var first = l.tryAcquire("d.test");
    assertThat(first.admitted()).isTrue();
    first.permit().close();
    assertThat(l.tryAcquire("d.test").retryIn()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void overridesPerDestination() {
    DestinationLimiter l =
        new DestinationLimiter(
            new ThrottleConfig(
                DestinationLimits.DEFAULTS,
                Map.of("Slow.test", DestinationLimits.DEFAULTS.withMaxConnections(1))),
            now::get);
    assertThat(l.state("slow.test").connectionLimit()).isEqualTo(1);
    assertThat(l.state("fast.test").connectionLimit()).isEqualTo(20);
  }

  @Test
  void blockingAcquireWaitsForARelease() throws Exception {
    DestinationLimiter l =
        new DestinationLimiter(
            new ThrottleConfig(DestinationLimits.DEFAULTS.withMaxConnections(1), Map.of()),
            java.time.InstantSource.system());
    DestinationLimiter.Permit first = l.acquire("d.test");
    AtomicReference<DestinationLimiter.Permit> second = new AtomicReference<>();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    second.set(l.acquire("d.test"));
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    org.awaitility.Awaitility.await()
        .until(
            () ->
                t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
    assertThat(second.get()).isNull();
    first.close();
    t.join(10_000);
    assertThat(second.get()).isNotNull();
    assertThat(l.state("d.test").inUse()).isEqualTo(1);
  }

  @Test
  void aSlowDownSaysWhyAndUntilWhenAndEndsAtTheLongestSlowDown() {
    DestinationLimits limits =
        new DestinationLimits(
            16,
            Double.POSITIVE_INFINITY,
            1.0 / 3600,
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            0);
    DestinationLimiter l = limiter(limits);
    Instant start = now.get();
    l.tryAcquire("d.test").permit().close();
    assertThat(l.state("d.test").slowed()).isFalse();
    assertThat(l.slowDown("d.test", "421 4.7.0 Try again later")).isTrue();
    DestinationLimiter.State s = l.state("d.test");
    assertThat(s.slowed()).isTrue();
    assertThat(s.cause()).isEqualTo("421 4.7.0 Try again later");
    // Eight connections to win back, one a minute: past the longest slow-down, which caps it.
    assertThat(s.slowedUntil()).isEqualTo(start.plus(Duration.ofMinutes(5)));
    // The start let through at once spaces the next by the halved rate.
    l.tryAcquire("d.test").permit().close();
    assertThat(l.state("d.test").nextStart()).isAfter(now.get());
    advance(Duration.ofMinutes(5));
    s = l.state("d.test");
    assertThat(s.slowed()).isFalse();
    assertThat(s.cause()).isNull();
    assertThat(s.connectionLimit()).isEqualTo(16);
    assertThat(s.rate()).isInfinite();
    assertThat(s.nextStart()).isNull();
    assertThat(l.tryAcquire("d.test").admitted()).isTrue();
  }

  @Test
  void aShortRecoveryEndsBeforeTheLongestSlowDown() {
    DestinationLimiter l =
        limiter(
            new DestinationLimits(
                4, Double.POSITIVE_INFINITY, 0.1, Duration.ofMinutes(1), Duration.ofHours(1), 0));
    Instant start = now.get();
    l.slowDown("d.test", "421 too many connections");
    // Two connections to win back: two steps.
    assertThat(l.state("d.test").slowedUntil()).isEqualTo(start.plus(Duration.ofMinutes(2)));
    advance(Duration.ofMinutes(2));
    assertThat(l.state("d.test").slowed()).isFalse();
  }

  @Test
  void keysPerLocalPartShareTheirDomainsLimitsButNotTheirState() {
    ThrottleConfig t =
        new ThrottleConfig(
                DestinationLimits.DEFAULTS,
                Map.of("sim.test", DestinationLimits.DEFAULTS.withMaxConnections(3)))
            .withPerRecipient("Sim.test");
    assertThat(t.keyFor("sim.test", "Rate-421+7")).isEqualTo("sim.test/rate-421");
    assertThat(t.keyFor("sim.test", "ok")).isEqualTo("sim.test/ok");
    assertThat(t.keyFor("other.test", "rate-421")).isEqualTo("other.test");
    DestinationLimiter l = new DestinationLimiter(t, now::get);
    l.slowDown("sim.test/rate-421", "421 4.7.0 rate");
    assertThat(l.state("sim.test/rate-421").slowed()).isTrue();
    assertThat(l.state("sim.test/rate-421").connectionLimit()).isEqualTo(1);
    assertThat(l.state("sim.test/ok").slowed()).isFalse();
    assertThat(l.state("sim.test/ok").connectionLimit()).isEqualTo(3);
  }
}
