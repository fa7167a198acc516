package dev.petrel.model;

import java.util.Locale;

/**
 * A mailbox address {@code local@domain} as SMTP carries it (RFC 5321 §4.1.2), with the
 * internationalised forms of RFC 6531 (UTF-8 in the local part and domain).
 *
 * <p>The local part is kept exactly as given (it is case-sensitive for the receiving system); the
 * domain is compared case-insensitively and stored in lower case.
 */
public record EmailAddress(String localPart, String domain) {

  /** RFC 5321 §4.5.3.1.1 and §4.5.3.1.2. */
  public static final int MAX_LOCAL_PART = 64;

  public static final int MAX_DOMAIN = 255;

  /** Thrown when text is not a valid address; the message says what is wrong. */
  public static final class InvalidAddressException extends IllegalArgumentException {
    public InvalidAddressException(String message) {
      super(message);
    }
  }

  public EmailAddress {
    if (localPart == null || localPart.isEmpty())
      throw new InvalidAddressException("empty local part");
    if (domain == null || domain.isEmpty()) throw new InvalidAddressException("empty domain");
    if (localPart.length() > MAX_LOCAL_PART)
      throw new InvalidAddressException("local part longer than 64 octets");
    if (domain.length() > MAX_DOMAIN)
      throw new InvalidAddressException("domain longer than 255 octets");
    domain = domain.toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code local@domain} (no angle brackets). Accepts dot-atoms and quoted local parts,
   * domain names and address literals ({@code [192.0.2.1]}, {@code [IPv6:...]}), and UTF-8.
   *
   * @throws InvalidAddressException saying what is wrong
   */
  public static EmailAddress parse(String text) {
    if (text == null || text.isEmpty()) throw new InvalidAddressException("empty address");
    int at = text.lastIndexOf('@');
    if (at <= 0 || at == text.length() - 1)
      throw new InvalidAddressException("address must be local-part@domain");
    String local = text.substring(0, at);
    String domain = text.substring(at + 1);
    checkLocal(local);
    checkDomain(domain);
    return new EmailAddress(local, domain);
  }

  private static void checkLocal(String local) {
    if (local.startsWith("\"")) {
      if (local.length() < 2 || !local.endsWith("\""))
        throw new InvalidAddressException("unterminated quoted local part");
      for (int i = 1; i < local.length() - 1; i++) {
        char c = local.charAt(i);
        if (c == '\\') {
          i++;
          continue;
        }
        if (c == '"' || c < 32 || c == 127)
          throw new InvalidAddressException("bad character in quoted local part");
      }
      return;
    }
    if (local.startsWith(".") || local.endsWith(".") || local.contains(".."))
      throw new InvalidAddressException("misplaced dot in local part");
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      if (c >= 128)
        continue; // UTF-8 (RFC 6531); allowed only with SMTPUTF8, checked by the session
      if (Character.isLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~.".indexOf(c) >= 0) continue;
      throw new InvalidAddressException("character '" + c + "' not allowed in local part");
    }
  }

  private static void checkDomain(String domain) {
    if (domain.startsWith("[")) {
      if (!domain.endsWith("]")) throw new InvalidAddressException("unterminated address literal");
      return;
    }
    if (domain.startsWith(".") || domain.endsWith(".") || domain.contains(".."))
      throw new InvalidAddressException("misplaced dot in domain");
    for (String label : domain.split("\\.")) {
      if (label.isEmpty() || label.length() > 63)
        throw new InvalidAddressException("bad domain label");
      if (label.startsWith("-") || label.endsWith("-"))
        throw new InvalidAddressException("domain label starts or ends with '-'");
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (c >= 128 || Character.isLetterOrDigit(c) || c == '-') continue;
        throw new InvalidAddressException("character '" + c + "' not allowed in domain");
      }
    }
  }

  /** True when the address needs SMTPUTF8 (RFC 6531) to be carried. */
  public boolean needsUtf8() {
    for (int i = 0; i < localPart.length(); i++) if (localPart.charAt(i) >= 128) return true;
    for (int i = 0; i < domain.length(); i++) if (domain.charAt(i) >= 128) return true;
    return false;
  }

  @Override
  public String toString() {
    return localPart + "@" + domain;
  }
}
