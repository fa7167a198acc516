package dev.petrel.status.reply;

import dev.petrel.status.EnhancedCode;
import dev.petrel.status.SmtpReply;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a reply as it is met in the wild into an {@link SmtpReply}.
 *
 * <p>Accepted forms: a wire reply, possibly multi-line ({@code 250-a CRLF 250 b}); a DSN or log
 * field with a type prefix ({@code smtp; 550 5.1.1 ...}); Postfix's flattened multi-line reply in
 * one line ({@code 550-5.7.26 part one 550-5.7.26 part two 550 5.7.26 end}); a code after a log
 * lead-in ({@code host mx[192.0.2.1] said: 550 ...}, Exim's {@code SMTP error from remote mail
 * server after RCPT TO:<a@b>: 550 ...}, Exchange's {@code Remote Server returned '550 ...'},
 * Stalwart's {@code ... with code 550 (5.1.1) '...'}, OpenSMTPD's {@code stat=451 ...}); and bare
 * text without any code. Parsing never throws and is linear in the input: the parser only scans.
 */
public final class ReplyParser {

  /** Inputs longer than this are cut before parsing: no real reply is anywhere near it. */
  static final int MAX_INPUT = 64 * 1024;

  /** The words PHPMailer puts before the enhanced code at the end of its error report. */
  private static final String PHPMAILER_EXTRA = "Additional SMTP info:";

  private ReplyParser() {}

  public static SmtpReply parse(String input) {
    if (input == null) input = "";
    if (input.length() > MAX_INPUT) input = input.substring(0, MAX_INPUT);
    String s = stripTypePrefix(input);
    int at = findCode(s);
    if (at < 0) {
      // No basic code: the text may still carry an enhanced code ("#5.1.1", "(5.2.2)").
      String text = joinLines(s);
      EnhancedCode e = findEnhanced(text, 0, 0);
      return new SmtpReply(0, e, false, text, lines(input));
    }
    int code = digit(s, at) * 100 + digit(s, at + 1) * 10 + digit(s, at + 2);
    String body = at == 0 ? s : s.substring(at);
    List<String> rawLines = singleLine(body) ? List.of(body) : lines(body);
    EnhancedCode enhanced = null;
    if (rawLines.size() == 1) {
      // The common case, one line: no builder, at most one substring.
      String line = body;
      int p = startOfText(line, code);
      int e = codeTokenEnd(line, p);
      if (e > 0) {
        enhanced = EnhancedCode.tryParse(line, p, e);
        if (enhanced != null) p = skipSpaces(line, e);
      }
      int end = line.length();
      while (end > p && Character.isWhitespace(line.charAt(end - 1))) end--;
      String joined = removeFlattenedPrefixes(line.substring(p, end), code, enhanced);
      // A code that ends the line ("... Detail: Message rejected as spam SMTP code: 550", as
      // PHPMailer reports it) has its words before it.
      if (joined.isEmpty() && at > 0) joined = joinLines(s.substring(0, at)).strip();
      // PHPMailer may follow that code with "Additional SMTP info: 5.1.0", the enhanced code it
      // read: both belong to the words before them.
      if (at > 0 && joined.regionMatches(true, 0, PHPMAILER_EXTRA, 0, PHPMAILER_EXTRA.length())) {
        int q = skipSpaces(joined, PHPMAILER_EXTRA.length());
        int qe = codeTokenEnd(joined, q);
        if (qe > 0 && skipSpaces(joined, qe) == joined.length()) {
          EnhancedCode extra = EnhancedCode.tryParse(joined, q, qe);
          if (enhanced == null) enhanced = extra;
          joined = joinLines(s.substring(0, at)).strip();
        }
      }
      if (enhanced == null) enhanced = findEnhanced(joined, code / 100, 0);
      return new SmtpReply(code, enhanced, false, joined, rawLines);
    }
    StringBuilder text = new StringBuilder(body.length());
    for (String line : rawLines) {
      int p = 0;
      if (startsWithCode(line, code)) {
        p = 3;
        if (p < line.length() && (line.charAt(p) == '-' || line.charAt(p) == ' ')) p++;
      }
      p = skipSpaces(line, p);
      int e = codeTokenEnd(line, p);
      if (e > 0) {
        EnhancedCode found = EnhancedCode.tryParse(line, p, e);
        if (enhanced == null) enhanced = found;
        if (found != null && found.equals(enhanced)) p = skipSpaces(line, e);
      }
      appendText(text, line, p);
    }
    String joined = removeFlattenedPrefixes(text.toString(), code, enhanced);
    if (enhanced == null) enhanced = findEnhanced(joined, code / 100, 0);
    return new SmtpReply(
        code, enhanced, false, joined, rawLines.isEmpty() ? List.of("") : rawLines);
  }

  private static int startOfText(String line, int code) {
    int p = 0;
    if (startsWithCode(line, code)) {
      p = 3;
      if (p < line.length() && (line.charAt(p) == '-' || line.charAt(p) == ' ')) p++;
    }
    return skipSpaces(line, p);
  }

  /** Removes {@code smtp;}, {@code X-Postfix;}, {@code X-Unix;} and similar DSN type prefixes. */
  static String stripTypePrefix(String s) {
    int i = skipSpaces(s, 0);
    int j = i;
    while (j < s.length() && j - i < 24) {
      char c = s.charAt(j);
      if (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.') j++;
      else break;
    }
    if (j > i && j < s.length() && s.charAt(j) == ';' && Character.isLetter(s.charAt(i))) {
      return s.substring(skipSpaces(s, j + 1));
    }
    return i == 0 ? s : s.substring(i);
  }

  /**
   * Finds where the basic code starts: at the very beginning, or after a lead-in that ends with a
   * colon, quote or bracket. Returns -1 when there is none.
   */
  static int findCode(String s) {
    int n = s.length();
    for (int i = 0; i + 3 <= n; i++) {
      if (!isCodeAt(s, i)) continue;
      if (i == 0) return i;
      int k = i - 1;
      while (k >= 0 && (s.charAt(k) == ' ' || s.charAt(k) == '\t')) k--;
      if (k < 0) return i;
      char prev = s.charAt(k);
      if (prev == ':' || prev == '\'' || prev == '"' || prev == '(' || prev == '[' || prev == '<')
        return i;
      if (prev == '\n' || prev == '\r') return i;
      // "... said 550 5.1.1": some logs drop the colon.
      if (k >= 3 && s.regionMatches(true, k - 3, "said", 0, 4)) return i;
      // Stalwart's delivery reports: "host 'mx.example.com' rejected command 'RCPT TO:<a@b>' with
      // code 550 (5.1.1) 'text'".
      if (k >= 8 && s.regionMatches(true, k - 8, "with code", 0, 9)) return i;
      // OpenSMTPD's delivery log field: "relay: TempFail for ..., stat=451 Temporary failure".
      if (prev == '=' && k >= 4 && s.regionMatches(true, k - 4, "stat", 0, 4)) return i;
    }
    return -1;
  }

  private static boolean isCodeAt(String s, int i) {
    char a = s.charAt(i);
    if (a < '2' || a > '5') return false;
    char b = s.charAt(i + 1);
    char c = s.charAt(i + 2);
    // RFC 5321 §4.2.1: the second digit names one of six categories, 0 to 5 (a port such as
    // ":587" is no reply code).
    if (b < '0' || b > '5' || c < '0' || c > '9') return false;
    if (i > 0) {
      char before = s.charAt(i - 1);
      if (Character.isLetterOrDigit(before) || before == '.' || before == '-' || before == '#')
        return false;
    }
    if (i + 3 == s.length()) return true;
    char after = s.charAt(i + 3);
    return after == ' ' || after == '-' || after == '\t' || after == '\r' || after == '\n';
  }

  private static boolean startsWithCode(String line, int code) {
    return line.length() >= 3
        && digit(line, 0) == code / 100
        && digit(line, 1) == code / 10 % 10
        && digit(line, 2) == code % 10
        && (line.length() == 3 || !Character.isDigit(line.charAt(3)));
  }

  private static int digit(String s, int i) {
    char c = s.charAt(i);
    return c >= '0' && c <= '9' ? c - '0' : -1;
  }

  private static int skipSpaces(String s, int p) {
    while (p < s.length() && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) p++;
    return p;
  }

  /**
   * The end of the run of digits and dots at p when nothing but white space or punctuation follows
   * it, else -1. The callers parse that run as the enhanced code; a run starting with '#' is never
   * one there (their parse of it fails), so none is reported for it.
   */
  private static int codeTokenEnd(String s, int p) {
    int e = p;
    while (e < s.length() && (Character.isDigit(s.charAt(e)) || s.charAt(e) == '.')) e++;
    if (e == p) return -1;
    if (e < s.length()) {
      char after = s.charAt(e);
      if (Character.isLetterOrDigit(after) && after != ' ') return -1;
    }
    return e;
  }

  /**
   * Looks for an enhanced code anywhere in the text, e.g. {@code (#5.1.1)} or {@code [5.2.2]}; with
   * a class given, only that class counts. Tokens that are parts of IP addresses or versions (more
   * than three parts, longer digits) are skipped by {@link EnhancedCode#tryParse}.
   */
  static EnhancedCode findEnhanced(String s, int klass, int from) {
    int n = s.length();
    for (int i = from; i + 5 <= n; i++) {
      char c = s.charAt(i);
      if ((c != '2' && c != '4' && c != '5') || s.charAt(i + 1) != '.') continue;
      if (i > 0) {
        char before = s.charAt(i - 1);
        if (Character.isLetterOrDigit(before) || before == '.' || before == '-') continue;
      }
      int e = i;
      while (e < n && (Character.isDigit(s.charAt(e)) || s.charAt(e) == '.')) e++;
      int end = e;
      if (end > i && s.charAt(end - 1) == '.') end--; // a sentence's full stop
      if (e < n && Character.isLetterOrDigit(s.charAt(e))) continue;
      EnhancedCode code = EnhancedCode.tryParse(s, i, end);
      if (code != null && (klass == 0 || code.klass() == klass)) return code;
      i = e;
    }
    return null;
  }

  /**
   * Postfix writes a multi-line reply on one log line, repeating {@code 550-5.7.26} before each
   * part. The repeats carry nothing, so they are taken out of the text.
   */
  static String removeFlattenedPrefixes(String text, int code, EnhancedCode enhanced) {
    if (!containsCode(text, code)) return text;
    String c = Integer.toString(code);
    StringBuilder out = new StringBuilder(text.length());
    String e = enhanced == null ? null : enhanced.toString();
    int n = text.length();
    int copied = 0; // text before this index is in out, or was dropped
    for (int i = text.indexOf(c); i >= 0; i = text.indexOf(c, i + 1)) {
      if ((i == 0 || text.charAt(i - 1) == ' ')
          && i + 3 < n
          && (text.charAt(i + 3) == '-' || (e != null && text.charAt(i + 3) == ' '))) {
        int p = i + 4;
        boolean dash = text.charAt(i + 3) == '-';
        if (e != null
            && text.startsWith(e, p)
            && (p + e.length() == n || text.charAt(p + e.length()) == ' ')) {
          p += e.length();
        } else if (!dash) {
          continue;
        }
        while (p < n && text.charAt(p) == ' ') p++;
        out.append(text, copied, i);
        if (!out.isEmpty() && out.charAt(out.length() - 1) != ' ') out.append(' ');
        copied = p;
        i = p - 1;
      }
    }
    out.append(text, copied, n);
    return out.toString().strip();
  }

  private static boolean containsCode(String text, int code) {
    char a = (char) ('0' + code / 100);
    char b = (char) ('0' + code / 10 % 10);
    char c = (char) ('0' + code % 10);
    for (int i = text.indexOf(a); i >= 0 && i + 2 < text.length(); i = text.indexOf(a, i + 1)) {
      if (text.charAt(i + 1) == b && text.charAt(i + 2) == c) return true;
    }
    return false;
  }

  private static void appendText(StringBuilder text, String line, int from) {
    if (from >= line.length()) return;
    if (!text.isEmpty()) text.append(' ');
    text.append(line, from, line.length());
    int end = text.length();
    while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) end--;
    text.setLength(end);
  }

  private static String joinLines(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (String line : lines(s)) appendText(out, line, skipSpaces(line, 0));
    return out.toString();
  }

  private static boolean singleLine(String s) {
    return s.indexOf('\n') < 0 && s.indexOf('\r') < 0;
  }

  /** Splits on CRLF, LF or CR; drops a trailing empty line. */
  static List<String> lines(String s) {
    List<String> out = new ArrayList<>(2);
    int start = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char ch = s.charAt(i);
      if (ch == '\n' || ch == '\r') {
        out.add(s.substring(start, i));
        if (ch == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') i++;
        start = i + 1;
      }
    }
    if (start < n) out.add(s.substring(start));
    if (out.isEmpty()) out.add("");
    return out;
  }
}
