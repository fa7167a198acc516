package dev.petrel.status.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads the independent evaluation set (test resources under {@code dev/petrel/status/eval}): the
 * labelled SMTP replies and the labelled bounce mails, plus the rule-test tables they must stay
 * apart from. Holds no expectations of its own; {@link EvaluationSetTest} checks and measures.
 */
public final class EvalData {

  /** The test-resource folder of the status engine's tables. */
  static final String ROOT = "/dev/petrel/status";

  /** One labelled reply: line number in replies.tsv, text, expected reason and bounce, source. */
  record LabelledReply(int line, String text, String reason, String bounce, String source) {}

  /**
   * One labelled bounce mail.
   *
   * @param file path relative to the bounces folder, e.g. {@code bounceparser/quota.eml}
   * @param recipients the exact set of failed recipients (lower case), possibly empty
   * @param reason expected reason, or {@code -} for a mail that is not a delivery report
   * @param bounce expected hard, soft or none
   */
  public record LabelledBounce(
      int line, String file, Set<String> recipients, String reason, String bounce, String source) {

    /** The source folder, the first segment of the file path. */
    public String folder() {
      int slash = file.indexOf('/');
      return slash < 0 ? "." : file.substring(0, slash);
    }
  }

  private EvalData() {}

  /** The folder of a test resource on disk (tests run from target/test-classes). */
  public static Path resourceDir(String name) {
    URL url = EvalData.class.getResource(name);
    if (url == null) throw new IllegalStateException("test resource missing: " + name);
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path evalDir() {
    return resourceDir(ROOT + "/eval");
  }

  /** The rows of a tab-separated file without its comment and blank lines, with line numbers. */
  static List<Row> rows(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.isBlank() || l.startsWith("#")) continue;
      out.add(new Row(i + 1, l.split("\t", -1)));
    }
    return out;
  }

  /** A data line of a table: its 1-based line number and its fields. */
  record Row(int line, String[] fields) {}

  static List<LabelledReply> replies() {
    List<LabelledReply> out = new ArrayList<>();
    for (Row r : rows(evalDir().resolve("replies.tsv"))) {
      String[] f = r.fields();
      if (f.length != 4)
        throw new IllegalStateException(
            "replies.tsv line " + r.line() + ": 4 fields expected, got " + f.length);
      out.add(new LabelledReply(r.line(), f[0], f[1].trim(), f[2].trim(), f[3].trim()));
    }
    return out;
  }

  static List<LabelledBounce> bounces() {
    return bounces(evalDir().resolve("bounces/labels.tsv"));
  }

  /** The labelled bounce mails of a labels.tsv in the layout of eval/bounces/labels.tsv. */
  public static List<LabelledBounce> bounces(Path labels) {
    List<LabelledBounce> out = new ArrayList<>();
    for (Row r : rows(labels)) {
      String[] f = r.fields();
      if (f.length != 5)
        throw new IllegalStateException(
            labels.getFileName() + " line " + r.line() + ": 5 fields expected, got " + f.length);
      Set<String> rcpts =
          Arrays.stream(f[1].split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .collect(Collectors.toCollection(TreeSet::new));
      out.add(new LabelledBounce(r.line(), f[0].trim(), rcpts, f[2].trim(), f[3].trim(), f[4]));
    }
    return out;
  }

  /**
   * Every field of every rule-test table: the {@code *.tsv} files under the engine's test resources
   * outside the eval folder, whatever their layout, and the reply texts of the Java tests ({@link
   * #javaTestTexts}), each normalised with {@link #normalise}.
   */
  static Set<String> ruleTableTexts() {
    Path root = resourceDir(ROOT);
    Path eval = evalDir();
    Set<String> out = new TreeSet<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".tsv")).toList()) {
        if (p.startsWith(eval)) continue;
        for (Row r : rows(p)) for (String field : r.fields()) out.add(normalise(field));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.addAll(javaTestTexts());
    return out;
  }

  /** A string literal in Java source: the text between two unescaped double quotes on one line. */
  private static final Pattern STRING_LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  /**
   * The reply texts written into the engine's Java tests: every string literal of the test sources
   * outside this package, and each {@code |}-separated field of one (the tables written inline as
   * {@code "reply | reason | bounce"}), normalised with {@link #normalise}. A text that a rule test
   * uses is no longer unseen, whichever file holds it.
   */
  static Set<String> javaTestTexts() {
    Path sources = Path.of("src/test/java");
    Path own = sources.resolve(EvalData.class.getPackageName().replace('.', '/'));
    Set<String> out = new TreeSet<>();
    try (Stream<Path> s = Files.walk(sources)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".java")).toList()) {
        if (p.startsWith(own)) continue;
        Matcher m = STRING_LITERAL.matcher(Files.readString(p, StandardCharsets.UTF_8));
        while (m.find()) {
          String literal = m.group(1).replace("\\\"", "\"");
          out.add(normalise(literal));
          for (String field : literal.split(" \\| ")) out.add(normalise(field));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * The form two reply texts are compared in: the two characters {@code \n} (a line break in the
   * rule tables) and every run of white space become one space, a leading DSN type {@code smtp;} is
   * dropped, and the text is lower-cased.
   */
  static String normalise(String text) {
    String s = text.replace("\\n", " ").toLowerCase(Locale.ROOT).strip();
    if (s.startsWith("smtp;")) s = s.substring(5);
    return s.replaceAll("\\s+", " ").strip();
  }

  /**
   * The group a source URL is reported under: GitHub issue and pull-request threads together, a
   * GitHub repository's files by repository, any other page by its host.
   */
  static String sourceGroup(String url) {
    URI u = URI.create(url);
    String host = u.getHost() == null ? "?" : u.getHost().replaceFirst("^www\\.", "");
    String path = u.getPath() == null ? "" : u.getPath();
    if (!host.equals("github.com")) return host;
    if (path.contains("/issues/") || path.contains("/pull/")) return "GitHub issue threads";
    String[] seg = path.split("/");
    return seg.length > 2 ? "github.com/" + seg[1] + "/" + seg[2] : host;
  }
}
