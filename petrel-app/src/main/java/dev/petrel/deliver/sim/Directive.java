package dev.petrel.deliver.sim;

import java.time.Duration;
import java.util.Locale;

/**
 * What an address's local part asks the simulator to do. The part after a {@code +} is ignored, so
 * {@code rcpt-550-5.1.1+42@…} works like {@code rcpt-550-5.1.1@…}. Case does not matter. Local
 * parts that are no directive are delivered normally.
 */
record Directive(Kind kind, SimReply reply, Duration delay) {

  enum Kind {
    /** Deliver normally. */
    OK,
    /** Reply {@code reply} to MAIL (given in the sender's local part). */
    MAIL,
    /** Reply {@code reply} to this RCPT. */
    RCPT,
    /** Reply {@code reply} to the DATA command instead of 354. */
    DATA_COMMAND,
    /** Reply {@code reply} after the final dot. */
    DATA,
    /** 450 4.2.0 the first time a sender and recipient are seen, then accept. */
    GREYLIST,
    /** A rate-limit text with {@code reply}'s code at RCPT. */
    RATE,
    /** Close the connection instead of replying to RCPT. */
    DISCONNECT,
    /** Close the connection instead of replying after the final dot. */
    DISCONNECT_AFTER_DATA,
    /** Never reply after the final dot (hold the connection open). */
    TIMEOUT_AFTER_DATA,
    /** Accept, but wait {@code delay} before each later reply of the transaction. */
    SLOW
  }

  static final Directive OK = new Directive(Kind.OK, null, null);

  /** Reads a local part. {@code slowDefault} is the delay of a plain {@code slow}. */
  static Directive of(String localPart, Duration slowDefault) {
    String s = localPart.toLowerCase(Locale.ROOT);
    if (s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2)
      s = s.substring(1, s.length() - 1);
    int plus = s.indexOf('+');
    if (plus >= 0) s = s.substring(0, plus);
    switch (s) {
      case "ok":
        return OK;
      case "greylist":
        return new Directive(Kind.GREYLIST, new SimReply(450, "4.2.0"), null);
      case "disconnect":
        return new Directive(Kind.DISCONNECT, null, null);
      case "disconnect-after-data":
        return new Directive(Kind.DISCONNECT_AFTER_DATA, null, null);
      case "timeout-after-data":
        return new Directive(Kind.TIMEOUT_AFTER_DATA, null, null);
      case "slow":
        return new Directive(Kind.SLOW, null, slowDefault);
      default:
        break;
    }
    int dash = s.indexOf('-');
    if (dash < 0) return OK;
    String head = s.substring(0, dash);
    String rest = s.substring(dash + 1);
    if (head.equals("slow")) {
      try {
        long seconds = Long.parseLong(rest);
        if (seconds >= 0 && seconds <= 3600)
          return new Directive(Kind.SLOW, null, Duration.ofSeconds(seconds));
      } catch (NumberFormatException e) {
        return OK;
      }
      return OK;
    }
    SimReply reply = SimReply.parse(rest);
    if (reply == null) return OK;
    return switch (head) {
      case "mail" -> new Directive(Kind.MAIL, reply, null);
      case "rcpt" -> new Directive(Kind.RCPT, reply, null);
      case "datacmd" -> new Directive(Kind.DATA_COMMAND, reply, null);
      case "data" -> new Directive(Kind.DATA, reply, null);
      case "rate" -> new Directive(Kind.RATE, reply, null);
      default -> OK;
    };
  }

  /** Directives that act after RCPT was accepted (on DATA, after the dot, or on timing). */
  boolean actsOnData() {
    return switch (kind) {
      case DATA_COMMAND, DATA, DISCONNECT_AFTER_DATA, TIMEOUT_AFTER_DATA, SLOW -> true;
      default -> false;
    };
  }
}
