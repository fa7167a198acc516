package dev.petrel.status.rules;

/**
 * Puts reply text and rule phrases into the one form they are compared in: lower case, every run of
 * white space (including non-breaking space) collapsed to one space, no leading or trailing space.
 */
public final class TextNormalizer {

  private TextNormalizer() {}

  /** Whether the character counts as white space for matching. */
  static boolean isSpace(char c) {
    return c <= ' ' || c == '\u00a0' || c == '\u3000' || c == '\u2028' || c == '\u2029';
  }

  /**
   * The case-folded form of one character. Typographic quotes and dashes fold to their ASCII forms:
   * replies copied from web pages, forums and word processors arrive with "doesn’t", “quoted” and
   * en dashes where the server wrote ASCII, and the rules are written in ASCII. The acute accent
   * stands for an apostrophe on many European keyboards ("doesn´t").
   */
  static char fold(char c) {
    if (c < 128) return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    return switch (c) {
      case '\u2018', '\u2019', '\u201b', '\u2032', '\u02bc', '\u00b4', '\uff07' -> '\'';
      case '\u201c', '\u201d', '\u201e', '\u2033', '\uff02' -> '"';
      case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212' -> '-';
      default -> Character.toLowerCase(c);
    };
  }

  public static String normalize(CharSequence s) {
    int n = s.length();
    char[] out = new char[n];
    int len = 0;
    boolean space = true; // drop leading white space
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (isSpace(c)) {
        if (!space) {
          out[len++] = ' ';
          space = true;
        }
        continue;
      }
      space = false;
      out[len++] = fold(c);
    }
    if (len > 0 && out[len - 1] == ' ') len--;
    return new String(out, 0, len);
  }
}
