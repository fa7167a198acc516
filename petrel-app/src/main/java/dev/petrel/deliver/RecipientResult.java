package dev.petrel.deliver;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Recipient;

/** What one delivery attempt did for one recipient, with the reply that decided it. */
public record RecipientResult(Recipient recipient, Outcome outcome, Attempt attempt) {

  public RecipientResult {
    if (recipient == null || outcome == null || attempt == null)
      throw new IllegalArgumentException("recipient, outcome and attempt are required");
  }

  public EmailAddress address() {
    return recipient.address();
  }
}
