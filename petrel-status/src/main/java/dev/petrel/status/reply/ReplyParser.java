package dev.petrel.status.reply;

import dev.petrel.status.EnhancedCode;
import dev.petrel.status.SmtpReply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
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
 * Stalwart's {@code ... with code 550 (5.1.1) '...'}, OpenSMTPD's {@code stat=451 ...}, a webmail
 * client's bracketed code {@code SMTP Error (451): ...}); the tuple Python's smtplib puts in its
 * exceptions ({@code (550, b'5.1.1 ...')}); libcurl's verbose session transcript, read at its last
 * failing server line; and bare text without any code. Postfix's note of the command a reply
 * answered ({@code (in reply to RCPT TO command)}) is not the server's words and is left out of the
 * text; {@link ReplyOrigin} reads the phase from it. Parsing never throws and is linear in the
 * input: the parser only scans.
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
    // A reply that begins with its code, as most do, wears none of the wrappers below.
    String s =
        input.length() >= 3 && isCodeAt(input, 0)
            ? input
            : stripTypePrefix(
                unwrapPythonTuple(clientTranscript(afterDotNetLeadIn(unquote(input)))));
    int at = findCode(s);
    if (at < 0) {
      // No basic code: the text may still carry an enhanced code ("#5.1.1", "(5.2.2)").
      String text = withoutCommandNote(joinLines(s));
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
      boolean continued = startsWithCode(line, code) && line.length() > 3 && line.charAt(3) == '-';
      String joined =
          removeFlattenedPrefixes(
              withoutCommandNote(line.substring(p, end)), code, enhanced, continued);
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
      if (enhanced == null && at > 0) enhanced = statusField(s, at, code);
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
    String joined =
        removeFlattenedPrefixes(withoutCommandNote(text.toString()), code, enhanced, false);
    if (enhanced == null) enhanced = findEnhanced(joined, code / 100, 0);
    if (enhanced == null && at > 0) enhanced = statusField(s, at, code);
    return new SmtpReply(
        code, enhanced, false, joined, rawLines.isEmpty() ? List.of("") : rawLines);
  }

  /**
   * The enhanced code of a DSN's {@code Status:} field pasted above the reply ("Action: failed /
   * Status: 5.1.1 / Diagnostic-Code: smtp; 550 Mailbox unavailable"), of the reply's class, or
   * null. RFC 3464 §2.3.4 makes Status the report's own reading of the failure, so a reply whose
   * text has no enhanced code takes it.
   */
  private static EnhancedCode statusField(String s, int at, int code) {
    int i = s.lastIndexOf("Status:", at);
    if (i < 0) i = s.lastIndexOf("status:", at);
    if (i < 0 || (i > 0 && Character.isLetterOrDigit(s.charAt(i - 1)))) return null;
    int p = skipSpaces(s, i + 7);
    int e = codeTokenEnd(s, p);
    if (e < 0 || e > at) return null;
    EnhancedCode found = EnhancedCode.tryParse(s, p, e);
    return found != null && found.klass() == code / 100 ? found : null;
  }

  /**
   * .NET's descriptions of the basic codes that name one code only, from System.Net.Mail's strings
   * (https://github.com/dotnet/runtime/blob/main/src/libraries/System.Net.Mail/src/Resources/Strings.resx).
   * "Mailbox unavailable." stands for 450 and 550 alike, and "Syntax error, command unrecognized."
   * for 500 and for any code .NET has no text of its own for, so those two give no code.
   */
  private static final String[][] DOTNET_CODES = {
    {"Service not available, closing transmission channel.", "421"},
    {"Error in processing.", "451"},
    {"Insufficient system storage.", "452"},
    {"Syntax error in parameters or arguments.", "501"},
    {"Command not implemented.", "502"},
    {"Bad sequence of commands.", "503"},
    {"Command parameter not implemented.", "504"},
    {"The SMTP server requires a secure connection or the client was not authenticated.", "530"},
    {"User not local; please try a different path.", "551"},
    {"Exceeded storage allocation.", "552"},
    {"Mailbox name not allowed.", "553"},
    {"Transaction failed.", "554"},
  };

  /**
   * The server's words in .NET's SmtpException message, which puts its own description of the basic
   * code first and leaves the code itself out: "Mailbox unavailable. The server response was: 5.7.1
   * Unable to relay". The description is the library's paraphrase of a code, not a cause, so only
   * what follows the lead-in is read, behind the code the description stands for when it names one
   * ({@link #DOTNET_CODES}).
   */
  static String afterDotNetLeadIn(String s) {
    int at = dotNetLeadIn(s);
    if (at < 0) return s;
    int after = s.indexOf(':', at) + 1;
    while (after < s.length() && Character.isWhitespace(s.charAt(after))) after++;
    String rest = s.substring(after);
    int end = at;
    while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) end--;
    for (String[] d : DOTNET_CODES) {
      if (end >= d[0].length() && s.startsWith(d[0], end - d[0].length())) {
        return d[1] + " " + rest;
      }
    }
    return rest;
  }

  /**
   * Where .NET's lead-in "The server response was:" starts, or -1. Any white space may stand
   * between its words: a console that wraps long lines (PowerShell prints the exception inside its
   * own "Exception calling "Send" ..." message) may break it.
   */
  private static int dotNetLeadIn(String s) {
    for (int i = s.indexOf("The server"); i >= 0; i = s.indexOf("The server", i + 10)) {
      int p = i + 10;
      if (p >= s.length() || !Character.isWhitespace(s.charAt(p))) continue;
      while (p < s.length() && Character.isWhitespace(s.charAt(p))) p++;
      if (s.startsWith("response", p)) {
        p += 8;
        if (p >= s.length() || !Character.isWhitespace(s.charAt(p))) continue;
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) p++;
        if (s.startsWith("was:", p)) return i;
      }
    }
    return -1;
  }

  /**
   * The failing reply inside a client's session transcript as libcurl's verbose output prints it:
   * {@code > } before each command the client sent, {@code < } before each line the server
   * answered, {@code * } before curl's own notes ({@code * Command failed: 502}). The reply that
   * ended the session is the server's last 4xx or 5xx reply (a later {@code 221} only answers
   * QUIT); it is returned with its continuation lines and without the marks. Input that holds no
   * server line beside a client line or a note of curl's is returned as it is. It is read after a
   * mail quotation's marks are taken off, which also takes the client lines' marks: curl's notes
   * still show the transcript.
   */
  static String clientTranscript(String s) {
    if (!s.startsWith("< ") && s.indexOf("\n< ") < 0) return s;
    if (!s.startsWith("> ")
        && s.indexOf("\n> ") < 0
        && !s.startsWith("* ")
        && s.indexOf("\n* ") < 0) return s;
    List<String> ls = lines(s);
    boolean client = false;
    int from = -1;
    int to = -1;
    int i = 0;
    while (i < ls.size()) {
      String l = ls.get(i);
      if (l.startsWith("> ") || l.startsWith("* ")) client = true;
      if (!l.startsWith("< ") || l.length() < 5 || !isCodeAt(l, 2)) {
        i++;
        continue;
      }
      int code = digit(l, 2) * 100 + digit(l, 3) * 10 + digit(l, 4);
      int j = i + 1;
      while (l.length() > 5
          && l.charAt(5) == '-'
          && j < ls.size()
          && ls.get(j).startsWith("< ")
          && startsWithCode(ls.get(j).substring(2), code)) {
        l = ls.get(j);
        j++;
      }
      if (code >= 400) {
        from = i;
        to = j;
      }
      i = j;
    }
    if (!client || from < 0) return s;
    StringBuilder out = new StringBuilder();
    for (int k = from; k < to; k++) {
      if (k > from) out.append('\n');
      out.append(ls.get(k), 2, ls.get(k).length());
    }
    return out.toString();
  }

  /**
   * A reply quoted as mail and mailing-list archives quote it, every line behind {@code >} (or
   * {@code > >} when quoted twice), without the quote marks. sendmail's session transcript, whose
   * lines start with {@code >>>} for what the client sent, is left as it is.
   */
  static String unquote(String s) {
    int i = skipSpaces(s, 0);
    if (i >= s.length() || s.charAt(i) != '>' || s.startsWith(">>>", i)) return s;
    StringBuilder out = new StringBuilder(s.length());
    for (String line : lines(s)) {
      int p = skipSpaces(line, 0);
      while (p < line.length() && line.charAt(p) == '>') p = skipSpaces(line, p + 1);
      if (!out.isEmpty()) out.append('\n');
      out.append(line, p, line.length());
    }
    return out.toString();
  }

  private static final String COMMAND_NOTE = "(in reply to ";

  /**
   * The text without the note Postfix's SMTP client puts after a reply in its logs and bounce
   * texts, {@code (in reply to RCPT TO command)} (smtp_proto.c): it names the command the reply
   * answered, which {@link ReplyOrigin} reads as the phase, and is not the server's words. Rules
   * that veto words such as "rcpt" or "mail from" must not see it.
   */
  static String withoutCommandNote(String text) {
    // The note ends the text, behind nothing but closing brackets: most replies end otherwise, and
    // are let through without a search.
    int last = text.length() - 1;
    while (last >= 0 && Character.isWhitespace(text.charAt(last))) last--;
    if (last < 0 || text.charAt(last) != ')') return text;
    int open = text.lastIndexOf(COMMAND_NOTE);
    if (open < 0) return text;
    int close = text.indexOf(')', open);
    if (close < 0 || close - open > 48 || !text.regionMatches(true, close - 8, " command", 0, 8))
      return text;
    // Only the log line's own closing brackets may follow ("status=bounced (host ... said: ...
    // (in reply to RCPT TO command))").
    for (int k = close + 1; k < text.length(); k++) {
      char c = text.charAt(k);
      if (c != ')' && !Character.isWhitespace(c)) return text;
    }
    return text.substring(0, open).strip();
  }

  /**
   * The reply inside the tuple that Python's smtplib puts in its exceptions, as people paste them:
   * {@code smtplib.SMTPRecipientsRefused: {'a@b': (550, b'5.1.1 ... unknown')}}, {@code
   * SMTPSenderRefused(553, b'5.7.1 ...', 'a@b')}, {@code SMTPAuthenticationError: (535, b'5.7.8
   * Username and Password not accepted. Learn more at\n5.7.8 https://...')}. smtplib keeps the code
   * as a number and the text of every line, without its code, as bytes joined by line breaks
   * (https://docs.python.org/3/library/smtplib.html, SMTP.getreply), which the tuple prints with
   * Python's escapes. The result is the wire form, code and lines ({@code 550 5.1.1 ...}); input
   * without such a tuple is returned as it is. The first tuple counts when several recipients were
   * refused.
   */
  static String unwrapPythonTuple(String s) {
    for (int i = s.indexOf('('); i >= 0 && i + 8 < s.length(); i = s.indexOf('(', i + 1)) {
      if (!isCodeDigits(s, i + 1) || s.charAt(i + 4) != ',') continue;
      int q = skipSpaces(s, i + 5);
      boolean bytes = q < s.length() && s.charAt(q) == 'b';
      if (bytes) q++;
      if (q >= s.length() || (s.charAt(q) != '\'' && s.charAt(q) != '"')) continue;
      return s.substring(i + 1, i + 4) + " " + pythonLiteral(s, q + 1, s.charAt(q), bytes);
    }
    return s;
  }

  private static boolean isCodeDigits(String s, int i) {
    return i + 3 <= s.length()
        && s.charAt(i) >= '2'
        && s.charAt(i) <= '5'
        && Character.isDigit(s.charAt(i + 1))
        && Character.isDigit(s.charAt(i + 2));
  }

  /**
   * The text of a Python string or bytes literal from {@code from} up to its closing {@code quote}
   * (or the end of the input, when a paste cut it off), with the escapes {@code \n \t \\ \' \"
   * \xHH} (and a backslash, u and four hex digits in a string) turned back into what they stand
   * for; the bytes of a bytes literal are read as UTF-8, as mail servers that send 8-bit text
   * mostly mean them.
   */
  private static String pythonLiteral(String s, int from, char quote, boolean bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() - from);
    StringBuilder chars = new StringBuilder();
    int i = from;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == quote) break;
      int advance = 1;
      int value = c;
      boolean escapedByte = false;
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(i + 1);
        int extra = 0;
        switch (n) {
          case 'n' -> value = '\n';
          case 'r' -> value = '\r';
          case 't' -> value = '\t';
          case '\\', '\'', '"' -> value = n;
          case 'x', 'u' -> {
            int len = n == 'x' ? 2 : 4;
            int v = n == 'u' && bytes ? -1 : hex(s, i + 2, len);
            if (v >= 0) {
              value = v;
              extra = len;
              escapedByte = n == 'x';
            } else extra = -1;
          }
          default -> extra = -1;
        }
        // a backslash that escapes nothing stays as it is
        advance = extra < 0 ? 1 : 2 + extra;
        if (extra < 0) value = '\\';
      }
      if (!bytes) chars.append((char) value);
      else if (escapedByte || value < 0x80) out.write(value);
      else out.writeBytes(String.valueOf((char) value).getBytes(StandardCharsets.UTF_8));
      i += advance;
    }
    return bytes ? out.toString(StandardCharsets.UTF_8) : chars.toString();
  }

  private static int hex(String s, int from, int len) {
    if (from + len > s.length()) return -1;
    int v = 0;
    for (int k = from; k < from + len; k++) {
      int d = Character.digit(s.charAt(k), 16);
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  }

  private static int startOfText(String line, int code) {
    int p = 0;
    if (startsWithCode(line, code)) {
      p = 3;
      if (p < line.length() && (line.charAt(p) == '-' || line.charAt(p) == ' ')) p++;
      // "451): text" after a bracketed code: the bracket and the colon are no words of the reply.
      else if (p + 1 < line.length()
          && (line.charAt(p) == ')' || line.charAt(p) == ']')
          && line.charAt(p + 1) == ':') p += 2;
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
      char first = s.charAt(i);
      if (first < '2' || first > '5') continue;
      // Webmail clients label the server's code in brackets before a colon: Roundcube's "SMTP Error
      // (451): Failed to add recipient ... (Temporary local problem - please try later)."
      if (isBracketedCodeAt(s, i)) return i;
      if (!isCodeAt(s, i)) continue;
      if (i == 0) return i;
      int k = i - 1;
      while (k >= 0 && (s.charAt(k) == ' ' || s.charAt(k) == '\t')) k--;
      if (k < 0) return i;
      char prev = s.charAt(k);
      if (prev == ':' || prev == '\'' || prev == '"' || prev == '(' || prev == '[' || prev == '<')
        return i;
      // Markdown's inline code quote, and a list item's bullet at the start of a line: "`550 ...`",
      // "- 550 ...", "* 550 ...", as replies are pasted into issues and forums.
      if (prev == '`') return i;
      if ((prev == '-' || prev == '*') && startsLine(s, k)) return i;
      // A DSN field's type after the field name: "Diagnostic-Code: smtp; 550 ...".
      if (prev == ';' && endsWithTypeName(s, k)) return i;
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

  /**
   * A code in round or square brackets followed by a colon, {@code (451):} or {@code [451]:}, as
   * webmail clients write the code of the reply they quote.
   */
  private static boolean isBracketedCodeAt(String s, int i) {
    if (i == 0 || i + 4 >= s.length()) return false;
    char open = s.charAt(i - 1);
    char close = s.charAt(i + 3);
    if (!((open == '(' && close == ')') || (open == '[' && close == ']'))) return false;
    if (s.charAt(i + 4) != ':') return false;
    char a = s.charAt(i);
    char b = s.charAt(i + 1);
    char c = s.charAt(i + 2);
    return a >= '2' && a <= '5' && b >= '0' && b <= '5' && c >= '0' && c <= '9';
  }

  /** Whether only spaces stand between the start of its line and index {@code k}. */
  private static boolean startsLine(String s, int k) {
    int j = k - 1;
    while (j >= 0 && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) j--;
    return j < 0 || s.charAt(j) == '\n' || s.charAt(j) == '\r';
  }

  /**
   * Whether the semicolon at {@code semi} ends a DSN type name ({@code smtp}, {@code X-Postfix})
   * that starts the text or follows white space or a colon.
   */
  private static boolean endsWithTypeName(String s, int semi) {
    int j = semi;
    while (j > 0 && semi - j < 24) {
      char c = s.charAt(j - 1);
      if (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.') j--;
      else break;
    }
    if (j == semi || !Character.isLetter(s.charAt(j))) return false;
    if (j == 0) return true;
    char before = s.charAt(j - 1);
    return before == ':' || Character.isWhitespace(before);
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
   * part. The repeats carry nothing, so they are taken out of the text; so is the last line's
   * {@code 550 } after such a repeat, even without an enhanced code ("550-The domain ... does not
   * 550 exist."), where it would split the server's words. {@code continued} says the line began
   * with such a repeat, already taken off.
   */
  static String removeFlattenedPrefixes(
      String text, int code, EnhancedCode enhanced, boolean continued) {
    if (!containsCode(text, code)) return text;
    String c = Integer.toString(code);
    StringBuilder out = new StringBuilder(text.length());
    String e = enhanced == null ? null : enhanced.toString();
    int n = text.length();
    int copied = 0; // text before this index is in out, or was dropped
    // a "550-" continuation was seen (or began the line): the last line's "550 " follows
    boolean flattened = continued;
    for (int i = text.indexOf(c); i >= 0; i = text.indexOf(c, i + 1)) {
      if ((i == 0 || text.charAt(i - 1) == ' ')
          && i + 3 < n
          && (text.charAt(i + 3) == '-'
              || ((e != null || flattened) && text.charAt(i + 3) == ' '))) {
        int p = i + 4;
        boolean dash = text.charAt(i + 3) == '-';
        if (e != null
            && text.startsWith(e, p)
            && (p + e.length() == n || text.charAt(p + e.length()) == ' ')) {
          p += e.length();
        } else if (!dash && !flattened) {
          continue;
        }
        flattened |= dash;
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
