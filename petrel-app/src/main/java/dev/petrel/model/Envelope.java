package dev.petrel.model;

import java.util.List;

/**
 * The SMTP envelope of one accepted message: who sent it, to whom, and how it came in.
 *
 * @param sender the reverse path, or null for the null sender {@code <>} (bounces)
 * @param recipients at least one
 * @param body the BODY parameter: {@code 7BIT}, {@code 8BITMIME} or {@code BINARYMIME}
 * @param smtputf8 whether the client asked for SMTPUTF8 (RFC 6531)
 * @param dsnRet the RFC 3461 RET parameter ({@code FULL} or {@code HDRS}), or null
 * @param dsnEnvid the RFC 3461 ENVID parameter, or null
 * @param account the account the message belongs to ({@code default} until accounts exist)
 * @param authUser the SMTP AUTH identity, or null when the client was trusted by network
 * @param clientAddress the client's IP address as text
 * @param heloName the name the client gave in EHLO/HELO
 * @param source how it came in: {@link #SOURCE_SMTP} or {@link #SOURCE_API}
 */
public record Envelope(
    EmailAddress sender,
    List<Recipient> recipients,
    String body,
    boolean smtputf8,
    String dsnRet,
    String dsnEnvid,
    String account,
    String authUser,
    String clientAddress,
    String heloName,
    String source) {

  public static final String DEFAULT_ACCOUNT = "default";

  /** Submitted over SMTP: the sender gets delivery status notifications. */
  public static final String SOURCE_SMTP = "smtp";

  /** Submitted through the HTTP API: the sender learns through webhooks, not DSNs. */
  public static final String SOURCE_API = "api";

  public Envelope {
    recipients = List.copyOf(recipients);
    if (recipients.isEmpty()) throw new IllegalArgumentException("an envelope needs a recipient");
    if (body == null) body = "7BIT";
    if (account == null) account = DEFAULT_ACCOUNT;
    if (source == null) source = SOURCE_SMTP;
    if (!source.equals(SOURCE_SMTP) && !source.equals(SOURCE_API))
      throw new IllegalArgumentException("unknown source: " + source);
  }

  /** An envelope submitted over SMTP. */
  public Envelope(
      EmailAddress sender,
      List<Recipient> recipients,
      String body,
      boolean smtputf8,
      String dsnRet,
      String dsnEnvid,
      String account,
      String authUser,
      String clientAddress,
      String heloName) {
    this(
        sender,
        recipients,
        body,
        smtputf8,
        dsnRet,
        dsnEnvid,
        account,
        authUser,
        clientAddress,
        heloName,
        SOURCE_SMTP);
  }

  public boolean nullSender() {
    return sender == null;
  }
}
