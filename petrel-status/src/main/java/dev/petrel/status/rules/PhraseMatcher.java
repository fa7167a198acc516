package dev.petrel.status.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds which of many literal phrases occur in a text, in one pass (Aho-Corasick). Characters that
 * no phrase contains all share one symbol, so the tables stay small whatever the script of the
 * text.
 *
 * <p>The layout is chosen for the way texts are read: most characters leave the automaton near the
 * root, and a scan runs between other work that pushes its tables out of the processor's caches. So
 * the shallow states (as many depths as fit in 64 Ki entries: four characters for the standard
 * rules) have dense rows: one load per character, and entries hold the next state's row offset (no
 * multiply). Deep states, which a text enters only while it follows a phrase, keep only the
 * transitions that differ from their suffix link's (one or two each) and otherwise fall back to it.
 * The automaton of the standard rules then takes about 340 KB instead of 3.3 MB for a fully dense
 * table, and reads bounce notices a few per cent faster, at the same speed on a warm cache. Runs of
 * white space are collapsed by the transitions themselves, and in each kind the states where a
 * phrase ends are numbered last, so that "did a phrase end here" is one comparison.
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
   * At most this many entries of dense rows (4 bytes each): the states nearest the root have them,
   * as many depths as fit.
   */
  private static final int DENSE_ENTRIES = 1 << 16;

  /** States this deep in the trie or less have a dense row. */
  private final int denseDepth;

  /**
   * Dense rows of the shallow states: the row of a state starts at its number times the alphabet
   * size, and each entry refers to the next state: a shallow one by its row start (zero or more), a
   * deep one as {@code ~number} (negative).
   */
  private final int[] dense;

  /** Row start of the first shallow state where a phrase ends; every one from there on has one. */
  private final int denseOutFrom;

  private final int firstDenseOutput;

  /**
   * The deep states: for deep state {@code d}, the symbols {@code childSym[childStart[d] ..
   * childStart[d + 1])} lead to {@code childTo} (references as in {@link #dense}); every other
   * symbol goes where it goes from the state {@code deepFail[d]} (its suffix link).
   */
  private final int[] childStart;

  private final char[] childSym;
  private final int[] childTo;
  private final int[] deepFail;

  /** Reference of the first deep state where a phrase ends; every one below it has one. */
  private final int deepOutTo;

  private final int firstDeepOutput;

  private final int alphabet;

  /**
   * For each shallow (then deep) state where a phrase ends, in order of number, the phrase ids that
   * end there (including through suffix links).
   */
  private final int[][] denseOutputs;

  private final int[][] deepOutputs;

  private final int phraseCount;

  /**
   * For each phrase, whether it is not found where it ends in a letter or digit right before an
   * equals sign, or inside the local part of an address: a phrase of one word is then a field name
   * of a log-style tail ({@code relay=}, {@code ctladdr=}, {@code user=}) or part of an address
   * ({@code dmarc@}, {@code spam-reports@}), not a word of the prose. Null when no phrase is so
   * read.
   */
  private final boolean[] fieldNameWord;

  /**
   * For each phrase of one word that begins with an ASCII letter, its length, else 0: such a phrase
   * is not found where an ASCII letter or digit comes right before it, inside a longer word or name
   * ({@code relay} in {@code privaterelay.example.com}, {@code spam} in {@code antispam}). Phrases
   * of scripts written without spaces (Chinese, Japanese) match anywhere. Null when {@link
   * #fieldNameWord} is.
   */
  private final int[] wordStartLength;

  PhraseMatcher(List<String> phrases) {
    this(phrases, true, true, false);
  }

  PhraseMatcher(List<String> phrases, boolean foldCase, boolean foldSpace) {
    this(phrases, foldCase, foldSpace, false);
  }

  /**
   * @param foldCase whether upper-case text matches the (lower-case) phrases, as {@link
   *     TextNormalizer} folds case
   * @param foldSpace whether a run of white space in the text matches one space of a phrase
   * @param skipFieldNames whether a phrase of one word is not found where an equals sign follows it
   *     (a field name such as sendmail's and Postfix's {@code relay=}) or where it is part of an
   *     address's local part
   */
  PhraseMatcher(List<String> phrases, boolean foldCase, boolean foldSpace, boolean skipFieldNames) {
    this.phraseCount = phrases.size();
    boolean[] oneWord = null;
    int[] startLength = null;
    if (skipFieldNames) {
      oneWord = new boolean[phrases.size()];
      startLength = new int[phrases.size()];
      for (int id = 0; id < oneWord.length; id++) {
        String p = phrases.get(id);
        boolean word = p.indexOf(' ') < 0;
        oneWord[id] = word && Character.isLetterOrDigit(p.charAt(p.length() - 1));
        if (word && !p.isEmpty() && isAsciiLetterOrDigit(p.charAt(0)) && !isDigit(p.charAt(0)))
          startLength[id] = p.length();
      }
    }
    this.fieldNameWord = oneWord;
    this.wordStartLength = startLength;
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
    if (!out.get(0).isEmpty()) throw new IllegalArgumentException("empty rule phrase");
    // Depth in the trie, in breadth-first order (the queue above), for the choice of layout.
    int[] depth = new int[states];
    for (int k = -1; k < tail; k++) {
      int s = k < 0 ? 0 : queue[k];
      for (int sym = 0; sym < alphabet; sym++) {
        int to = next.get(s)[sym];
        if (to >= 0) depth[to] = depth[s] + 1;
      }
    }
    // Shallow states get dense rows; deep ones keep only the transitions that differ from their
    // suffix link's and fall back to it (see the class comment). Shallow: as deep as the budget
    // of dense entries allows, and at least the root's children.
    int[] atDepth = new int[states + 1];
    for (int s = 0; s < states; s++) atDepth[depth[s]]++;
    int denseDepth = 1;
    long entries = (long) (atDepth[0] + atDepth[1]) * alphabet;
    while (denseDepth < states
        && entries + (long) atDepth[denseDepth + 1] * alphabet <= DENSE_ENTRIES) {
      denseDepth++;
      entries += (long) atDepth[denseDepth] * alphabet;
    }
    this.denseDepth = denseDepth;
    int denseCount = 0;
    int denseWithOutput = 0;
    int deepWithOutput = 0;
    for (int s = 0; s < states; s++) {
      boolean isDense = depth[s] <= denseDepth;
      if (isDense) denseCount++;
      if (!out.get(s).isEmpty()) {
        if (isDense) denseWithOutput++;
        else deepWithOutput++;
      }
    }
    int deepCount = states - denseCount;
    // Numbers within each kind: states where no phrase ends first, then those where one does.
    int[] index = new int[states];
    int densePlain = 0;
    int denseEnding = denseCount - denseWithOutput;
    int deepPlain = 0;
    int deepEnding = deepCount - deepWithOutput;
    firstDenseOutput = denseEnding;
    firstDeepOutput = deepEnding;
    denseOutputs = new int[denseWithOutput][];
    deepOutputs = new int[deepWithOutput][];
    for (int s = 0; s < states; s++) {
      boolean isDense = depth[s] <= denseDepth;
      int[] ids =
          out.get(s).isEmpty()
              ? null
              : out.get(s).stream().distinct().mapToInt(Integer::intValue).toArray();
      if (isDense) {
        if (ids == null) index[s] = densePlain++;
        else {
          denseOutputs[denseEnding - firstDenseOutput] = ids;
          index[s] = denseEnding++;
        }
      } else {
        if (ids == null) index[s] = deepPlain++;
        else {
          deepOutputs[deepEnding - firstDeepOutput] = ids;
          index[s] = deepEnding++;
        }
      }
    }
    int[] ref = new int[states];
    for (int s = 0; s < states; s++)
      ref[s] = depth[s] <= denseDepth ? index[s] * alphabet : ~index[s];
    denseOutFrom = firstDenseOutput * alphabet;
    deepOutTo = ~firstDeepOutput;
    dense = new int[denseCount * alphabet];
    childStart = new int[deepCount + 1];
    deepFail = new int[deepCount];
    List<Integer> syms = new ArrayList<>();
    List<Integer> tos = new ArrayList<>();
    int[] deepState = new int[deepCount];
    for (int s = 0; s < states; s++) {
      if (depth[s] <= denseDepth) {
        int row = index[s] * alphabet;
        for (int sym = 0; sym < alphabet; sym++) dense[row + sym] = ref[go[s][sym]];
      } else {
        deepState[index[s]] = s;
      }
    }
    for (int d = 0; d < deepCount; d++) {
      int s = deepState[d];
      childStart[d] = syms.size();
      deepFail[d] = ref[fail[s]];
      for (int sym = 0; sym < alphabet; sym++) {
        if (go[s][sym] != go[fail[s]][sym]) {
          syms.add(sym);
          tos.add(ref[go[s][sym]]);
        }
      }
    }
    childStart[deepCount] = syms.size();
    childSym = new char[syms.size()];
    childTo = new int[tos.size()];
    for (int k = 0; k < syms.size(); k++) {
      childSym[k] = (char) (int) syms.get(k);
      childTo[k] = tos.get(k);
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
    final int[] d = dense;
    final char[] sym = symbolOf;
    final int denseOut = denseOutFrom;
    final int deepOut = deepOutTo;
    int state = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      int y = sym[text.charAt(i)];
      state = state >= 0 ? d[state + y] : deepStep(~state, y);
      if (state >= 0) {
        if (state >= denseOut)
          record(denseOutputs[state / alphabet - firstDenseOutput], text, i, found);
      } else if (state <= deepOut) {
        record(deepOutputs[~state - firstDeepOutput], text, i, found);
      }
    }
    return found;
  }

  /** Adds the phrases {@code ids} that end at {@code i} to {@code found}, unless they are names. */
  private void record(int[] ids, CharSequence text, int i, long[] found) {
    if (fieldNameWord == null) {
      for (int id : ids) found[id >>> 6] |= 1L << id;
      return;
    }
    boolean field = isFieldName(text, i);
    for (int id : ids) {
      if (field && fieldNameWord[id]) continue;
      int len = wordStartLength[id];
      if (len > 0 && i - len >= 0 && midWord(text, i - len + 1)) continue;
      found[id >>> 6] |= 1L << id;
    }
  }

  /**
   * Whether the character at {@code start} continues a word: it is a lower-case ASCII letter or a
   * digit, and an ASCII letter or digit comes before it. An upper-case letter starts a word of its
   * own, as in names written in camel case ({@code MCSpamSignature}).
   */
  private static boolean midWord(CharSequence text, int start) {
    char c = text.charAt(start);
    return start > 0
        && ((c >= 'a' && c <= 'z') || isDigit(c))
        && isAsciiLetterOrDigit(text.charAt(start - 1));
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * Whether the character at {@code i}, a letter or digit, ends a name rather than a word of prose:
   * a field name, which an equals sign follows ({@code relay=mx.example.org}, {@code
   * ctladdr=<...>}), or a part of the local part of an address, which more local-part characters
   * and an at sign follow ({@code <dmarc@example.org>}, {@code no-reply@example.org}).
   */
  private static boolean isFieldName(CharSequence text, int i) {
    int n = text.length();
    if (i + 1 >= n || !Character.isLetterOrDigit(text.charAt(i))) return false;
    if (text.charAt(i + 1) == '=') return true;
    for (int j = i + 1, end = Math.min(n, i + 1 + MAX_LOCAL_PART); j < end; j++) {
      char c = text.charAt(j);
      if (c == '@') return true;
      if (!Character.isLetterOrDigit(c) && c != '.' && c != '-' && c != '_' && c != '+')
        return false;
    }
    return false;
  }

  /** The longest local part of an address (RFC 5321, section 4.5.3.1.1). */
  private static final int MAX_LOCAL_PART = 64;

  /** The next state from deep state {@code deep} on symbol {@code y}, as a reference. */
  private int deepStep(int deep, int y) {
    while (true) {
      for (int k = childStart[deep], e = childStart[deep + 1]; k < e; k++) {
        if (childSym[k] == y) return childTo[k];
      }
      int f = deepFail[deep];
      if (f >= 0) return dense[f + y];
      deep = ~f;
    }
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
