package dev.petrel.deliver.sim;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A message the simulator accepted.
 *
 * @param id the id given in the 250 reply
 * @param connection the number of the connection it came on (1 for the first)
 * @param helo the EHLO or HELO name
 * @param tls protocol and cipher when it came over TLS, else null
 * @param sender the reverse path ("" for the null sender)
 * @param recipients the accepted recipients
 * @param mailParameters the MAIL command's parameters as read, in the order SIZE, BODY, SMTPUTF8,
 *     RET, ENVID (e.g. {@code SIZE=123 BODY=8BITMIME}), keywords and BODY and RET values in upper
 *     case
 * @param size the message's size in octets after un-stuffing
 * @param content the message as received, up to the simulator's per-message limit
 * @param truncated true when {@code content} holds only the beginning
 * @param at when it was accepted
 */
public record ReceivedMessage(
    String id,
    int connection,
    String helo,
    String tls,
    String sender,
    List<String> recipients,
    String mailParameters,
    long size,
    byte[] content,
    boolean truncated,
    Instant at) {

  public ReceivedMessage {
    recipients = List.copyOf(recipients);
  }

  /** The content as UTF-8 text. */
  public String text() {
    return new String(content, StandardCharsets.UTF_8);
  }
}
