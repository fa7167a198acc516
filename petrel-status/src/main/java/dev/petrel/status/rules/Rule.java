package dev.petrel.status.rules;

import dev.petrel.status.Action;
import dev.petrel.status.Bounce;
import dev.petrel.status.EnhancedCode;
import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import dev.petrel.status.Who;
import dev.petrel.status.data.DataFile.Block;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One classification rule as written in a rule file (see {@code docs/rules.md}): the phrases that
 * must (or must not) appear, optional conditions on code, enhanced code, phase and host, and what
 * the rule concludes. Built from a data-file record; invalid records are refused with their line.
 *
 * @param kind {@code operator-rule}, {@code provider-rule} or {@code mta-rule}
 * @param strong phrases that let the rule decide a reply whose enhanced code belongs to a subject
 *     its reason does not fit (see {@code subjects} in reasons.txt); without one of them such a
 *     reply is left to the next rule or to the code; {@code strong: *} in the file makes every
 *     phrase of {@code text} strong
 */
public record Rule(
    String kind,
    String id,
    String provider,
    List<String> text,
    List<List<String>> and,
    List<String> not,
    List<String> strong,
    List<String> codes,
    List<String> enhanced,
    Phase phase,
    List<String> hosts,
    Reason reason,
    Bounce bounce,
    Action action,
    Duration delay,
    Who who,
    String meaning,
    String solution,
    String source) {

  static Rule of(String kind, Block b) {
    try {
      List<List<String>> and = new ArrayList<>();
      for (String a : b.all("and")) and.add(phrases(a));
      Duration delay = null;
      if (b.get("delay") != null) {
        try {
          delay = Duration.parse(b.get("delay"));
        } catch (DateTimeParseException e) {
          throw b.error("delay must be an ISO-8601 duration such as PT5M");
        }
      }
      List<String> codes = alternatives(b.get("code"));
      for (String c : codes) {
        if (!c.equals("none") && !c.matches("[2-5]([0-9]{2}|xx)"))
          throw b.error("bad code condition '" + c + "'");
      }
      List<String> enh = alternatives(b.get("enhanced"));
      for (String e : enh) {
        if (!e.equals("none") && !e.matches("[245X]\\.[0-9]{1,3}\\.([0-9]{1,3}|\\*)"))
          throw b.error("bad enhanced condition '" + e + "'");
      }
      Rule r =
          new Rule(
              kind,
              b.require("id"),
              b.get("provider"),
              phrases(b.require("text")),
              List.copyOf(and),
              b.get("not") == null ? List.of() : phrases(b.get("not")),
              strong(b),
              codes,
              enh,
              b.get("phase") == null ? null : Phase.of(b.get("phase")),
              alternatives(b.get("host")).stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(),
              Reason.of(b.require("reason")),
              b.get("bounce") == null ? null : Bounce.of(b.get("bounce")),
              b.get("action") == null ? null : Action.of(b.get("action")),
              delay,
              b.get("who") == null ? null : Who.of(b.get("who")),
              b.get("meaning"),
              b.get("solution"),
              b.require("source"));
      if (!r.id.matches("[a-z0-9][a-z0-9._-]*"))
        throw b.error("rule id must be lower-case letters, digits and dashes");
      return r;
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(b.source() + ":")) throw e;
      throw b.error(e.getMessage());
    }
  }

  /** The {@code strong} key: phrases, or {@code *} for every phrase of {@code text}. */
  private static List<String> strong(Block b) {
    String v = b.get("strong");
    if (v == null) return List.of();
    return v.strip().equals("*") ? phrases(b.require("text")) : phrases(v);
  }

  private static List<String> alternatives(String v) {
    if (v == null || v.isBlank()) return List.of();
    List<String> out = new ArrayList<>();
    for (String part : v.split("\\|")) {
      String p = part.strip();
      if (!p.isEmpty()) out.add(p);
    }
    return List.copyOf(out);
  }

  private static List<String> phrases(String v) {
    List<String> out = new ArrayList<>();
    for (String p : alternatives(v)) {
      String n = TextNormalizer.normalize(p);
      if (n.length() < 3) throw new IllegalArgumentException("phrase '" + p + "' is too short");
      out.add(n);
    }
    if (out.isEmpty()) throw new IllegalArgumentException("empty phrase list");
    return List.copyOf(out);
  }

  /** Checks the non-text conditions. */
  boolean accepts(int code, EnhancedCode enh, Phase ctxPhase, String host, String domain) {
    if (!codes.isEmpty() && !codeMatches(code, enh)) return false;
    if (!enhanced.isEmpty() && !enhancedMatches(enh)) return false;
    if (phase != null && phase != ctxPhase) return false;
    if (!hosts.isEmpty() && (host != null || domain != null)) {
      boolean ok = false;
      for (String h : hosts) {
        if (suffix(host, h) || suffix(domain, h)) {
          ok = true;
          break;
        }
      }
      if (!ok) return false;
    }
    return true;
  }

  private boolean codeMatches(int code, EnhancedCode enh) {
    // Conditions are validated at load: "5xx" (a class) or "550" (one code).
    for (int i = 0, n = codes.size(); i < n; i++) {
      String c = codes.get(i);
      // "none" matches a reply that carries neither a basic nor an enhanced code (bare text).
      if (c.equals("none")) {
        if (code == 0 && enh == null) return true;
        continue;
      }
      int klass = c.charAt(0) - '0';
      if (code == 0) {
        if (enh != null && enh.klass() == klass) return true;
        continue;
      }
      if (c.charAt(1) == 'x') {
        if (code / 100 == klass) return true;
      } else if (klass * 100 + (c.charAt(1) - '0') * 10 + (c.charAt(2) - '0') == code) {
        return true;
      }
    }
    return false;
  }

  private boolean enhancedMatches(EnhancedCode enh) {
    // "none" matches a reply without an enhanced code.
    if (enh == null) return enhanced.contains("none");
    // Conditions are validated at load: [245X].subject.(detail|*).
    for (int i = 0, n = enhanced.size(); i < n; i++) {
      String e = enhanced.get(i);
      if (e.equals("none")) continue;
      char k = e.charAt(0);
      if (k != 'X' && k - '0' != enh.klass()) continue;
      int dot = e.indexOf('.', 2);
      if (number(e, 2, dot) != enh.subject()) continue;
      if (e.charAt(dot + 1) == '*' || number(e, dot + 1, e.length()) == enh.detail()) return true;
    }
    return false;
  }

  private static int number(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) v = v * 10 + (s.charAt(i) - '0');
    return v;
  }

  private static boolean suffix(String name, String suffix) {
    if (name == null) return false;
    int start = name.length() - suffix.length();
    if (start < 0 || !name.regionMatches(true, start, suffix, 0, suffix.length())) return false;
    return start == 0 || name.charAt(start - 1) == '.';
  }
}
