package dev.petrel.accept;

import java.util.Optional;

/** Checks SMTP AUTH credentials. Implementations compare against hashes, never plain passwords. */
public interface Authenticator {

  /**
   * Returns the account the credentials belong to, or empty when they are wrong. Never throws for
   * wrong credentials; may block briefly (hash comparison).
   */
  Optional<String> authenticate(String user, String password);
}
