package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which host names draw the start-up warning: those a receiver could not look up as a domain. */
class HostNameQualifiedTest {

  @ParameterizedTest
  @CsvSource({
    "mail.example.com, true",
    "mail.example.com., true",
    "petrel.test, true",
    "vm, false",
    "localhost, false",
    "box.localdomain, false",
    "[192.0.2.1], false",
    ".example, false"
  })
  void qualifiedNames(String name, boolean qualified) {
    assertThat(PetrelServer.isQualified(name)).isEqualTo(qualified);
  }
}
