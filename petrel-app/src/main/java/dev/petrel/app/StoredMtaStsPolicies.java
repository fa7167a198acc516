package dev.petrel.app;

import dev.petrel.deliver.MtaStsPolicy;
import dev.petrel.deliver.MtaStsStore;
import dev.petrel.queue.KeptPolicy;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery's MTA-STS policy cache kept in the queue store, so a restart or another node on the same
 * database uses a fetched policy until its {@code max_age} ends (RFC 8461 §5.1). A kept policy that
 * no longer parses (a later, stricter Petrel) reads as none and is fetched again.
 */
public final class StoredMtaStsPolicies implements MtaStsStore {

  private static final Logger LOG = LoggerFactory.getLogger(StoredMtaStsPolicies.class);

  private final Store store;

  public StoredMtaStsPolicies(Store store) {
    this.store = store;
  }

  @Override
  public Cached load(String domain) {
    try {
      KeptPolicy k = store.keptPolicy(domain).orElse(null);
      if (k == null) return null;
      return new Cached(domain, MtaStsPolicy.parse(k.id(), k.policy()), k.fetched(), k.expires());
    } catch (StorageException e) {
      LOG.warn("cannot read the kept MTA-STS policy of {}: {}", domain, e.getMessage());
      return null;
    } catch (MtaStsPolicy.InvalidPolicyException e) {
      return null;
    }
  }

  @Override
  public void save(Cached c) {
    try {
      store.keepPolicy(
          new KeptPolicy(c.domain(), c.policy().id(), c.policy().text(), c.fetched(), c.expires()));
    } catch (StorageException e) {
      LOG.warn("cannot keep the MTA-STS policy of {}: {}", c.domain(), e.getMessage());
    }
  }
}
