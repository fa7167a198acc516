package dev.petrel.deliver;

import java.time.Instant;
import java.util.List;

/**
 * The facts of one {@link Deliverer#deliver} call: one result per recipient of the job, in the
 * job's order, and the servers that were tried and failed before the one that decided.
 *
 * @param jobId the job's id (for logs), or null
 * @param domain the recipients' domain
 * @param destination the key limits are kept under (domain or relay)
 * @param recipients one per job recipient
 * @param failovers what went wrong with servers tried before the one that decided, oldest first:
 *     connection failures and refusals at greeting or EHLO (next MX), and TLS handshakes that
 *     failed before an opportunistic retry in plain text
 * @param started when delivery began (after admission by the destination limits)
 * @param finished when the last reply came
 */
public record TransferResult(
    String jobId,
    String domain,
    String destination,
    List<RecipientResult> recipients,
    List<Attempt> failovers,
    Instant started,
    Instant finished) {

  public TransferResult {
    recipients = List.copyOf(recipients);
    failovers = List.copyOf(failovers);
  }

  public List<RecipientResult> with(Outcome outcome) {
    return recipients.stream().filter(r -> r.outcome() == outcome).toList();
  }

  public boolean allDelivered() {
    return recipients.stream().allMatch(r -> r.outcome() == Outcome.DELIVERED);
  }
}
