package dev.petrel.protocol;

import dev.petrel.model.EmailAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shared shape of the MAIL and RCPT arguments (RFC 5321 §4.1.2): {@code FROM:<path>} or {@code
 * TO:<path>}, then ESMTP parameters {@code keyword[=value]} separated by spaces. A space after the
 * colon is tolerated (many old clients send one); the angle brackets are required. Source routes
 * ({@code <@a,@b:user@c>}) are accepted and dropped, as RFC 5321 §4.1.1.3 asks.
 *
 * @param path the address between the brackets, or null for {@code <>}
 * @param parameters in the order given, keywords in upper case
 */
record PathArgument(EmailAddress path, List<Parameter> parameters) {

  /** RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the brackets. */
  static final int MAX_PATH = 256;

  /** One ESMTP parameter; {@code value} is null when the keyword came alone. */
  record Parameter(String keyword, String value) {}

  /**
   * @param prefix {@code FROM:} or {@code TO:}
   * @param syntax the usage text for a 501 5.5.4
   * @param badAddress the enhanced code for a bad address (5.1.7 sender, 5.1.3 recipient)
   */
  static PathArgument parse(String argument, String prefix, String syntax, String badAddress)
      throws CommandRejectedException {
    if (!argument.regionMatches(true, 0, prefix, 0, prefix.length()))
      throw new CommandRejectedException(501, "5.5.4", "Syntax: " + syntax);
    int i = prefix.length();
    while (i < argument.length() && argument.charAt(i) == ' ') i++;
    if (i >= argument.length() || argument.charAt(i) != '<')
      throw new CommandRejectedException(501, badAddress, "Address must be in angle brackets");
    int close = closingBracket(argument, i + 1);
    if (close < 0)
      throw new CommandRejectedException(501, badAddress, "Address has no closing '>'");
    String inner = argument.substring(i + 1, close);
    if (inner.getBytes(StandardCharsets.UTF_8).length + 2 > MAX_PATH)
      throw new CommandRejectedException(501, badAddress, "Address longer than 256 octets");
    EmailAddress address =
        inner.isEmpty() ? null : address(dropRoute(inner, badAddress), badAddress);
    String rest = argument.substring(close + 1);
    if (!rest.isEmpty() && rest.charAt(0) != ' ')
      throw new CommandRejectedException(
          501, "5.5.4", "Expected a space between the address and its parameters");
    return new PathArgument(address, parameters(rest));
  }

  private static int closingBracket(String s, int from) {
    boolean quoted = false;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted && c == '\\') i++;
      else if (c == '"') quoted = !quoted;
      else if (c == '>' && !quoted) return i;
    }
    return -1;
  }

  private static String dropRoute(String inner, String badAddress) throws CommandRejectedException {
    if (inner.charAt(0) != '@') return inner;
    int colon = inner.indexOf(':');
    if (colon < 0) throw new CommandRejectedException(501, badAddress, "Source route without ':'");
    for (String hop : inner.substring(0, colon).split(",", -1))
      if (hop.length() < 2 || hop.charAt(0) != '@')
        throw new CommandRejectedException(501, badAddress, "Malformed source route");
    String mailbox = inner.substring(colon + 1);
    if (mailbox.isEmpty())
      throw new CommandRejectedException(501, badAddress, "Source route without a mailbox");
    return mailbox;
  }

  private static EmailAddress address(String text, String badAddress)
      throws CommandRejectedException {
    try {
      return EmailAddress.parse(text);
    } catch (EmailAddress.InvalidAddressException e) {
      throw new CommandRejectedException(
          501, badAddress, "Bad address: " + printable(e.getMessage()));
    }
  }

  private static List<Parameter> parameters(String rest) throws CommandRejectedException {
    List<Parameter> list = new ArrayList<>();
    for (String token : rest.split(" ")) {
      if (token.isEmpty()) continue;
      int eq = token.indexOf('=');
      String keyword = eq < 0 ? token : token.substring(0, eq);
      String value = eq < 0 ? null : token.substring(eq + 1);
      if (!isKeyword(keyword))
        throw new CommandRejectedException(
            501, "5.5.4", "Malformed parameter: " + printable(token));
      if (value != null && !isValue(value))
        throw new CommandRejectedException(
            501, "5.5.4", "Malformed value for " + keyword.toUpperCase(Locale.ROOT));
      String upper = keyword.toUpperCase(Locale.ROOT);
      for (Parameter p : list)
        if (p.keyword().equals(upper))
          throw new CommandRejectedException(501, "5.5.4", "Parameter " + upper + " given twice");
      list.add(new Parameter(upper, value));
    }
    return list;
  }

  /** RFC 5321 esmtp-keyword: (ALPHA / DIGIT) *(ALPHA / DIGIT / "-"). */
  private static boolean isKeyword(String k) {
    if (k.isEmpty() || k.length() > 64 || k.charAt(0) == '-') return false;
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'))
        return false;
    }
    return true;
  }

  /** RFC 5321 esmtp-value (%d33-60 / %d62-126), widened to UTF-8 by RFC 6531 §3.3. */
  private static boolean isValue(String v) {
    if (v.isEmpty()) return false;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '=' || c < 33 || c == 127 || c >= 0x80 && c < 0xa0) return false;
    }
    return true;
  }

  /** Text safe to echo in a reply: control characters replaced, length capped. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), 64));
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      b.append(c < 32 || c == 127 ? '?' : c);
    }
    return b.toString();
  }
}
