package dev.petrel.status.bounce;

import dev.petrel.status.ReplyStatus;

/**
 * One recipient of a bounce report and what happened to it.
 *
 * @param recipient the address (lower case), or null when the report names none
 * @param action the DSN action ({@code failed}, {@code delayed}, {@code delivered}, ...), or null
 * @param status the status code as written in the mail (e.g. {@code 5.1.1}), or null
 * @param diagnosticType the Diagnostic-Code type ({@code smtp}, {@code x-postfix}...), or null
 * @param diagnostic the Diagnostic-Code text or the MTA's error text, or null
 * @param remoteMta the host that gave the error, or null
 * @param classification the engine's reading of the failure; never null
 */
public record BouncedRecipient(
    String recipient,
    String action,
    String status,
    String diagnosticType,
    String diagnostic,
    String remoteMta,
    ReplyStatus classification) {

  public BouncedRecipient {
    if (classification == null) throw new IllegalArgumentException("classification is required");
  }

  /** The same recipient with another classification. */
  BouncedRecipient withClassification(ReplyStatus c) {
    return new BouncedRecipient(
        recipient, action, status, diagnosticType, diagnostic, remoteMta, c);
  }
}
