package dev.petrel.status;

/**
 * Infers an enhanced status code for a reply that carried none, from the reason it was classified
 * as. Only reasons that correspond to one registry entry are inferred (RFC 3463 §3); the rest get
 * the class's generic {@code X.0.0}, which claims nothing.
 */
final class Inference {

  private Inference() {}

  static EnhancedCode enhancedFor(Reason reason, int klass) {
    if (klass != 2 && klass != 4 && klass != 5) return null;
    return switch (reason) {
      case USERUNKNOWN -> new EnhancedCode(klass, 1, 1); // bad destination mailbox address
      case HOSTUNKNOWN -> new EnhancedCode(klass, 1, 2); // bad destination system address
      case HASMOVED -> new EnhancedCode(klass, 1, 6); // mailbox has moved
      case SUSPEND -> new EnhancedCode(klass, 2, 1); // mailbox disabled
      case MAILBOXFULL -> new EnhancedCode(klass, 2, 2); // mailbox full
      case EMAILTOOLARGE -> new EnhancedCode(klass, 3, 4); // message too big for system
      case SYSTEMFULL -> new EnhancedCode(klass, 3, 1); // mail system full
      case NORELAYING -> new EnhancedCode(klass, 7, 1); // delivery not authorized
      case EXPIRED -> new EnhancedCode(klass, 4, 7); // delivery time expired
      case NETWORKERROR -> new EnhancedCode(klass, 4, 0); // network or routing status
      case SYNTAXERROR -> new EnhancedCode(klass, 5, 2); // syntax error
      case DELIVERED -> new EnhancedCode(2, 0, 0);
      default -> new EnhancedCode(klass, 0, 0);
    };
  }
}
