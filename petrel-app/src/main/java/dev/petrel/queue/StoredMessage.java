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
 * @param tags the caller's tags, in the order given (never part of the message)
 * @param metadata the caller's metadata as the text of a JSON object, or null when none (never part
 *     of the message)
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
    List<StoredRecipient> recipients,
    String source,
    List<String> tags,
    String metadata) {

  public StoredMessage {
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /** A message submitted over SMTP. */
  public StoredMessage(
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
    this(
        id,
        sender,
        size,
        created,
        held,
        account,
        authUser,
        clientAddress,
        heloName,
        body,
        smtputf8,
        dsnRet,
        dsnEnvid,
        headers,
        recipients,
        "smtp",
        List.of(),
        null);
  }

  /** Whether it came through the HTTP API (API mail gets webhooks rather than DSNs). */
  public boolean fromApi() {
    return "api".equals(source);
  }

  /** One recipient and where it stands. */
  public record StoredRecipient(
      EmailAddress address,
      RecipientState state,
      String dsnNotify,
      String dsnOrcpt,
      Instant updated) {}
}
