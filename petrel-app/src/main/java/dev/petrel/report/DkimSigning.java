package dev.petrel.report;

import dev.petrel.deliver.BodySource;
import dev.petrel.deliver.DeliveryJob;
import dev.petrel.deliver.dkim.DkimAlgorithm;
import dev.petrel.deliver.dkim.DkimKey;
import dev.petrel.deliver.dkim.DkimSigner;
import dev.petrel.deliver.dkim.HeaderSection;
import dev.petrel.domains.SenderDomain;
import dev.petrel.domains.SenderDomainStore;
import dev.petrel.queue.StorageException;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs outgoing mail at delivery: a message whose header From is in a verified sender domain of
 * the message's own account gets an {@code rsa-sha256} and an {@code ed25519-sha256} signature put
 * before its header.
 *
 * <p>The signature is computed once per message, reading the stored body as a stream, and kept in a
 * small cache by queue id, so the jobs of the same message to other domains and its retries reuse
 * it; only the signature fields (about 1 KB) are held, never a body. Each open of the job's body
 * then yields the signature fields followed by the stored message.
 *
 * <p>Mail that cannot be signed (no From, a header section over {@value #HEADER_LIMIT} octets, an
 * unreadable key) goes out unsigned, with a warning in the log: holding it back would not help.
 * Neither is mail with more than one From field (both doors refuse it; this covers mail stored
 * before they did).
 */
public final class DkimSigning {

  private static final Logger LOG = LoggerFactory.getLogger("dkim");
  static final int HEADER_LIMIT = 1024 * 1024;
  private static final int CACHE = 1024;

  private final SenderDomainStore domains;
  private final InstantSource clock;
  private final Map<String, byte[]> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
          return size() > CACHE;
        }
      };

  public DkimSigning(SenderDomainStore domains, InstantSource clock) {
    this.domains = domains;
    this.clock = clock;
  }

  /**
   * The job to deliver: the same job when its message is not to be signed, else one whose body
   * starts with the signature fields (and whose size counts them).
   *
   * @param account the account the message belongs to
   */
  public DeliveryJob sign(String account, DeliveryJob job) {
    byte[] fields;
    try {
      fields = signature(account, job);
    } catch (IOException | StorageException | RuntimeException e) {
      if (unreachableStore(e)) {
        // Whether to sign is not known: the attempt fails temporarily (4.3.0) instead of sending
        // mail unsigned that would have been signed.
        BodySource unknown =
            () -> {
              throw new IOException("cannot decide on the DKIM signature: " + e.getMessage(), e);
            };
        return new DeliveryJob(
            job.id(),
            job.sender(),
            job.recipients(),
            job.size(),
            unknown,
            job.smtputf8(),
            job.eightBit(),
            job.dsnRet(),
            job.dsnEnvid());
      }
      LOG.warn("{}: sending without a DKIM signature: {}", job.id(), e.getMessage());
      return job;
    }
    if (fields == null) return job;
    BodySource original = job.body();
    BodySource signed =
        () -> new SequenceInputStream(new ByteArrayInputStream(fields), original.open());
    return new DeliveryJob(
        job.id(),
        job.sender(),
        job.recipients(),
        job.size() + fields.length,
        signed,
        job.smtputf8(),
        job.eightBit(),
        job.dsnRet(),
        job.dsnEnvid());
  }

  private static boolean unreachableStore(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause())
      if (t instanceof dev.petrel.queue.StoreUnavailableException) return true;
    return false;
  }

  /** The signature fields, or null when the message is not signed. */
  private byte[] signature(String account, DeliveryJob job) throws IOException, StorageException {
    String id = job.id();
    if (id != null) {
      synchronized (cache) {
        byte[] cached = cache.get(id);
        if (cached != null) return cached;
      }
    }
    byte[] fields = compute(account, job);
    // Only signatures are kept: a message not signed now may be after its domain is verified.
    if (id != null && fields != null) {
      synchronized (cache) {
        cache.put(id, fields);
      }
    }
    return fields;
  }

  private byte[] compute(String account, DeliveryJob job) throws IOException, StorageException {
    try (InputStream in = new BufferedInputStream(job.body().open(), 64 * 1024)) {
      HeaderSection header = HeaderSection.read(in, HEADER_LIMIT);
      int froms = header.named("from").size();
      if (froms > 1) {
        // Both doors refuse such mail; one stored before they did is not signed either: a verifier
        // and a reader could each take another From as the sender (RFC 6376 §8.15).
        LOG.warn("{}: sending without a DKIM signature: {} From fields", job.id(), froms);
        return null;
      }
      String domain = header.fromDomain();
      if (domain == null) return null;
      Optional<SenderDomain> found = domains.findDomain(domain);
      if (found.isEmpty()) return null;
      SenderDomain d = found.get();
      if (!d.account().equals(account) || !d.isVerified()) return null;
      List<DkimKey> keys =
          List.of(
              new DkimKey(
                  DkimAlgorithm.RSA, d.rsaSelector(), DkimAlgorithm.RSA.privateKey(d.rsaPrivate())),
              new DkimKey(
                  DkimAlgorithm.ED25519,
                  d.ed25519Selector(),
                  DkimAlgorithm.ED25519.privateKey(d.edPrivate())));
      String fields = DkimSigner.sign(header, in, d.domain(), keys, clock.instant());
      return fields.getBytes(StandardCharsets.ISO_8859_1);
    }
  }
}
