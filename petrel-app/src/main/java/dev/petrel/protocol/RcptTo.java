package dev.petrel.protocol;

import dev.petrel.model.Recipient;
import java.util.Locale;

/**
 * The argument of RCPT: the forward path and its DSN parameters (NOTIFY and ORCPT, RFC 3461
 * §4.1-4.2).
 */
public final class RcptTo {

  /** RFC 3461 §4.2: ORCPT is at most 500 characters. */
  public static final int MAX_ORCPT = 500;

  private static final String SYNTAX = "RCPT TO:<address> [parameters]";

  private RcptTo() {}

  /**
   * Parses the text after {@code RCPT }.
   *
   * @param smtputf8 whether the transaction's MAIL carried SMTPUTF8
   * @throws CommandRejectedException 501 5.5.4 for bad syntax or a bad parameter value, 501 5.1.3
   *     for a bad or empty address, 555 5.5.4 for an unknown parameter, 553 5.6.7 for a UTF-8
   *     address without SMTPUTF8
   */
  public static Recipient parse(String argument, boolean smtputf8) throws CommandRejectedException {
    PathArgument a = PathArgument.parse(argument, "TO:", SYNTAX, "5.1.3");
    if (a.path() == null)
      throw new CommandRejectedException(501, "5.1.3", "The null address is not a recipient");
    String notify = null;
    String orcpt = null;
    for (PathArgument.Parameter p : a.parameters()) {
      switch (p.keyword()) {
        case "NOTIFY" -> notify = notify(p.value());
        case "ORCPT" -> orcpt = orcpt(p.value());
        default ->
            throw new CommandRejectedException(
                555, "5.5.4", "Unsupported RCPT parameter " + PathArgument.printable(p.keyword()));
      }
    }
    if (a.path().needsUtf8() && !smtputf8)
      throw new CommandRejectedException(
          553, "5.6.7", "Non-ASCII recipient address needs SMTPUTF8 on MAIL");
    return new Recipient(a.path(), notify, orcpt);
  }

  /** NEVER alone, or a list of SUCCESS, FAILURE and DELAY (RFC 3461 §4.1). */
  private static String notify(String v) throws CommandRejectedException {
    if (v == null) throw bad("NOTIFY needs a value");
    String upper = v.toUpperCase(Locale.ROOT);
    if (upper.equals("NEVER")) return upper;
    for (String item : upper.split(",", -1)) {
      if (!item.equals("SUCCESS") && !item.equals("FAILURE") && !item.equals("DELAY"))
        throw bad("NOTIFY must be NEVER or a list of SUCCESS, FAILURE, DELAY");
    }
    return upper;
  }

  /** {@code addr-type;xtext} (RFC 3461 §4.2), e.g. {@code rfc822;bob@example.org}. */
  private static String orcpt(String v) throws CommandRejectedException {
    if (v == null) throw bad("ORCPT needs a value");
    if (v.length() > MAX_ORCPT) throw bad("ORCPT longer than 500 characters");
    int semi = v.indexOf(';');
    if (semi <= 0 || semi == v.length() - 1) throw bad("ORCPT must be addr-type;address");
    for (int i = 0; i < semi; i++) {
      char c = v.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'))
        throw bad("ORCPT address type must be an atom such as rfc822");
    }
    String type = v.substring(0, semi);
    // rfc822 addresses are xtext; utf-8 addresses (RFC 6533) may carry UTF-8 and \x{..} escapes.
    if (type.equalsIgnoreCase("rfc822") && !Xtext.isValid(v.substring(semi + 1)))
      throw bad("ORCPT address must be xtext");
    return v;
  }

  private static CommandRejectedException bad(String text) {
    return new CommandRejectedException(501, "5.5.4", text);
  }
}
