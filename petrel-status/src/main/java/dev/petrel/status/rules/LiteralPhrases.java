package dev.petrel.status.rules;

import java.util.List;

/**
 * Finds which of a fixed list of phrases occur in a text, character for character (no white-space
 * folding; case folding on request), in one pass. For code that would otherwise call {@code
 * contains} once per phrase over the same long text, as the bounce readers do with their cue
 * phrases.
 *
 * <p>Immutable and thread-safe.
 */
public final class LiteralPhrases {

  private final PhraseMatcher matcher;

  public LiteralPhrases(List<String> phrases) {
    this(phrases, false);
  }

  /**
   * @param ignoreCase whether upper-case letters of the text match the lower-case letters of the
   *     phrases (the phrases are then written in lower case); the text needs no lower-casing first
   */
  public LiteralPhrases(List<String> phrases, boolean ignoreCase) {
    for (String p : phrases) {
      if (p.isEmpty()) throw new IllegalArgumentException("empty phrase");
      if (ignoreCase && !p.equals(p.toLowerCase(java.util.Locale.ROOT)))
        throw new IllegalArgumentException("phrase not in lower case: " + p);
    }
    this.matcher = new PhraseMatcher(phrases, ignoreCase, false);
  }

  /** The phrases found in {@code text}, as a bit set over their indexes; see {@link #has}. */
  public long[] find(CharSequence text) {
    return matcher.match(text);
  }

  /**
   * Adds the phrases of {@code more} to {@code into} (both sets from {@link #find}); returns it.
   */
  public static long[] addAll(long[] into, long[] more) {
    for (int w = 0; w < into.length; w++) into[w] |= more[w];
    return into;
  }

  /** Whether the phrase with index {@code index} is in the set {@link #find} returned. */
  public static boolean has(long[] found, int index) {
    return PhraseMatcher.has(found, index);
  }
}
