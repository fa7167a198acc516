package dev.petrel.status.bounce;

import java.util.List;

/**
 * What a bounce mail says: which kind of report it is, which recipients it is about, and what is
 * known of the original message.
 *
 * @param kind DSN (RFC 3464), a non-standard notice, an auto-reply, a feedback report, or none
 * @param format a short name of the layout that was recognised, e.g. {@code rfc3464}, {@code exim},
 *     {@code qmail}, {@code arf}, {@code rfc3834}; {@code none} for {@link Kind#NOT_A_BOUNCE}
 * @param recipients one entry per recipient the report is about, in the order the report gives
 * @param originalMessageId the Message-ID of the original message, or null
 * @param originalReturnPath the original message's envelope sender (Return-Path), or null
 * @param originalFrom the original message's From address, or null
 * @param originalSubject the original message's Subject, or null
 * @param reportingMta the host that wrote the report, or null
 * @param feedbackType the ARF Feedback-Type (abuse, opt-out, ...) of a feedback report, or null
 */
public record BounceReport(
    Kind kind,
    String format,
    List<BouncedRecipient> recipients,
    String originalMessageId,
    String originalReturnPath,
    String originalFrom,
    String originalSubject,
    String reportingMta,
    String feedbackType) {

  public BounceReport {
    recipients = List.copyOf(recipients);
  }

  /** The kinds of mail the parser tells apart. */
  public enum Kind {
    DSN,
    NON_STANDARD,
    AUTO_REPLY,
    FEEDBACK,
    NOT_A_BOUNCE
  }
}
