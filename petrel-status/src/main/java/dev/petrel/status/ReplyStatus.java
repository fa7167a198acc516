package dev.petrel.status;

import java.time.Duration;

/**
 * The engine's full answer about one reply: what it says, what it means, and what to do.
 *
 * @param reply the parsed reply (code, enhanced code, text)
 * @param classMeaning the standard meaning of the basic code's first digit (RFC 5321 §4.2.1)
 * @param subjectMeaning the standard meaning of the basic code's second digit
 * @param codeTitle the short title of the basic code, or null when there is no code
 * @param enhancedSubjectMeaning the IANA registry's meaning of the enhanced subject, or null
 * @param enhancedTitle the IANA registry's title of the enhanced code, or null
 * @param bounce none, soft or hard (hard only when the address is dead, docs/classification.md)
 * @param reason why, in the Sisimai-compatible vocabulary
 * @param action what the sender should do
 * @param retryAfter the delay the reply states or implies, or null
 * @param who who has to act
 * @param meaning what the reply means, in plain words
 * @param solution what to do about it, in plain words
 * @param confidence 0 to 1: how sure the engine is (a provider rule is surer than a bare code)
 * @param matched which rule or code decided
 * @param isFinal whether this reply ends delivery of this message to this recipient: true for a
 *     permanent (5xx) reply, a success, and a failure reported without a code (a bounce mail);
 *     false for a transient (4xx) one. Independent of {@code bounce}: a full mailbox (552 5.2.2)
 *     ends this message's delivery but says nothing against the address.
 */
public record ReplyStatus(
    SmtpReply reply,
    String classMeaning,
    String subjectMeaning,
    String codeTitle,
    String enhancedSubjectMeaning,
    String enhancedTitle,
    Bounce bounce,
    Reason reason,
    Action action,
    Duration retryAfter,
    Who who,
    String meaning,
    String solution,
    double confidence,
    Matched matched,
    boolean isFinal) {

  public int code() {
    return reply.code();
  }

  public EnhancedCode enhanced() {
    return reply.enhanced();
  }

  public String text() {
    return reply.text();
  }
}
