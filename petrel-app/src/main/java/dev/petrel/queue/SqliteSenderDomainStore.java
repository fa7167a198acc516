package dev.petrel.queue;

import dev.petrel.domains.SenderDomain;
import dev.petrel.domains.SenderDomainStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link SenderDomainStore} on the embedded database, sharing the queue store's writer. */
final class SqliteSenderDomainStore implements SenderDomainStore {

  private final SqlMessageStore store;

  SqliteSenderDomainStore(SqlMessageStore store) {
    this.store = store;
  }

  @Override
  public boolean addDomain(SenderDomain d) throws StorageException {
    if (store.readOne(c -> AccountRows.findAccount(c, d.account()), "reading account") == null)
      throw new IllegalArgumentException("no account named '" + d.account() + "'");
    return store
        .writer()
        .call(c -> SenderDomainRows.insert(c, d), false, "adding sender domain " + d.domain());
  }

  @Override
  public Optional<SenderDomain> findDomain(String domain) throws StorageException {
    return Optional.ofNullable(
        store.readOne(c -> SenderDomainRows.find(c, domain), "reading sender domain " + domain));
  }

  @Override
  public List<SenderDomain> domains(String account) throws StorageException {
    return store.read(c -> SenderDomainRows.list(c, account), "listing sender domains");
  }

  @Override
  public boolean recordCheck(String domain, Instant checked, Instant verified, String resultJson)
      throws StorageException {
    return store
        .writer()
        .call(
            c -> SenderDomainRows.recordCheck(c, domain, checked, verified, resultJson),
            false,
            "recording the check of " + domain);
  }

  @Override
  public boolean removeDomain(String account, String domain) throws StorageException {
    return store
        .writer()
        .call(
            c -> SenderDomainRows.remove(c, account, domain),
            false,
            "removing sender domain " + domain);
  }
}
