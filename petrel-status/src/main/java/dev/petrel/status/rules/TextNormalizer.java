package dev.petrel.status.rules;

/**
 * Puts reply text and rule phrases into the one form they are compared in: lower case, every run of
 * white space (including non-breaking space) collapsed to one space, no leading or trailing space.
 */
public final class TextNormalizer {

  private TextNormalizer() {}

  public static String normalize(CharSequence s) {
    int n = s.length();
    char[] out = new char[n];
    int len = 0;
    boolean space = true; // drop leading white space
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == '\u00a0' || c == '\u3000' || c == '\u2028' || c == '\u2029') {
        if (!space) {
          out[len++] = ' ';
          space = true;
        }
        continue;
      }
      space = false;
      if (c < 128) {
        if (c >= 'A' && c <= 'Z') c = (char) (c + 32);
      } else {
        c = Character.toLowerCase(c);
      }
      out[len++] = c;
    }
    if (len > 0 && out[len - 1] == ' ') len--;
    return new String(out, 0, len);
  }
}
