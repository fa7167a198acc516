package dev.petrel.status;

import java.util.List;

/**
 * One SMTP reply as parsed from the wire, a log line or a DSN field.
 *
 * @param code the basic three-digit code, or 0 when the input carried none
 * @param enhanced the RFC 3463 enhanced code, or null when neither given nor inferable
 * @param enhancedInferred true when {@code enhanced} was not in the input but derived from the code
 *     or the text (for example {@code 550 User unknown} gives 5.1.1)
 * @param text the reply text with codes removed and the lines joined by one space
 * @param lines the reply's lines as given (codes kept), at least one
 */
public record SmtpReply(
    int code, EnhancedCode enhanced, boolean enhancedInferred, String text, List<String> lines) {

  public SmtpReply {
    if (code != 0 && (code < 200 || code > 599))
      throw new IllegalArgumentException("basic reply code must be 200 to 599, not " + code);
    text = text == null ? "" : text;
    lines = List.copyOf(lines);
  }

  public boolean hasCode() {
    return code != 0;
  }

  /** The reply's class digit: from the basic code, else from the enhanced code, else 0. */
  public int klass() {
    if (code != 0) return code / 100;
    return enhanced == null ? 0 : enhanced.klass();
  }
}
