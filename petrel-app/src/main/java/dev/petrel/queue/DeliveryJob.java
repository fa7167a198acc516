package dev.petrel.queue;

import dev.petrel.model.Recipient;
import java.time.Instant;
import java.util.List;

/**
 * Work the scheduler has claimed: some recipients of one message that share a destination domain,
 * so the client can send them in one transaction. The claim is a lease: until {@code leaseUntil} no
 * other claim takes these recipients; after it (a crashed or stuck node), they are due again.
 *
 * @param message the message (envelope, size, DSN parameters); its recipient list is complete,
 *     {@link #recipients} says which ones this job is for
 * @param domain the recipients' domain, lower case
 * @param leaseId identifies this claim; {@link MessageStore#recordAttempt} needs it
 * @param leaseUntil when the lease runs out
 * @param recipients the claimed recipients, in envelope order
 */
public record DeliveryJob(
    StoredMessage message,
    String domain,
    String leaseId,
    Instant leaseUntil,
    List<JobRecipient> recipients) {

  public DeliveryJob {
    recipients = List.copyOf(recipients);
  }

  /**
   * One claimed recipient.
   *
   * @param position its place in the envelope (what attempts and updates name it by)
   * @param recipient the address and its DSN parameters
   * @param attempts how many attempts were already recorded (0 for fresh mail)
   * @param possibleDuplicate whether an earlier attempt lost the reply after the final dot
   */
  public record JobRecipient(
      int position, Recipient recipient, int attempts, boolean possibleDuplicate) {}
}
