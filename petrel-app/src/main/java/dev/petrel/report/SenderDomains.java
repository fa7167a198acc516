package dev.petrel.report;

import dev.petrel.accounts.Account;
import dev.petrel.deliver.dkim.DkimAlgorithm;
import dev.petrel.domains.SenderDomain;
import dev.petrel.domains.SenderDomainStore;
import dev.petrel.domains.SenderPolicy;
import dev.petrel.queue.StorageException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sender domains of accounts: what the CLI and the HTTP API call. Adding a domain makes its DKIM
 * keys (RSA-2048 and Ed25519) and the DNS records to publish; a check looks the records up and
 * marks the domain verified when both DKIM keys are published, after which its mail is signed at
 * delivery ({@link DkimSigning}).
 *
 * <p>Every method taking an {@code account} acts only on that account's domains: another account's
 * domain is answered as if it did not exist. The operator's CLI passes null to reach any domain.
 *
 * <p>Exceptions: {@link StorageException} means the store cannot answer now (HTTP 503, retry);
 * {@link IllegalArgumentException} means the input was wrong (the message says how; HTTP 400).
 */
public final class SenderDomains {

  /** The domain is already added (HTTP 409): by this account, or by another one. */
  public static final class DomainTakenException extends Exception {
    private final boolean sameAccount;

    DomainTakenException(String domain, boolean sameAccount) {
      super(
          sameAccount
              ? domain + " is already a sender domain of this account"
              : domain + " is a sender domain of another account");
      this.sameAccount = sameAccount;
    }

    public boolean sameAccount() {
      return sameAccount;
    }
  }

  /**
   * A domain as shown to its owner: never its private keys.
   *
   * @param domain the stored domain (holds the private keys: do not print it whole)
   * @param records the DNS records to publish
   */
  public record Info(SenderDomain domain, List<DomainRecords.Record> records) {

    /** The JSON shape shared by {@code petrel domains} and the API. */
    public Map<String, Object> json() {
      SenderDomain d = domain;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("domain", d.domain());
      m.put("account", d.account());
      m.put("created", instant(d.created()));
      m.put("verified", d.isVerified());
      m.put("verified_at", instant(d.verified()));
      m.put("checked_at", instant(d.checked()));
      m.put("selectors", Map.of("rsa", d.rsaSelector(), "ed25519", d.ed25519Selector()));
      List<Map<String, Object>> rs = new ArrayList<>();
      for (DomainRecords.Record r : records) rs.add(r.json());
      m.put("records", rs);
      m.put("last_check", d.lastCheck() == null ? null : StatusJson.MAPPER.readTree(d.lastCheck()));
      return m;
    }

    private static String instant(Instant t) {
      return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
    }
  }

  private static final DateTimeFormatter SELECTOR_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

  private final SenderDomainStore store;
  private final SenderPolicy policy;
  private final DomainChecker checker;
  private final String hostname;
  private final InstantSource clock;

  /**
   * @param hostname this server's name, which the recommended SPF record allows
   */
  public SenderDomains(
      SenderDomainStore store,
      SenderPolicy policy,
      DomainChecker checker,
      String hostname,
      InstantSource clock) {
    this.store = store;
    this.policy = policy;
    this.checker = checker;
    this.hostname = hostname;
    this.clock = clock;
  }

  /**
   * Adds a domain to an account with new DKIM keys, not yet verified.
   *
   * @return the domain and the records to publish
   * @throws IllegalArgumentException when the domain is not a domain name or the account is unknown
   * @throws DomainTakenException when the domain is already added (by any account)
   */
  public Info add(String account, String domain) throws StorageException, DomainTakenException {
    Account.checkName(account);
    String name = SenderDomain.normalize(domain);
    Optional<SenderDomain> existing = store.findDomain(name);
    if (existing.isPresent())
      throw new DomainTakenException(name, existing.get().account().equals(account));
    Instant now = clock.instant();
    DkimAlgorithm.Generated rsa = DkimAlgorithm.RSA.generate();
    DkimAlgorithm.Generated ed = DkimAlgorithm.ED25519.generate();
    SenderDomain d =
        new SenderDomain(
            name,
            account,
            "petrel" + SELECTOR_DATE.format(now),
            rsa.privateKey(),
            rsa.publicKey(),
            ed.privateKey(),
            ed.publicKey(),
            now,
            null,
            null,
            null);
    if (!store.addDomain(d)) {
      // Added by someone else between the look-up and the insert.
      boolean same = store.findDomain(name).map(x -> x.account().equals(account)).orElse(false);
      throw new DomainTakenException(name, same);
    }
    return info(d);
  }

  /** The domains of an account (every account's when null), by name. */
  public List<Info> list(String account) throws StorageException {
    List<Info> out = new ArrayList<>();
    for (SenderDomain d : store.domains(account)) out.add(info(d));
    return out;
  }

  /** One domain of the account (any account's when null); empty when it has no such domain. */
  public Optional<Info> find(String account, String domain) throws StorageException {
    return owned(account, domain).map(this::info);
  }

  /**
   * Looks up the domain's SPF, DKIM and DMARC records, stores the result and the verification state
   * (a failed lookup leaves the state as it was), and returns the per-record results. Empty when
   * the account has no such domain. Takes as long as the DNS lookups (a few seconds at most).
   */
  public Optional<DomainCheck> check(String account, String domain) throws StorageException {
    Optional<SenderDomain> d = owned(account, domain);
    if (d.isEmpty()) return Optional.empty();
    DomainCheck result = checker.check(d.get(), clock.instant());
    Boolean verified = result.verified();
    Instant verifiedAt = verified == null ? d.get().verified() : verified ? result.at() : null;
    store.recordCheck(d.get().domain(), result.at(), verifiedAt, StatusJson.line(result.json()));
    return Optional.of(result);
  }

  /** Removes a domain of the account: its mail is no longer signed. False when there is none. */
  public boolean remove(String account, String domain) throws StorageException {
    Optional<SenderDomain> d = owned(account, domain);
    return d.isPresent() && store.removeDomain(d.get().account(), d.get().domain());
  }

  /**
   * Whether the account may send mail whose From (or envelope sender) is in {@code fromDomain}:
   * when the operator allows any sender, or the domain is one of the account's (verified or not).
   * Refuse with 553 5.7.1 (SMTP) or a problem document (HTTP) when false.
   */
  public boolean mayUseSender(String account, String fromDomain) throws StorageException {
    return policy.mayUseSender(account, fromDomain);
  }

  /** Whether the operator lets every account send from any domain ({@code allow-any-sender}). */
  public boolean allowsAnySender() {
    return policy.allowsAnySender();
  }

  private Optional<SenderDomain> owned(String account, String domain) throws StorageException {
    String name;
    try {
      name = SenderDomain.normalize(domain);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return store.findDomain(name).filter(d -> account == null || d.account().equals(account));
  }

  private Info info(SenderDomain d) {
    return new Info(d, DomainRecords.of(d, hostname));
  }
}
