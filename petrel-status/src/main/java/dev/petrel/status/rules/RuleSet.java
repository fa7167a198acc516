package dev.petrel.status.rules;

import dev.petrel.status.EnhancedCode;
import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import dev.petrel.status.codes.CodeBook;
import dev.petrel.status.data.DataFile;
import dev.petrel.status.data.DataFile.Block;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * All rules in their order of precedence, compiled into one phrase matcher. Finding the deciding
 * rule costs one pass over the text plus a check of the few rules whose phrases occurred.
 *
 * <p>Immutable and thread-safe.
 */
public final class RuleSet {

  private final List<Rule> rules;
  private final PhraseMatcher matcher;

  /** For each phrase id, the (ascending) indexes of rules whose {@code text} contains it. */
  private final int[][] rulesByPhrase;

  private final int[][][] andSets;
  private final int[][] notIds;
  private final int[][] strongIds;

  /**
   * For each rule, the enhanced-code subjects its reason fits (bit n for X.n); a rule that names
   * enhanced codes itself fits every subject, since its author chose the codes.
   */
  private final int[] subjects;

  /** A source of rules: its kind (e.g. {@code provider-rule}) and its records. */
  public record Source(String kind, List<Block> blocks) {}

  /** A rule set whose rules fit every enhanced-code subject (no compatibility check). */
  public RuleSet(List<Source> sources) {
    this(sources, r -> CodeBook.ANY_SUBJECT);
  }

  /**
   * @param subjectsOf the enhanced-code subjects each reason fits, as {@link
   *     CodeBook.ReasonInfo#subjectMask()}
   */
  public RuleSet(List<Source> sources, ToIntFunction<Reason> subjectsOf) {
    List<Rule> all = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Source s : sources) {
      for (Block b : s.blocks()) {
        Rule r = Rule.of(s.kind(), b);
        if (!ids.add(r.kind() + "/" + r.id())) throw b.error("duplicate rule id '" + r.id() + "'");
        all.add(r);
      }
    }
    this.rules = List.copyOf(all);
    PhraseMatcher.Dictionary dict = new PhraseMatcher.Dictionary();
    List<List<Integer>> byPhrase = new ArrayList<>();
    andSets = new int[rules.size()][][];
    notIds = new int[rules.size()][];
    strongIds = new int[rules.size()][];
    subjects = new int[rules.size()];
    for (int i = 0; i < rules.size(); i++) {
      Rule r = rules.get(i);
      for (String p : r.text()) {
        int id = dict.id(p);
        while (byPhrase.size() <= id) byPhrase.add(new ArrayList<>());
        List<Integer> l = byPhrase.get(id);
        if (l.isEmpty() || l.getLast() != i) l.add(i);
      }
      andSets[i] = new int[r.and().size()][];
      for (int k = 0; k < r.and().size(); k++) {
        andSets[i][k] = r.and().get(k).stream().mapToInt(dict::id).toArray();
      }
      notIds[i] = r.not().stream().mapToInt(dict::id).toArray();
      strongIds[i] = r.strong().stream().mapToInt(dict::id).toArray();
      // An operator's rule is the operator's decision, and a rule that names enhanced codes chose
      // them.
      subjects[i] =
          r.enhanced().isEmpty() && !r.kind().equals("operator-rule")
              ? subjectsOf.applyAsInt(r.reason())
              : CodeBook.ANY_SUBJECT;
    }
    this.matcher = new PhraseMatcher(dict.phrases(), true, true, true);
    rulesByPhrase = new int[dict.phrases().size()][];
    for (int id = 0; id < rulesByPhrase.length; id++) {
      rulesByPhrase[id] =
          id < byPhrase.size()
              ? byPhrase.get(id).stream().mapToInt(Integer::intValue).toArray()
              : new int[0];
    }
  }

  /** Loads the bundled rule files, with operator rules (may be empty) ahead of them. */
  public static RuleSet withBuiltIns(List<Block> operatorRules) {
    CodeBook book = CodeBook.standard();
    return new RuleSet(
        List.of(
            new Source("operator-rule", operatorRules),
            new Source(
                "provider-rule",
                DataFile.resource(RuleSet.class, "/dev/petrel/status/rules-providers.txt")),
            new Source(
                "mta-rule", DataFile.resource(RuleSet.class, "/dev/petrel/status/rules-mta.txt"))),
        r -> book.reason(r).subjectMask());
  }

  public List<Rule> rules() {
    return rules;
  }

  /**
   * Returns the first rule, in precedence order, whose conditions all hold, or null.
   *
   * @param text the reply text, raw or normalised: the matcher folds case and white space itself
   */
  public Rule match(
      String text, int code, EnhancedCode enhanced, Phase phase, String host, String domain) {
    return match(text, code, enhanced, phase, host, domain, false);
  }

  /**
   * As {@link #match(String, int, EnhancedCode, Phase, String, String)}; with {@code
   * withoutHostRules}, rules bound to providers' hosts are skipped, so that the first rule that
   * holds for any server is found.
   */
  public Rule match(
      String text,
      int code,
      EnhancedCode enhanced,
      Phase phase,
      String host,
      String domain,
      boolean withoutHostRules) {
    long[] found = matcher.match(text);
    int best = Integer.MAX_VALUE;
    for (int w = 0; w < found.length; w++) {
      long bits = found[w];
      while (bits != 0) {
        int phrase = (w << 6) + Long.numberOfTrailingZeros(bits);
        bits &= bits - 1;
        for (int ruleIndex : rulesByPhrase[phrase]) {
          if (ruleIndex >= best) break;
          if (withoutHostRules && !rules.get(ruleIndex).hosts().isEmpty()) continue;
          if (passes(ruleIndex, found, code, enhanced, phase, host, domain)) {
            best = ruleIndex;
            break;
          }
        }
      }
    }
    return best == Integer.MAX_VALUE ? null : rules.get(best);
  }

  private boolean passes(
      int i, long[] found, int code, EnhancedCode enh, Phase phase, String host, String domain) {
    for (int not : notIds[i]) {
      if (PhraseMatcher.has(found, not)) return false;
    }
    for (int[] set : andSets[i]) {
      boolean any = false;
      for (int id : set) {
        if (PhraseMatcher.has(found, id)) {
          any = true;
          break;
        }
      }
      if (!any) return false;
    }
    if (enh != null && !CodeBook.fits(subjects[i], enh)) {
      boolean strong = false;
      for (int id : strongIds[i]) {
        if (PhraseMatcher.has(found, id)) {
          strong = true;
          break;
        }
      }
      if (!strong) return false;
    }
    return rules.get(i).accepts(code, enh, phase, host, domain);
  }
}
