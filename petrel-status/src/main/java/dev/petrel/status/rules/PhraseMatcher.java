package dev.petrel.status.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds which of many literal phrases occur in a text, in one pass (Aho-Corasick, compiled into a
 * dense transition table over the phrases' own alphabet). Characters that no phrase contains all
 * share one symbol, so the table stays small whatever the script of the text.
 *
 * <p>Immutable and thread-safe after construction; matching allocates only the result bit set.
 */
final class PhraseMatcher {

  /**
   * The symbol of each character, with case and white space already folded the way {@link
   * TextNormalizer} folds them, so raw reply text can be matched without normalising it first.
   */
  private final char[] symbolOf = new char[Character.MAX_VALUE + 1];

  private final int spaceSymbol;
  private final int alphabet;

  /** Dense transitions, {@code state * alphabet + symbol}; chars keep the table small and hot. */
  private final char[] delta;

  /** For each state, the phrase ids that end there (including through suffix links), or null. */
  private final int[][] outputs;

  private final int phraseCount;

  PhraseMatcher(List<String> phrases) {
    this.phraseCount = phrases.size();
    int symbols = 1; // symbol 0: any character no phrase uses
    for (String p : phrases) {
      for (int i = 0; i < p.length(); i++) {
        char c = p.charAt(i);
        if (symbolOf[c] == 0) symbolOf[c] = (char) symbols++;
      }
    }
    // Fold case: an upper-case character gets the symbol of its lower-case form.
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      char lower = TextNormalizer.fold((char) c);
      if (lower != c && symbolOf[lower] != 0) symbolOf[c] = symbolOf[lower];
    }
    if (symbolOf[' '] == 0) symbolOf[' '] = (char) symbols++;
    spaceSymbol = symbolOf[' '];
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      if (TextNormalizer.isSpace((char) c)) symbolOf[c] = (char) spaceSymbol;
    }
    alphabet = symbols;
    // Build the trie with growable arrays.
    List<int[]> next = new ArrayList<>();
    List<List<Integer>> out = new ArrayList<>();
    next.add(filled(alphabet));
    out.add(new ArrayList<>());
    for (int id = 0; id < phrases.size(); id++) {
      String p = phrases.get(id);
      int state = 0;
      for (int i = 0; i < p.length(); i++) {
        int sym = symbolOf[p.charAt(i)];
        int to = next.get(state)[sym];
        if (to < 0) {
          to = next.size();
          next.get(state)[sym] = to;
          next.add(filled(alphabet));
          out.add(new ArrayList<>());
        }
        state = to;
      }
      out.get(state).add(id);
    }
    int states = next.size();
    int[] fail = new int[states];
    if (states > Character.MAX_VALUE)
      throw new IllegalArgumentException("too many rule phrases: " + states + " automaton states");
    delta = new char[states * alphabet];
    int[] queue = new int[states];
    int head = 0;
    int tail = 0;
    for (int sym = 0; sym < alphabet; sym++) {
      int to = next.get(0)[sym];
      if (to < 0) {
        delta[sym] = 0;
      } else {
        delta[sym] = (char) to;
        fail[to] = 0;
        queue[tail++] = to;
      }
    }
    while (head < tail) {
      int s = queue[head++];
      out.get(s).addAll(out.get(fail[s]));
      for (int sym = 0; sym < alphabet; sym++) {
        int to = next.get(s)[sym];
        if (to < 0) {
          delta[s * alphabet + sym] = delta[fail[s] * alphabet + sym];
        } else {
          delta[s * alphabet + sym] = (char) to;
          fail[to] = delta[fail[s] * alphabet + sym];
          queue[tail++] = to;
        }
      }
    }
    outputs = new int[states][];
    for (int s = 0; s < states; s++) {
      List<Integer> o = out.get(s);
      if (!o.isEmpty()) outputs[s] = o.stream().distinct().mapToInt(Integer::intValue).toArray();
    }
  }

  private static int[] filled(int n) {
    int[] a = new int[n];
    Arrays.fill(a, -1);
    return a;
  }

  int phraseCount() {
    return phraseCount;
  }

  /**
   * Returns a bit set (as longs) of the phrase ids present in {@code text}, compared as {@link
   * TextNormalizer#normalize} would make it: case folded, runs of white space as one space.
   */
  long[] match(CharSequence text) {
    long[] found = new long[(phraseCount + 63) >>> 6];
    int state = 0;
    final int a = alphabet;
    final int space = spaceSymbol;
    final char[] d = delta;
    final char[] sym = symbolOf;
    boolean lastSpace = true;
    for (int i = 0, n = text.length(); i < n; i++) {
      int s = sym[text.charAt(i)];
      if (s == space) {
        if (lastSpace) continue;
        lastSpace = true;
      } else {
        lastSpace = false;
      }
      state = d[state * a + s];
      int[] o = outputs[state];
      if (o != null) {
        for (int id : o) found[id >>> 6] |= 1L << id;
      }
    }
    return found;
  }

  static boolean has(long[] set, int id) {
    return (set[id >>> 6] & (1L << id)) != 0;
  }

  /** Interns phrases so that each distinct phrase gets one id. */
  static final class Dictionary {
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> phrases = new ArrayList<>();

    int id(String phrase) {
      return ids.computeIfAbsent(
          phrase,
          p -> {
            phrases.add(p);
            return phrases.size() - 1;
          });
    }

    List<String> phrases() {
      return phrases;
    }
  }
}
