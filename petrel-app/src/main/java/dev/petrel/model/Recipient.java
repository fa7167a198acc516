package dev.petrel.model;

/**
 * One envelope recipient with its RFC 3461 DSN parameters.
 *
 * @param address where to deliver
 * @param dsnNotify the NOTIFY parameter as given (e.g. {@code SUCCESS,FAILURE}), or null
 * @param dsnOrcpt the ORCPT parameter as given (e.g. {@code rfc822;bob@example.org}), or null
 */
public record Recipient(EmailAddress address, String dsnNotify, String dsnOrcpt) {

  public Recipient {
    if (address == null) throw new IllegalArgumentException("recipient address is required");
  }

  public static Recipient of(EmailAddress address) {
    return new Recipient(address, null, null);
  }
}
