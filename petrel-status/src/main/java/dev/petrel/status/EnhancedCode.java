package dev.petrel.status;

/**
 * An RFC 3463 enhanced status code, {@code class.subject.detail}: class 2, 4 or 5, subject 0 to
 * 999, detail 0 to 999 (RFC 3463 §2 allows up to three digits for each of the last two).
 */
public record EnhancedCode(int klass, int subject, int detail) {

  public EnhancedCode {
    if (klass != 2 && klass != 4 && klass != 5)
      throw new IllegalArgumentException("enhanced code class must be 2, 4 or 5, not " + klass);
    if (subject < 0 || subject > 999 || detail < 0 || detail > 999)
      throw new IllegalArgumentException("enhanced code subject and detail must be 0 to 999");
  }

  /**
   * Parses {@code 5.1.1}.
   *
   * @throws IllegalArgumentException when the text is not an enhanced code
   */
  public static EnhancedCode parse(String text) {
    EnhancedCode c = tryParse(text, 0, text.length());
    if (c == null)
      throw new IllegalArgumentException("not an enhanced status code: '" + text + "'");
    return c;
  }

  /** Parses {@code s[from,to)} as an enhanced code, or returns null. Never throws. */
  public static EnhancedCode tryParse(CharSequence s, int from, int to) {
    int[] parts = new int[3];
    int part = 0;
    int digits = 0;
    int value = 0;
    for (int i = from; i < to; i++) {
      char ch = s.charAt(i);
      if (ch >= '0' && ch <= '9') {
        if (++digits > 3) return null;
        value = value * 10 + (ch - '0');
      } else if (ch == '.' && digits > 0 && part < 2) {
        parts[part++] = value;
        digits = 0;
        value = 0;
      } else {
        return null;
      }
    }
    if (part != 2 || digits == 0) return null;
    parts[2] = value;
    if (parts[0] != 2 && parts[0] != 4 && parts[0] != 5) return null;
    return new EnhancedCode(parts[0], parts[1], parts[2]);
  }

  /** The same subject and detail in another class, e.g. 4.2.2 for 5.2.2. */
  public EnhancedCode withClass(int newClass) {
    return new EnhancedCode(newClass, subject, detail);
  }

  /** The registry key with an {@code X} for the class, e.g. {@code X.1.1}. */
  public String registryKey() {
    return "X." + subject + "." + detail;
  }

  @Override
  public String toString() {
    return klass + "." + subject + "." + detail;
  }
}
