package dev.petrel.queue;

/**
 * A message was refused because its recipients do not fit in its account's monthly quota; nothing
 * was kept. The API answers 429, an SMTP client gets 450 4.7.1.
 */
public final class QuotaExceededException extends StorageException {

  private final long used;
  private final long limit;

  public QuotaExceededException(String account, long used, long limit) {
    super(
        "account "
            + account
            + " has used "
            + used
            + " of its "
            + limit
            + " recipients this month; the message does not fit");
    this.used = used;
    this.limit = limit;
  }

  /** Recipients counted this month before the refused message. */
  public long used() {
    return used;
  }

  public long limit() {
    return limit;
  }
}
