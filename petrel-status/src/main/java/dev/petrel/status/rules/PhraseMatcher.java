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
 * <p>The table is laid out for the one thing that limits the speed of the scan: each character's
 * step waits for the previous step's load. So a step is one load and nothing else on that chain:
 * entries hold the next state's row offset (no multiply), runs of white space are collapsed by the
 * transitions themselves (no branch), and states where a phrase ends are numbered after all others,
 * so that "did a phrase end here" is one comparison with no second load.
 *
 * <p>Immutable and thread-safe after construction; matching allocates only the result bit set.
 */
final class PhraseMatcher {

  /** A table of more entries than this is refused: no sane rule set comes near it. */
  private static final int MAX_TABLE = 1 << 28;

  /**
   * The symbol of each character, with case and white space already folded the way {@link
   * TextNormalizer} folds them, so raw reply text can be matched without normalising it first.
   */
  private final char[] symbolOf = new char[Character.MAX_VALUE + 1];

  /**
   * Dense transitions: the row of a state starts at {@code state * alphabet}, and each entry is the
   * row start of the next state (the state's number times the alphabet size).
   */
  private final int[] delta;

  /** Row start of the first state where a phrase ends; every state from there on has one. */
  private final int firstOutput;

  private final int alphabet;

  /**
   * For each state from {@link #firstOutput} on, in order, the phrase ids that end there (including
   * through suffix links).
   */
  private final int[][] outputs;

  private final int phraseCount;

  PhraseMatcher(List<String> phrases) {
    this(phrases, true, true);
  }

  /**
   * @param foldCase whether upper-case text matches the (lower-case) phrases, as {@link
   *     TextNormalizer} folds case
   * @param foldSpace whether a run of white space in the text matches one space of a phrase
   */
  PhraseMatcher(List<String> phrases, boolean foldCase, boolean foldSpace) {
    this.phraseCount = phrases.size();
    // Symbol 0 is any character no phrase uses; the others are numbered from the most frequent
    // character of the phrases down, so that the entries a scan of ordinary text reads most sit
    // together at the start of each row (fewer cache lines per state).
    int[] count = new int[Character.MAX_VALUE + 1];
    for (String p : phrases) {
      for (int i = 0; i < p.length(); i++) count[p.charAt(i)]++;
    }
    List<Character> used = new ArrayList<>();
    for (int c = 0; c <= Character.MAX_VALUE; c++) if (count[c] > 0) used.add((char) c);
    used.sort((a, b) -> count[b] != count[a] ? count[b] - count[a] : a - b);
    int symbols = 1;
    for (char c : used) symbolOf[c] = (char) symbols++;
    int space = -1;
    if (foldCase) {
      // Fold case: an upper-case character gets the symbol of its lower-case form.
      for (int c = 0; c <= Character.MAX_VALUE; c++) {
        char lower = TextNormalizer.fold((char) c);
        if (lower != c && symbolOf[lower] != 0) symbolOf[c] = symbolOf[lower];
      }
    }
    if (foldSpace) {
      if (symbolOf[' '] == 0) symbolOf[' '] = (char) symbols++;
      space = symbolOf[' '];
      for (int c = 0; c <= Character.MAX_VALUE; c++) {
        if (TextNormalizer.isSpace((char) c)) symbolOf[c] = (char) space;
      }
    }
    alphabet = symbols;
    // Build the trie with growable arrays; remember the symbol each state is entered by.
    List<int[]> next = new ArrayList<>();
    List<List<Integer>> out = new ArrayList<>();
    List<Integer> enteredBy = new ArrayList<>();
    next.add(filled(alphabet));
    out.add(new ArrayList<>());
    enteredBy.add(-1);
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
          enteredBy.add(sym);
        }
        state = to;
      }
      out.get(state).add(id);
    }
    int states = next.size();
    if ((long) states * alphabet > MAX_TABLE)
      throw new IllegalArgumentException("too many rule phrases: " + states + " automaton states");
    // The automaton proper, by breadth-first search along the suffix links.
    int[][] go = new int[states][];
    int[] fail = new int[states];
    int[] queue = new int[states];
    int head = 0;
    int tail = 0;
    go[0] = new int[alphabet];
    for (int sym = 0; sym < alphabet; sym++) {
      int to = next.get(0)[sym];
      if (to >= 0) {
        go[0][sym] = to;
        queue[tail++] = to;
      }
    }
    while (head < tail) {
      int s = queue[head++];
      out.get(s).addAll(out.get(fail[s]));
      go[s] = new int[alphabet];
      for (int sym = 0; sym < alphabet; sym++) {
        int to = next.get(s)[sym];
        if (to < 0) {
          go[s][sym] = go[fail[s]][sym];
        } else {
          go[s][sym] = to;
          fail[to] = go[fail[s]][sym];
          queue[tail++] = to;
        }
      }
    }
    // A run of white space counts as one space. A state entered by a space has just read one, so a
    // further space leaves it where it is; the root needs nothing, since no phrase starts with a
    // space and a space there leads back to the root anyway.
    for (int s = 1; s < states; s++) {
      if (enteredBy.get(s) == space) go[s][space] = s;
    }
    // Number the states: those where no phrase ends first (the root among them, as state 0).
    int[] number = new int[states];
    int withOutput = 0;
    for (int s = 0; s < states; s++) if (!out.get(s).isEmpty()) withOutput++;
    if (!out.get(0).isEmpty()) throw new IllegalArgumentException("empty rule phrase");
    int plain = 0;
    int ending = states - withOutput;
    int first = ending;
    outputs = new int[withOutput][];
    for (int s = 0; s < states; s++) {
      if (out.get(s).isEmpty()) {
        number[s] = plain++;
      } else {
        outputs[ending - first] =
            out.get(s).stream().distinct().mapToInt(Integer::intValue).toArray();
        number[s] = ending++;
      }
    }
    firstOutput = first * alphabet;
    delta = new int[states * alphabet];
    for (int s = 0; s < states; s++) {
      int row = number[s] * alphabet;
      for (int sym = 0; sym < alphabet; sym++) delta[row + sym] = number[go[s][sym]] * alphabet;
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
    final int[] d = delta;
    final char[] sym = symbolOf;
    final int outFrom = firstOutput;
    int state = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      state = d[state + sym[text.charAt(i)]];
      if (state >= outFrom) {
        for (int id : outputs[(state - outFrom) / alphabet]) found[id >>> 6] |= 1L << id;
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
