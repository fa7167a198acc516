package dev.petrel.queue;

/**
 * What pruning deleted (or, for a dry run, would delete now).
 *
 * @param messages finished messages deleted with their recipients, attempts, events and body
 * @param recipients the recipients those messages had
 * @param bytes the size of their bodies as received
 * @param webhookLog lines of webhooks' delivery logs older than the cut-off deleted
 */
public record Pruned(int messages, int recipients, long bytes, int webhookLog) {

  public static final Pruned NONE = new Pruned(0, 0, 0, 0);

  /** Both counts added up. */
  public Pruned plus(Pruned o) {
    return new Pruned(
        messages + o.messages,
        recipients + o.recipients,
        bytes + o.bytes,
        webhookLog + o.webhookLog);
  }
}
