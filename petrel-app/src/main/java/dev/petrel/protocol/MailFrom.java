package dev.petrel.protocol;

import dev.petrel.model.EmailAddress;
import java.util.Locale;

/**
 * The argument of MAIL: the reverse path and its parameters, checked against the extensions the
 * listener offers (SIZE RFC 1870, BODY RFC 6152/RFC 3030, SMTPUTF8 RFC 6531, RET and ENVID RFC
 * 3461, AUTH RFC 4954 §5).
 *
 * @param sender the reverse path, or null for the null sender {@code <>}
 * @param size the declared size in octets, or -1 when not given ({@link Long#MAX_VALUE} when the
 *     number does not fit)
 * @param body {@code 7BIT}, {@code 8BITMIME} or {@code BINARYMIME}; null when not given
 * @param smtputf8 whether SMTPUTF8 was given
 * @param ret {@code FULL} or {@code HDRS}, or null
 * @param envid the ENVID as given (xtext), or null
 * @param auth the AUTH parameter as given (xtext or {@code <>}), or null
 */
public record MailFrom(
    EmailAddress sender,
    long size,
    String body,
    boolean smtputf8,
    String ret,
    String envid,
    String auth) {

  /** RFC 3461 §4.4: an ENVID holds at most 100 characters. */
  public static final int MAX_ENVID = 100;

  private static final String SYNTAX = "MAIL FROM:<address> [parameters]";

  /**
   * Parses the text after {@code MAIL }.
   *
   * @throws CommandRejectedException 501 5.5.4 for bad syntax or a bad parameter value, 501 5.1.7
   *     for a bad address, 555 5.5.4 for an unknown parameter, 553 5.6.7 for a UTF-8 address
   *     without SMTPUTF8
   */
  public static MailFrom parse(String argument) throws CommandRejectedException {
    PathArgument a = PathArgument.parse(argument, "FROM:", SYNTAX, "5.1.7");
    long size = -1;
    String body = null;
    boolean smtputf8 = false;
    String ret = null;
    String envid = null;
    String auth = null;
    for (PathArgument.Parameter p : a.parameters()) {
      String v = p.value();
      switch (p.keyword()) {
        case "SIZE" -> size = size(v);
        case "BODY" -> {
          String b = required(p).toUpperCase(Locale.ROOT);
          if (!b.equals("7BIT") && !b.equals("8BITMIME") && !b.equals("BINARYMIME"))
            throw bad("BODY must be 7BIT, 8BITMIME or BINARYMIME");
          body = b;
        }
        case "SMTPUTF8" -> {
          if (v != null) throw bad("SMTPUTF8 takes no value");
          smtputf8 = true;
        }
        case "RET" -> {
          String r = required(p).toUpperCase(Locale.ROOT);
          if (!r.equals("FULL") && !r.equals("HDRS")) throw bad("RET must be FULL or HDRS");
          ret = r;
        }
        case "ENVID" -> {
          String e = required(p);
          if (!Xtext.isValid(e)) throw bad("ENVID must be xtext (RFC 3461 section 4)");
          if (Xtext.decode(e).length() > MAX_ENVID) throw bad("ENVID longer than 100 characters");
          envid = e;
        }
        case "AUTH" -> {
          String x = required(p);
          if (!x.equals("<>") && !Xtext.isValid(x)) throw bad("AUTH must be <> or xtext");
          auth = x;
        }
        default ->
            throw new CommandRejectedException(
                555, "5.5.4", "Unsupported MAIL parameter " + PathArgument.printable(p.keyword()));
      }
    }
    if (a.path() != null && a.path().needsUtf8() && !smtputf8)
      throw new CommandRejectedException(
          553, "5.6.7", "Non-ASCII sender address needs the SMTPUTF8 parameter");
    return new MailFrom(a.path(), size, body, smtputf8, ret, envid, auth);
  }

  private static long size(String v) throws CommandRejectedException {
    if (v == null || v.isEmpty()) throw bad("SIZE needs a value");
    for (int i = 0; i < v.length(); i++)
      if (v.charAt(i) < '0' || v.charAt(i) > '9') throw bad("SIZE must be a number of octets");
    if (v.length() > 18) return Long.MAX_VALUE;
    return Long.parseLong(v);
  }

  private static String required(PathArgument.Parameter p) throws CommandRejectedException {
    if (p.value() == null) throw bad(p.keyword() + " needs a value");
    return p.value();
  }

  private static CommandRejectedException bad(String text) {
    return new CommandRejectedException(501, "5.5.4", text);
  }
}
