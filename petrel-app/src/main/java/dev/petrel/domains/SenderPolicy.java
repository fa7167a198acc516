package dev.petrel.domains;

import dev.petrel.queue.StorageException;
import java.util.Locale;

/**
 * Who may send as which domain: an account may use a sender domain it has added (verified or not),
 * or any domain when the operator allows any sender ({@code allow-any-sender}, on by default so
 * that existing set-ups keep working). Subdomains are not implied: {@code mail.example.com} must be
 * added on its own.
 *
 * <p>The listener asks at MAIL (553 5.7.1), the API before queueing (a problem document).
 */
public final class SenderPolicy {

  private final SenderDomainStore domains;
  private final boolean allowAny;

  public SenderPolicy(SenderDomainStore domains, boolean allowAny) {
    this.domains = domains;
    this.allowAny = allowAny;
  }

  public boolean allowsAnySender() {
    return allowAny;
  }

  /**
   * Whether {@code account} may send mail from {@code fromDomain}. A null or empty domain (the null
   * reverse path of a bounce) is always allowed.
   *
   * @throws StorageException when the store cannot answer now (answer with a temporary failure)
   */
  public boolean mayUseSender(String account, String fromDomain) throws StorageException {
    if (allowAny || fromDomain == null || fromDomain.isEmpty()) return true;
    String d = fromDomain.strip().toLowerCase(Locale.ROOT);
    if (d.endsWith(".")) d = d.substring(0, d.length() - 1);
    return domains.findDomain(d).map(s -> s.account().equals(account)).orElse(false);
  }
}
