package dev.petrel.queue;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A message as the queue holds it.
 *
 * @param headers a summary of the main headers (Subject, From, To, Message-ID, Date), for display
 */
public record StoredMessage(
    QueueId id,
    EmailAddress sender,
    long size,
    Instant created,
    boolean held,
    String account,
    String authUser,
    String clientAddress,
    String heloName,
    String body,
    boolean smtputf8,
    String dsnRet,
    String dsnEnvid,
    Map<String, String> headers,
    List<StoredRecipient> recipients) {

  /** One recipient and where it stands. */
  public record StoredRecipient(
      EmailAddress address,
      RecipientState state,
      String dsnNotify,
      String dsnOrcpt,
      Instant updated) {}
}
