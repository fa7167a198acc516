package dev.petrel.status.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds e-mail addresses in free text in one linear pass (no regular expression, so long lines of
 * junk cost no more than their length). Only the common dot-atom form is recognised: quoted local
 * parts do not occur in bounce notices in practice.
 *
 * <p>Microsoft Exchange and X.400 gateways write addresses in forms of their own, which are read as
 * the SMTP address they stand for:
 *
 * <ul>
 *   <li>an address type in front, {@code SMTP:user@host} or {@code SMTP=user@host} (the X.400
 *       domain-defined attribute {@code dda:SMTP=user@host}); {@code RFC-822=user(a)host}, where
 *       X.400 cannot carry "@" and writes "(a)" instead (Microsoft KB Q118858,
 *       https://library.thedatadungeon.com/msdn-2000-04/kbmsg/source/pcmail/q118858.content.htm);
 *   <li>IMCEA encapsulation, {@code IMCEASMTP-user+40host+2Eexample@gateway}: "IMCEA", the address
 *       type, "-", the address with every character other than letters, digits, "-" and "=" written
 *       as "+" and two hex digits and "/" as "_", then "@" and the gateway's domain
 *       (https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxcmail/59fd64a5-029c-4ec9-bee2-ecd61993bb13).
 *       Only the SMTP type holds an e-mail address; an encapsulated Exchange (EX) or X.400 name is
 *       kept as written, as the DSN names it.
 * </ul>
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
      l = withoutLeadingText(s, l, at);
      while (l < at && "'`=|{}~*^!#$%&.+-".indexOf(s.charAt(l)) >= 0) l++;
      int r = at + 1;
      while (r < n && r - at <= MAX_DOMAIN && isDomainChar(s.charAt(r))) r++;
      while (r > at + 1 && (s.charAt(r - 1) == '.' || s.charAt(r - 1) == '-')) r--;
      from = Math.max(r, at + 1);
      if (at >= 2 && s.charAt(at - 1) == '=' && s.charAt(at - 2) == '?') {
        // the local part written as an RFC 2047 encoded word ("=?utf-8?Q?bob+=F0=9F=90=88?=@x"),
        // as some MTAs copy a UTF-8 address into a notice meant for 7-bit mail
        // the opening "=?" of "=?charset?B?text?=" has three more "?" after it (B text may end
        // in "=" padding, which with the closing "?=" looks like another opening)
        int open = s.lastIndexOf("=?", at - 3);
        while (open > 0 && questionMarks(s, open + 2, at) < 3) open = s.lastIndexOf("=?", open - 1);
        if (open >= 0 && at - open <= 4 * MAX_LOCAL) {
          String local = OriginalMessage.decodeWords(s.substring(open, at));
          if (!local.isEmpty() && !local.contains("=?") && isLocalPart(local)) {
            int re = r;
            String domain = s.substring(at + 1, re);
            if (domain.indexOf('.') > 0 && !domain.contains("..")) {
              out.add(new Found(open, re, (local + "@" + domain).toLowerCase(Locale.ROOT)));
              continue;
            }
          }
        }
      }
      if (l == at) continue;
      if (at - l > 10 && s.regionMatches(true, l, "IMCEASMTP-", 0, 10)) {
        // an encapsulated SMTP address: its own domain is the gateway's (or "*"), not the address's
        String inner = imceaSmtp(s.substring(l + 10, at));
        if (inner != null) out.add(new Found(l, Math.max(r, at + 1), inner));
        continue;
      }
      if (r <= at + 1) continue;
      l = afterAddressType(s, l, at);
      String domain = s.substring(at + 1, r);
      if (domain.indexOf('.') < 0 || domain.startsWith(".") || domain.contains("..")) continue;
      // "https://host/path?x=a@b.c" is a URL, not an address
      if (l >= 3 && s.startsWith("://", l - 3)) continue;
      if (l > 0 && s.charAt(l - 1) == '/') continue;
      out.add(new Found(l, r, s.substring(l, r).toLowerCase(Locale.ROOT)));
    }
    if (s.indexOf("(a)") >= 0 || s.indexOf("(A)") >= 0) {
      out.addAll(findX400(s));
      out.sort((x, y) -> Integer.compare(x.start(), y.start()));
    }
    return out;
  }

  /**
   * Where the local part starts once an X.400 address type written in front of it ({@code
   * SMTP=user@host}) is left out: "=" is a valid local-part character, so the scan takes it in.
   */
  private static int afterAddressType(String s, int l, int at) {
    int eq = s.indexOf('=', l);
    if (eq < 0 || eq >= at - 1) return l;
    String type = s.substring(l, eq);
    if (type.equalsIgnoreCase("smtp")
        || type.equalsIgnoreCase("rfc-822")
        || type.equalsIgnoreCase("rfc822")) return eq + 1;
    return l;
  }

  /**
   * Decodes the address part of {@code IMCEASMTP-...}: "+XX" is the character with that hex code,
   * "_" is "/". Null when the result is not an address.
   */
  private static String imceaSmtp(String encoded) {
    StringBuilder b = new StringBuilder(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '+' && i + 2 < encoded.length()) {
        int hi = Character.digit(encoded.charAt(i + 1), 16);
        int lo = Character.digit(encoded.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) return null;
        b.append((char) (hi * 16 + lo));
        i += 2;
      } else if (c == '_') {
        b.append('/');
      } else {
        b.append(c);
      }
    }
    String a = b.toString();
    List<Found> f = find(a);
    return f.size() == 1 && f.getFirst().start() == 0 && f.getFirst().end() == a.length()
        ? f.getFirst().address()
        : null;
  }

  /**
   * Addresses an X.400 domain-defined attribute writes with "(a)" for "@" ({@code
   * RFC-822=user(a)host}, {@code SMTP=user(a)host}), which {@link #find} does not see.
   */
  static List<Found> findX400(String s) {
    List<Found> out = new ArrayList<>(1);
    int from = 0;
    while (true) {
      int lower = s.indexOf("(a)", from);
      int upper = s.indexOf("(A)", from);
      int a = lower < 0 ? upper : upper < 0 ? lower : Math.min(lower, upper);
      if (a < 0) break;
      from = a + 3;
      int eq = a;
      while (eq > 0 && isLocalChar(s.charAt(eq - 1)) && s.charAt(eq - 1) != '=') eq--;
      if (eq == 0 || s.charAt(eq - 1) != '=' || eq == a) continue;
      int t = eq - 1;
      int ts = t;
      while (ts > 0 && (Character.isLetterOrDigit(s.charAt(ts - 1)) || s.charAt(ts - 1) == '-'))
        ts--;
      String type = s.substring(ts, t);
      if (!(type.equalsIgnoreCase("rfc-822") || type.equalsIgnoreCase("smtp"))) continue;
      String candidate =
          s.substring(eq, a) + "@" + s.substring(a + 3, Math.min(s.length(), a + 3 + MAX_DOMAIN));
      List<Found> f = find(candidate);
      if (!f.isEmpty() && f.getFirst().start() == 0)
        out.add(new Found(eq, a + 3 + f.getFirst().end() - (a - eq) - 1, f.getFirst().address()));
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
        || "._+-=!#$%&'*^`{|}~".indexOf(c) >= 0
        || (c > 127 && utf8LocalChar(c));
  }

  private static int questionMarks(String s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) if (s.charAt(i) == '?') n++;
    return n;
  }

  private static boolean isLocalPart(String local) {
    for (int i = 0; i < local.length(); i++) if (!isLocalChar(local.charAt(i))) return false;
    return true;
  }

  /**
   * Where the local part starts once letters of running text written against it are left out: in
   * "宛先bob@example.jp" (Japanese notices write no space between words) the local part is "bob". An
   * internationalised local part is one script throughout ("用户@例子.广告"), so non-ASCII letters before
   * ASCII ones are text; symbols (an emoji in "bob+🐈") stay.
   */
  private static int withoutLeadingText(String s, int l, int at) {
    if (l == at || s.charAt(l) < 128) return l;
    int k = l;
    while (k < at && s.charAt(k) > 127 && Character.isLetter(s.charAt(k))) k++;
    if (k == l || k == at) return l;
    char next = s.charAt(k);
    return next < 128 && Character.isLetterOrDigit(next) ? k : l;
  }

  /**
   * A non-ASCII character of an internationalised local part (RFC 6531/6532 allow UTF-8 there:
   * letters, digits, symbols such as emoji, which Java holds as surrogate pairs); not white space
   * or punctuation, so that "宛先：a@b" or "「a@b」" keep the address apart from the text around it.
   */
  private static boolean utf8LocalChar(char c) {
    return switch (Character.getType(c)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.OTHER_SYMBOL,
          Character.SURROGATE,
          Character.NON_SPACING_MARK,
          Character.COMBINING_SPACING_MARK ->
          true;
      default -> false;
    };
  }

  static boolean isDomainChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '-'
        || (c > 127 && Character.isLetterOrDigit(c));
  }

  /**
   * Whether two domains belong to the same organisation as far as their names tell: one is the
   * other or a subdomain of it, or they end in the same two labels (mx1.example.com and
   * example.com, mail.example.com and relay.example.com).
   */
  static boolean sameOrganisation(String a, String b) {
    if (a == null || b == null) return false;
    return a.equals(b)
        || a.endsWith("." + b)
        || b.endsWith("." + a)
        || lastTwo(a).equals(lastTwo(b));
  }

  private static String lastTwo(String domain) {
    int last = domain.lastIndexOf('.');
    int before = last <= 0 ? -1 : domain.lastIndexOf('.', last - 1);
    return domain.substring(before + 1);
  }

  /** The domain of an address, or null. */
  static String domain(String address) {
    if (address == null) return null;
    int at = address.lastIndexOf('@');
    return at < 0 ? null : address.substring(at + 1);
  }
}
