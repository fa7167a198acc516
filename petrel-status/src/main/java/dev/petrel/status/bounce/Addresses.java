package dev.petrel.status.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds e-mail addresses in free text in one linear pass (no regular expression, so long lines of
 * junk cost no more than their length). Only the common dot-atom form is recognised: quoted local
 * parts do not occur in bounce notices in practice.
 */
final class Addresses {

  /** One address found in a line: where it starts and ends, and the address in lower case. */
  record Found(int start, int end, String address) {}

  private static final int MAX_LOCAL = 64;
  private static final int MAX_DOMAIN = 255;

  private Addresses() {}

  static List<Found> find(String s) {
    List<Found> out = new ArrayList<>(2);
    int from = 0;
    int n = s.length();
    while (true) {
      int at = s.indexOf('@', from);
      if (at < 0) break;
      int l = at;
      while (l > 0 && at - l < MAX_LOCAL && isLocalChar(s.charAt(l - 1))) l--;
      while (l < at && "'`=|{}~*^!#$%&.+-".indexOf(s.charAt(l)) >= 0) l++;
      int r = at + 1;
      while (r < n && r - at <= MAX_DOMAIN && isDomainChar(s.charAt(r))) r++;
      while (r > at + 1 && (s.charAt(r - 1) == '.' || s.charAt(r - 1) == '-')) r--;
      from = Math.max(r, at + 1);
      if (l == at || r <= at + 1) continue;
      String domain = s.substring(at + 1, r);
      if (domain.indexOf('.') < 0 || domain.startsWith(".") || domain.contains("..")) continue;
      // "https://host/path?x=a@b.c" is a URL, not an address
      if (l >= 3 && s.startsWith("://", l - 3)) continue;
      if (l > 0 && s.charAt(l - 1) == '/') continue;
      out.add(new Found(l, r, s.substring(l, r).toLowerCase(Locale.ROOT)));
    }
    return out;
  }

  /** The first address in a header value such as {@code "Name" <a@b.example>}, or null. */
  static String first(String headerValue) {
    if (headerValue == null) return null;
    List<Found> f = find(headerValue);
    return f.isEmpty() ? null : f.getFirst().address();
  }

  /** All addresses in a header value. */
  static List<String> all(String headerValue) {
    List<String> out = new ArrayList<>();
    if (headerValue == null) return out;
    for (Found f : find(headerValue)) out.add(f.address());
    return out;
  }

  static boolean isLocalChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "._+-=!#$%&'*^`{|}~".indexOf(c) >= 0;
  }

  static boolean isDomainChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '-'
        || (c > 127 && Character.isLetterOrDigit(c));
  }

  /** The domain of an address, or null. */
  static String domain(String address) {
    if (address == null) return null;
    int at = address.lastIndexOf('@');
    return at < 0 ? null : address.substring(at + 1);
  }
}
