package dev.petrel.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The admission rules of the request-body budget: what fits is admitted, an account past its share
 * gets 429, a full server 503 (both with Retry-After), a lone request always fits, and closing a
 * lease gives its memory back.
 */
class BodyBudgetTest {

  private static final long MIB = 1024 * 1024;

  /** 100 MiB in all, 75 MiB per account; a body costs seven times its length. */
  private final BodyBudget budget = new BodyBudget(100 * MIB);

  private static void refused(Runnable r, int status) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            Problem.class,
            p -> {
              assertThat(p.status()).isEqualTo(status);
              assertThat(p.headers()).containsKey("Retry-After");
            });
  }

  @Test
  void admitsWhatFitsAndRefusesWhatDoesNot() {
    BodyBudget.Lease a = budget.admit("a", 10 * MIB); // 70 MiB
    assertThat(budget.held()).isEqualTo(70 * MIB);
    refused(() -> budget.admit("a", MIB), 429); // a: 70 + 7 > 75
    BodyBudget.Lease b = budget.admit("b", 4 * MIB); // 28 MiB: 98 in all
    refused(() -> budget.admit("c", MIB), 503); // 98 + 7 > 100
    BodyBudget.Lease small = budget.admit("c", 1000);
    a.close();
    assertThat(budget.held()).isEqualTo(28 * MIB + 7000);
    budget.admit("a", 5 * MIB).close();
    b.close();
    small.close();
    assertThat(budget.held()).isZero();
  }

  @Test
  void aLoneRequestIsAdmittedWhateverItCosts() {
    try (BodyBudget.Lease huge = budget.admit("a", 36 * MIB)) { // 252 MiB > 100
      assertThat(budget.held()).isEqualTo(252 * MIB);
      refused(() -> budget.admit("b", 1), 503);
    }
    assertThat(budget.held()).isZero();
  }

  @Test
  void aBodyOfUnknownLengthPaysAsItIsRead() {
    BodyBudget.Lease chunked = budget.admit("a", BodyBudget.CHUNK);
    long step = BodyBudget.CHUNK * BodyBudget.FACTOR;
    assertThat(budget.held()).isEqualTo(step);
    chunked.cover(BodyBudget.CHUNK); // still within what it paid
    assertThat(budget.held()).isEqualTo(step);
    chunked.cover(BodyBudget.CHUNK + 1);
    assertThat(budget.held()).isEqualTo(2 * step);
    BodyBudget.Lease other = budget.admit("b", 3 * MIB); // 21 MiB
    chunked.cover(11 * MIB); // 77 MiB: past the account's share, but its only request
    assertThat(budget.held()).isEqualTo(98 * MIB);
    refused(() -> chunked.cover(12 * MIB), 503); // 105 MiB with b's
    other.close();
    chunked.cover(12 * MIB); // alone on the server now
    assertThat(budget.held()).isEqualTo(84 * MIB);
    chunked.close();
    assertThat(budget.held()).isZero();
  }
}
