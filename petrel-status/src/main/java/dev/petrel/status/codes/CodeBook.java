package dev.petrel.status.codes;

import dev.petrel.status.Action;
import dev.petrel.status.Bounce;
import dev.petrel.status.EnhancedCode;
import dev.petrel.status.Reason;
import dev.petrel.status.Who;
import dev.petrel.status.data.DataFile;
import dev.petrel.status.data.DataFile.Block;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reference data the engine explains with: RFC 5321 basic codes and their digits, the IANA
 * enhanced status code registry, and what each reason implies. Loaded once from the bundled data
 * files {@code basic-codes.txt}, {@code enhanced-codes.txt} and {@code reasons.txt}.
 */
public final class CodeBook {

  /** The meaning of one digit position (a class or a subject). */
  public record Digit(String key, String title, String meaning, String source) {}

  /** One basic reply code. */
  public record BasicCode(
      int code,
      String title,
      String meaning,
      String solution,
      Reason reason,
      Action action,
      Who who,
      String source) {}

  /** One entry of the enhanced status code registry, keyed {@code X.Y.Z}. */
  public record EnhancedEntry(
      String key,
      String title,
      String basic,
      String meaning,
      String solution,
      Reason reason,
      Action action,
      Who who,
      String source) {}

  /** A subject mask that every enhanced code fits. */
  public static final int ANY_SUBJECT = 0xFF;

  /**
   * What a reason implies when nothing more specific is said.
   *
   * @param subjects the enhanced-code subjects (X.1 to X.7) this reason can describe, bit n for
   *     X.n, from the {@code subjects} key of reasons.txt
   */
  public record ReasonInfo(
      Reason reason,
      Bounce bounce,
      Action action,
      Action actionTransient,
      Who who,
      String meaning,
      String solution,
      int subjects) {

    /**
     * The subjects this reason fits, plus bit 0 when it may also take an "other" code (X.Y.0) of
     * any subject: every reason may, except the dead-address ones (bounce hard), which need their
     * own subject or strong words.
     */
    public int subjectMask() {
      return bounce == Bounce.HARD ? subjects : subjects | 1;
    }

    /** Whether this reason can describe a reply with this enhanced code. */
    public boolean fits(EnhancedCode e) {
      return CodeBook.fits(subjectMask(), e);
    }
  }

  /**
   * Whether an enhanced code fits a subject mask (see {@link ReasonInfo#subjectMask()}). A success
   * code (2.Y.Z), X.0.Z and subjects outside the registry's 1 to 7 claim no subject, so every
   * reason fits them.
   */
  public static boolean fits(int mask, EnhancedCode e) {
    int subject = e.subject();
    if (e.klass() == 2 || subject <= 0 || subject > 7 || (mask & (1 << subject)) != 0) return true;
    return e.detail() == 0 && (mask & 1) != 0;
  }

  private final Map<Integer, Digit> basicClasses = new TreeMap<>();
  private final Map<Integer, Digit> basicSubjects = new TreeMap<>();
  private final Map<Integer, BasicCode> basic = new TreeMap<>();
  private final Map<Integer, Digit> enhancedClasses = new TreeMap<>();
  private final Map<Integer, Digit> enhancedSubjects = new TreeMap<>();
  private final Map<String, EnhancedEntry> enhanced = new TreeMap<>(CodeBook::compareKeys);
  private final BasicCode[] basicByCode = new BasicCode[600];
  private final EnhancedEntry[][] enhancedBySubject = new EnhancedEntry[10][];
  private final Map<Reason, ReasonInfo> reasons = new EnumMap<>(Reason.class);
  // Array copies of the digit tables: these are read for every classified reply.
  private final Digit[] classArray = new Digit[10];
  private final Digit[] enhancedSubjectArray = new Digit[10];
  private final Digit[] subjectArray = new Digit[10];

  private static final CodeBook STANDARD = load();

  /** The bundled data; loaded once per JVM. */
  public static CodeBook standard() {
    return STANDARD;
  }

  private static CodeBook load() {
    CodeBook book = new CodeBook();
    for (Block b : DataFile.resource(CodeBook.class, "/dev/petrel/status/basic-codes.txt")) {
      if (b.has("class")) {
        int k = Integer.parseInt(b.require("class"));
        book.basicClasses.put(k, digit(b, "class"));
      } else if (b.has("subject")) {
        int k = Integer.parseInt(b.require("subject"));
        book.basicSubjects.put(k, digit(b, "subject"));
      } else {
        int code = parseInt(b, "code");
        BasicCode c =
            new BasicCode(
                code,
                b.require("title"),
                b.require("meaning"),
                b.require("solution"),
                reason(b),
                Action.of(b.require("action")),
                Who.of(b.require("who")),
                b.require("source"));
        book.basic.put(code, c);
        book.basicByCode[code] = c;
      }
    }
    for (Block b : DataFile.resource(CodeBook.class, "/dev/petrel/status/enhanced-codes.txt")) {
      if (b.has("class")) {
        book.enhancedClasses.put(Integer.parseInt(b.require("class")), digit(b, "class"));
      } else if (b.has("subject")) {
        String key = b.require("subject");
        if (!key.startsWith("X.")) throw b.error("subject must look like X.1");
        book.enhancedSubjects.put(Integer.parseInt(key.substring(2)), digit(b, "subject"));
      } else {
        String key = b.require("code");
        EnhancedCode parsed;
        try {
          parsed = EnhancedCode.parse("5" + key.substring(1));
        } catch (IllegalArgumentException e) {
          throw b.error("bad registry key '" + key + "'");
        }
        if (!key.startsWith("X.")) throw b.error("registry key must start with X.");
        EnhancedEntry entry =
            new EnhancedEntry(
                key,
                b.require("title"),
                b.get("basic") == null ? "" : b.get("basic"),
                b.require("meaning"),
                b.require("solution"),
                reason(b),
                Action.of(b.require("action")),
                Who.of(b.require("who")),
                b.require("source"));
        book.enhanced.put(key, entry);
        int s = parsed.subject();
        if (s < book.enhancedBySubject.length) {
          EnhancedEntry[] row = book.enhancedBySubject[s];
          if (row == null || row.length <= parsed.detail()) {
            EnhancedEntry[] grown = new EnhancedEntry[parsed.detail() + 1];
            if (row != null) System.arraycopy(row, 0, grown, 0, row.length);
            row = grown;
            book.enhancedBySubject[s] = row;
          }
          row[parsed.detail()] = entry;
        }
      }
    }
    for (Block b : DataFile.resource(CodeBook.class, "/dev/petrel/status/reasons.txt")) {
      Reason r = reason(b);
      book.reasons.put(
          r,
          new ReasonInfo(
              r,
              Bounce.of(b.require("bounce")),
              Action.of(b.require("action")),
              Action.of(b.require("action-transient")),
              Who.of(b.require("who")),
              b.require("meaning"),
              b.require("solution"),
              subjects(b)));
    }
    book.basicClasses.forEach((k, v) -> book.classArray[k] = v);
    book.basicSubjects.forEach((k, v) -> book.subjectArray[k] = v);
    book.enhancedSubjects.forEach(
        (k, v) -> {
          if (k >= 0 && k < book.enhancedSubjectArray.length) book.enhancedSubjectArray[k] = v;
        });
    for (Reason r : Reason.values()) {
      if (!book.reasons.containsKey(r))
        throw new IllegalStateException("reasons.txt lacks reason " + r.id());
    }
    return book;
  }

  private static Digit digit(Block b, String keyName) {
    return new Digit(
        b.require(keyName), b.require("title"), b.require("meaning"), b.require("source"));
  }

  private static int parseInt(Block b, String key) {
    try {
      int v = Integer.parseInt(b.require(key));
      if (v < 200 || v > 599) throw b.error(key + " must be 200 to 599");
      return v;
    } catch (NumberFormatException e) {
      throw b.error("bad number in '" + key + "'");
    }
  }

  /** The {@code subjects} key: {@code any}, or subject digits 1 to 7 separated by spaces. */
  private static int subjects(Block b) {
    String v = b.require("subjects").strip();
    if (v.equals("any")) return ANY_SUBJECT;
    int mask = 0;
    for (String d : v.split("\\s+")) {
      if (!d.matches("[1-7]"))
        throw b.error("subjects must be 'any' or digits 1 to 7, got '" + d + "'");
      mask |= 1 << Integer.parseInt(d);
    }
    return mask;
  }

  private static Reason reason(Block b) {
    try {
      return Reason.of(b.require("reason"));
    } catch (IllegalArgumentException e) {
      throw b.error(e.getMessage());
    }
  }

  private static int compareKeys(String a, String b) {
    EnhancedCode x = EnhancedCode.parse("5" + a.substring(1));
    EnhancedCode y = EnhancedCode.parse("5" + b.substring(1));
    int c = Integer.compare(x.subject(), y.subject());
    return c != 0 ? c : Integer.compare(x.detail(), y.detail());
  }

  /** The basic code's entry, or null when the code is not in the table. */
  public BasicCode basic(int code) {
    return code >= 0 && code < basicByCode.length ? basicByCode[code] : null;
  }

  /** The registry entry for an enhanced code (any class), or null when not registered. */
  public EnhancedEntry enhanced(EnhancedCode code) {
    if (code == null || code.subject() >= enhancedBySubject.length) return null;
    EnhancedEntry[] row = enhancedBySubject[code.subject()];
    return row == null || code.detail() >= row.length ? null : row[code.detail()];
  }

  /** The meaning of a basic code's first digit. */
  public Digit basicClass(int digit) {
    return digit >= 0 && digit < 10 ? classArray[digit] : null;
  }

  /** The meaning of a basic code's second digit. */
  public Digit basicSubject(int digit) {
    return digit >= 0 && digit < 10 ? subjectArray[digit] : null;
  }

  public Digit enhancedClass(int digit) {
    return enhancedClasses.get(digit);
  }

  public Digit enhancedSubject(int subject) {
    if (subject >= 0 && subject < enhancedSubjectArray.length) return enhancedSubjectArray[subject];
    return enhancedSubjects.get(subject);
  }

  public ReasonInfo reason(Reason r) {
    return reasons.get(r);
  }

  /** Every basic code in the table, in order. */
  public Map<Integer, BasicCode> basicCodes() {
    return Collections.unmodifiableMap(basic);
  }

  /** Every registry entry, in order. */
  public Map<String, EnhancedEntry> enhancedCodes() {
    return Collections.unmodifiableMap(enhanced);
  }

  public List<Digit> basicDigits() {
    return List.copyOf(basicClasses.values());
  }
}
