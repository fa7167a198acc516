package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Answers are kept for their TTL; failures are not kept. */
class CachingDnsLookupTest {

  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
  final InMemoryDns dns = new InMemoryDns();
  final CachingDnsLookup cache = new CachingDnsLookup(dns, now::get, 100);

  @Test
  void answersAreKeptForTheirTtl() {
    dns.mx("a.test", 10, "mx.a.test");
    assertThat(cache.mx("a.test").status()).isEqualTo(DnsAnswer.Status.FOUND);
    assertThat(cache.mx("a.test").status()).isEqualTo(DnsAnswer.Status.FOUND);
    assertThat(dns.queries()).isEqualTo(1);
    now.set(now.get().plusSeconds(301)); // the in-memory table's TTL is 5 minutes
    cache.mx("a.test");
    assertThat(dns.queries()).isEqualTo(2);
  }

  @Test
  void negativeAnswersAreKeptToo() {
    assertThat(cache.addresses("none.test").status()).isEqualTo(DnsAnswer.Status.NX_DOMAIN);
    cache.addresses("none.test");
    assertThat(dns.queries()).isEqualTo(1);
  }

  @Test
  void failuresAreAskedAgain() {
    dns.fail("flaky.test");
    cache.mx("flaky.test");
    cache.mx("flaky.test");
    assertThat(dns.queries()).isEqualTo(2);
  }

  @Test
  void capacityIsBounded() {
    CachingDnsLookup small = new CachingDnsLookup(dns, now::get, 3);
    for (int i = 0; i < 10; i++) small.mx("d" + i + ".test");
    small.mx("d9.test");
    assertThat(dns.queries()).isEqualTo(10);
  }
}
