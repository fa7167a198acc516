package dev.petrel.accept;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Failed logins counted across sessions ({@link AuthLockout}): each session here is a separate
 * connection, as a guesser running many in parallel would open, sharing one tracker and one clock.
 */
class SessionAuthLockoutTest {

  private static final AuthLockout.Settings SETTINGS =
      new AuthLockout.Settings(3, Duration.ofMinutes(10), Duration.ofMinutes(5), 100);

  private final TestClock clock = new TestClock(SessionHarness.CLOCK.instant());
  private final AuthLockout lockout = new AuthLockout(SETTINGS, clock);
  private final List<String> events = new ArrayList<>();

  /** One session from {@code client}: EHLO, then one AUTH PLAIN; returns its reply code. */
  private String login(String client, String user, String password) {
    SessionHarness h = new SessionHarness().secure();
    h.client = SessionHarness.address(client);
    h.clock = clock;
    h.lockout = lockout;
    h.lines("EHLO c.example", "AUTH PLAIN " + SessionReplyTableTest.plain(user, password));
    List<String> codes = h.run().codes();
    events.addAll(h.events);
    return codes.getLast();
  }

  @Test
  void guessesFromOneAddressLockItEvenForTheRightPassword() {
    for (int i = 0; i < 3; i++)
      assertThat(login("192.0.2.1", "user" + i, "guess")).isEqualTo("535 5.7.8");
    assertThat(login("192.0.2.1", "someone", "guess")).isEqualTo("454 4.7.0");
    assertThat(login("192.0.2.1", "alice", "secret")).isEqualTo("454 4.7.0");
    assertThat(events)
        .anyMatch(e -> e.startsWith("auth lockout: address 192.0.2.1 locked for PT5M after 3"))
        .anyMatch(e -> e.startsWith("auth refused user=alice mechanism=PLAIN: address locked"));
    // Other addresses are not concerned.
    assertThat(login("192.0.2.2", "alice", "secret")).isEqualTo("235 2.7.0");
    clock.advance(Duration.ofMinutes(5));
    assertThat(login("192.0.2.1", "alice", "secret")).isEqualTo("235 2.7.0");
  }

  @Test
  void guessesAtOneLoginFromManyAddressesLockTheLogin() {
    for (int i = 1; i <= 3; i++)
      assertThat(login("198.51.100." + i, "alice", "guess" + i)).isEqualTo("535 5.7.8");
    assertThat(login("198.51.100.77", "alice", "secret")).isEqualTo("454 4.7.0");
    assertThat(login("198.51.100.78", "ALICE", "secret")).isEqualTo("454 4.7.0");
    assertThat(events).anyMatch(e -> e.startsWith("auth lockout: login alice locked"));
    clock.advance(Duration.ofMinutes(4));
    assertThat(login("198.51.100.79", "alice", "secret")).isEqualTo("454 4.7.0");
    clock.advance(Duration.ofMinutes(1));
    assertThat(login("198.51.100.79", "alice", "secret")).isEqualTo("235 2.7.0");
  }

  @Test
  void failuresOutsideTheWindowDoNotAddUp() {
    assertThat(login("192.0.2.9", "alice", "typo")).isEqualTo("535 5.7.8");
    assertThat(login("192.0.2.9", "alice", "typo")).isEqualTo("535 5.7.8");
    clock.advance(Duration.ofMinutes(11));
    assertThat(login("192.0.2.9", "alice", "typo")).isEqualTo("535 5.7.8");
    assertThat(login("192.0.2.9", "alice", "secret")).isEqualTo("235 2.7.0");
  }

  @Test
  void ipv6ClientsAreCountedPerSlash64() {
    assertThat(login("2001:db8:1:2::1", "a", "x")).isEqualTo("535 5.7.8");
    assertThat(login("2001:db8:1:2::2", "b", "x")).isEqualTo("535 5.7.8");
    assertThat(login("2001:db8:1:2:ffff::3", "c", "x")).isEqualTo("535 5.7.8");
    assertThat(login("2001:db8:1:2::4", "alice", "secret")).isEqualTo("454 4.7.0");
    assertThat(login("2001:db8:1:3::1", "alice", "secret")).isEqualTo("235 2.7.0");
  }

  @Test
  void checksInFlightCountSoParallelGuessesStopAtTheLimit() throws Exception {
    InetAddress a = InetAddress.getByName("192.0.2.50");
    List<AuthLockout.Admission> admitted = new ArrayList<>();
    for (int i = 0; i < 5; i++) admitted.add(lockout.admit(a, "user" + i));
    assertThat(admitted.subList(0, 3)).allMatch(x -> x instanceof AuthLockout.Attempt);
    assertThat(admitted.subList(3, 5)).allMatch(x -> x instanceof AuthLockout.Locked);
    for (var x : admitted.subList(0, 3)) ((AuthLockout.Attempt) x).failed();
    assertThat(lockout.admit(a, "alice")).isInstanceOf(AuthLockout.Locked.class);
  }

  @Test
  void memoryIsBoundedWhateverTheNumberOfKeys() throws Exception {
    AuthLockout small =
        new AuthLockout(
            new AuthLockout.Settings(3, Duration.ofMinutes(10), Duration.ofMinutes(5), 10), clock);
    InetAddress locked = InetAddress.getByName("192.0.2.1");
    for (int i = 0; i < 3; i++) ((AuthLockout.Attempt) small.admit(locked, "x")).failed();
    for (int i = 0; i < 10_000; i++) {
      var attempt =
          small.admit(InetAddress.getByName("10.0." + (i / 250) + "." + (i % 250)), "u" + i);
      if (attempt instanceof AuthLockout.Attempt t) t.failed();
    }
    assertThat(small.tracked()).isLessThanOrEqualTo(20);
    // The lock outlived the flood of new keys.
    assertThat(small.admit(locked, "y")).isInstanceOf(AuthLockout.Locked.class);
  }
}
