package dev.petrel.app;

import dev.petrel.accept.BounceMailbox;
import dev.petrel.model.EmailAddress;
import dev.petrel.queue.StorageException;
import dev.petrel.report.AsyncBounces;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Joins the listener to the bounce reader: the listener must not know the report stage, so this
 * adapter, in the composition root, passes its questions on and wakes delivery when a bounce queued
 * a notice to a sender.
 */
final class BounceDomainMailbox implements BounceMailbox {

  private final AsyncBounces bounces;
  private final Runnable noticeQueued;

  BounceDomainMailbox(AsyncBounces bounces, Runnable noticeQueued) {
    this.bounces = Objects.requireNonNull(bounces, "bounces");
    this.noticeQueued = Objects.requireNonNull(noticeQueued, "noticeQueued");
  }

  @Override
  public boolean isBounceAddress(EmailAddress address) {
    return bounces.isBounceAddress(address);
  }

  @Override
  public Optional<String> refusal(EmailAddress address) throws StorageException {
    return bounces.refusal(address);
  }

  @Override
  public String receive(List<EmailAddress> recipients, byte[] mail) throws StorageException {
    AsyncBounces.Outcome o = bounces.receive(recipients, mail);
    if (!o.notices().isEmpty()) noticeQueued.run();
    return o.summary();
  }
}
