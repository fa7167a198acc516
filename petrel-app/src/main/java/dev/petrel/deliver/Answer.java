package dev.petrel.deliver;

import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import dev.petrel.status.SmtpReply;
import java.time.Instant;

/**
 * A reply inside the client before it is classified: the server's own, or one Petrel wrote to
 * describe what happened ({@link LocalReplies}), which may name its reason outright.
 *
 * @param forcedReason for local replies whose cause Petrel knows, the reason to report; else null
 */
record Answer(Instant at, Phase phase, SmtpReply reply, boolean remote, Reason forcedReason) {

  int code() {
    return reply.code();
  }

  /** 1 to 5 from the basic code, else from the enhanced code; 0 when neither. */
  int klass() {
    return reply.klass();
  }

  /** 421 (RFC 5321 §3.8) and 521 (RFC 7504): the server closes the connection after this. */
  boolean closing() {
    return remote && (reply.code() == 421 || reply.code() == 521);
  }

  boolean positive() {
    return klass() == 2 || klass() == 3;
  }

  /** The outcome this answer means for a recipient whose delivery it ends. */
  Outcome outcome() {
    return switch (klass()) {
      case 2 -> Outcome.DELIVERED;
      case 5 -> Outcome.FAILED;
      default -> Outcome.DEFERRED;
    };
  }
}
