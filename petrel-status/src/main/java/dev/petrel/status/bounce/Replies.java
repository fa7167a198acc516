package dev.petrel.status.bounce;

import dev.petrel.status.EnhancedCode;
import dev.petrel.status.Phase;
import dev.petrel.status.rules.LiteralPhrases;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Small scanners over a failure description: where the remote server's reply starts, which SMTP
 * phase it answered, which host gave it. All linear in the length of the text.
 */
final class Replies {

  private Replies() {}

  /** Whether the text holds a failure reply code (4xx, 5xx, 4.x.x or 5.x.x). */
  /**
   * A multi-line SMTP reply that the notice flattened into one paragraph, split into its lines
   * again. RFC 5321 §4.2.1 writes every line of a multi-line reply behind the code, with "-" after
   * it on all lines but the last ("550-The mail server ... 550-or domain may not exist ... 550
   * entries."); Postfix joins the lines with spaces when it quotes the reply in its notice, so the
   * codes of the inner lines stand in the middle of the words. A reply that starts with a code and
   * "-" is read as lines again at each later occurrence of that same code followed by "-" or a
   * space, so that the text read is the reply's words alone; anything else is returned as it is.
   */
  static String unflatten(String reply) {
    if (reply == null || reply.length() < 8) return reply;
    int i = 0;
    while (i < reply.length() && Character.isWhitespace(reply.charAt(i))) i++;
    if (i + 4 > reply.length()) return reply;
    String code = reply.substring(i, i + 3);
    if (!(Character.isDigit(code.charAt(0))
        && Character.isDigit(code.charAt(1))
        && Character.isDigit(code.charAt(2))
        && reply.charAt(i + 3) == '-')) return reply;
    StringBuilder out = new StringBuilder(reply.length() + 8);
    out.append(reply, 0, i + 4);
    int pos = i + 4;
    while (true) {
      int next = reply.indexOf(code, pos);
      if (next < 0) break;
      int after = next + 3;
      boolean lineStart =
          Character.isWhitespace(reply.charAt(next - 1))
              && after < reply.length() - 1
              && (reply.charAt(after) == '-' || reply.charAt(after) == ' ')
              && !Character.isWhitespace(reply.charAt(after + 1));
      if (!lineStart) {
        out.append(reply, pos, after);
        pos = after;
        continue;
      }
      int end = next;
      while (end > pos && Character.isWhitespace(reply.charAt(end - 1))) end--;
      out.append(reply, pos, end).append('\n');
      out.append(reply, next, after + 1);
      pos = after + 1;
      if (reply.charAt(after) == ' ') break;
    }
    out.append(reply, pos, reply.length());
    return out.toString();
  }

  /**
   * The remote server's reply when a gateway quotes it inside a verdict of its own: the gateway's
   * enhanced code and title first, then the reply's basic code and the reply in single quotes
   * ("{@code 5.1.0 - Unknown address error 550-'5.4.1 Recipient address rejected: ...'}"). The
   * gateway's code is its own summary of the reply (here: some address problem); the quoted reply
   * carries the receiving server's codes and words, which say more. Returns the quoted reply behind
   * its basic code ("{@code 550 5.4.1 Recipient address rejected: ...}"), or null when the text
   * does not have that shape. Linear in the length of the text.
   */
  static String framedReply(String text) {
    if (text == null) return null;
    int n = text.length();
    int i = 0;
    while (i < n && Character.isWhitespace(text.charAt(i))) i++;
    char c = i < n ? text.charAt(i) : ' ';
    if ((c != '4' && c != '5') || i + 1 >= n || text.charAt(i + 1) != '.') return null;
    int end = enhancedEnd(text, i);
    if (end < 0 || !text.startsWith(" - ", end)) return null;
    // the gateway's title: words only, up to the basic code of the quoted reply
    int k = end + 3;
    int limit = Math.min(n, k + 120);
    while (k < limit) {
      char ch = text.charAt(k);
      if (isDigit(ch)) break;
      if (!(Character.isLetter(ch) || ch == ' ' || ch == ',' || ch == '(' || ch == ')'))
        return null;
      k++;
    }
    if (k + 5 > n || text.charAt(k - 1) != ' ') return null;
    char b = text.charAt(k);
    if ((b != '4' && b != '5') || !isDigit(text.charAt(k + 1)) || !isDigit(text.charAt(k + 2)))
      return null;
    char sep = text.charAt(k + 3);
    if ((sep != '-' && sep != ' ') || text.charAt(k + 4) != '\'') return null;
    int close = text.lastIndexOf('\'');
    if (close <= k + 5) return null;
    // after the quote only the gateway's own remark in parentheses may follow
    String rest = text.substring(close + 1).strip();
    if (!rest.isEmpty() && !(rest.startsWith("(") && rest.endsWith(")"))) return null;
    String inner = text.substring(k + 5, close).strip();
    if (inner.isEmpty()) return null;
    return text.substring(k, k + 3) + " " + inner;
  }

  static boolean hasCode(String text) {
    int at = replyStart(text);
    return at >= 0 && text.charAt(at) != '2';
  }

  /**
   * The index where an SMTP reply starts in the text: a basic code (2xx, 4xx, 5xx followed by a
   * space, a dash or the end) or an enhanced code standing on its own; -1 when there is none. A
   * failure code (4 or 5) wins over a success code, which in a bounce is a line of the session
   * transcript before the error ("250 2.1.5 Ok ... 451 4.3.0 Error"); codes at the start of a line
   * or after a colon win over codes inside running text.
   */
  static int replyStart(String t) {
    int weak = -1;
    int strongSuccess = -1;
    int weakSuccess = -1;
    int n = t.length();
    for (int i = 0; i < n; i++) {
      char c = t.charAt(i);
      if (c != '2' && c != '4' && c != '5') continue;
      if (i > 0) {
        char p = t.charAt(i - 1);
        if (Character.isLetterOrDigit(p)
            || p == '.'
            || p == '-'
            || p == '/'
            || p == '_'
            || p == '+') continue;
      }
      int len = codeLength(t, i);
      if (len == 0) continue;
      boolean strong = strongPosition(t, i);
      if (c == '2') {
        if (strong && strongSuccess < 0) strongSuccess = i;
        if (!strong && weakSuccess < 0) weakSuccess = i;
        continue;
      }
      if (strong) return i;
      if (weak < 0) weak = i;
    }
    if (weak >= 0) return weak;
    return strongSuccess >= 0 ? strongSuccess : weakSuccess;
  }

  /** Length of a basic or enhanced code at i, or 0. */
  private static int codeLength(String t, int i) {
    int n = t.length();
    if (i + 2 < n && isDigit(t.charAt(i + 1)) && isDigit(t.charAt(i + 2))) {
      int e = i + 3;
      if (e == n) return 3;
      char after = t.charAt(e);
      if (after == ' ' || after == '-' || after == '\n' || after == '\t') return 3;
      if (after == '.' || after == ',' || after == ')') {
        // "550." or "550)" at the end of a phrase still counts when not followed by a digit
        if (e + 1 >= n || !isDigit(t.charAt(e + 1))) return after == '.' ? 0 : 3;
      }
      return 0;
    }
    int e = i + 1;
    if (e < n && t.charAt(e) == '.') {
      int end = enhancedEnd(t, i);
      if (end > 0 && EnhancedCode.tryParse(t, i, end) != null) return end - i;
    }
    return 0;
  }

  private static int enhancedEnd(String t, int i) {
    int n = t.length();
    int e = i + 2;
    int d = 0;
    while (e < n && isDigit(t.charAt(e)) && d < 4) {
      e++;
      d++;
    }
    if (d == 0 || d > 3 || e >= n || t.charAt(e) != '.') return -1;
    e++;
    d = 0;
    while (e < n && isDigit(t.charAt(e)) && d < 4) {
      e++;
      d++;
    }
    if (d == 0 || d > 3) return -1;
    if (e < n && (isDigit(t.charAt(e)) || Character.isLetter(t.charAt(e)))) return -1;
    if (e + 1 < n && t.charAt(e) == '.' && isDigit(t.charAt(e + 1))) return -1;
    return e;
  }

  private static boolean strongPosition(String t, int i) {
    int k = i - 1;
    while (k >= 0
        && (t.charAt(k) == ' '
            || t.charAt(k) == '\t'
            || t.charAt(k) == '<'
            || t.charAt(k) == '>'
            || t.charAt(k) == '#'
            || t.charAt(k) == '(')) k--;
    if (k < 0) return true;
    char p = t.charAt(k);
    if (p == '\n' || p == ':' || p == ']' || p == ';' || p == '"') return true;
    if (k >= 3 && t.regionMatches(true, k - 3, "said", 0, 4)) return true;
    return false;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * The SMTP phase the text says the reply answered, or UNKNOWN. Reads the phrases MTAs use:
   * Postfix "(in reply to RCPT TO command)", Exim "after RCPT TO:", sendmail's transcript
   * "&gt;&gt;&gt; DATA", qmail and DMA "did not like our RCPT TO", and the command names some
   * filters print.
   *
   * <p>Reads the texts that are not null as if joined by line breaks, without joining them: no
   * phrase holds a line break, so each text is read on its own. The phrases of the second text may
   * be given already found ({@link #cues}), or null.
   */
  static Phase phase(String first, String second, long[] secondCues, String third) {
    String[] texts = {first, second, third};
    long[] found = null;
    boolean transcript = false;
    for (int k = 0; k < texts.length; k++) {
      String t = texts[k];
      // the same text twice (a DSN diagnostic is also the reply) adds nothing
      if (t == null || (k == 2 && (t == first || t == second))) continue;
      long[] f = k == 1 && secondCues != null ? secondCues : CUES.find(t);
      if (found == null) found = f.clone();
      else LiteralPhrases.addAll(found, f);
      transcript |= LiteralPhrases.has(f, TRANSCRIPT);
    }
    if (found == null) return Phase.UNKNOWN;
    if (transcript) {
      // sendmail's session transcript: the last command sent before the error
      for (int k = texts.length - 1; k >= 0; k--) {
        String t = texts[k];
        int at = t == null ? -1 : t.lastIndexOf(">>> ");
        if (at < 0) continue;
        String cmd = t.substring(at + 4, Math.min(t.length(), at + 14)).toLowerCase(Locale.ROOT);
        if (cmd.startsWith("data") || cmd.startsWith("bdat")) return Phase.DATA;
        if (cmd.startsWith("rcpt")) return Phase.RCPT;
        if (cmd.startsWith("mail")) return Phase.MAIL;
        break;
      }
    }
    for (int g = 0; g < PHASE_CUES.length; g++) {
      if (!anyOf(found, g)) continue;
      if (g == END_OF_DATA_GROUP) {
        // the group also holds the DATA command's own phrases
        for (String d : DATA_IN_END_GROUP) {
          if (LiteralPhrases.has(found, CUE_IDS.get(d))) return Phase.DATA;
        }
      }
      return PHASE_OF[g];
    }
    return Phase.UNKNOWN;
  }

  /** The phase phrases found in a text, for {@link #phase(String, String, long[], String)}. */
  static long[] cues(String text) {
    return CUES.find(text);
  }

  /**
   * {@link #cues} of a text whose cues are {@code known} and {@code more}, joined by a line break.
   */
  static long[] cues(String more, long[] known) {
    return LiteralPhrases.addAll(CUES.find(more), known);
  }

  /**
   * The phrases that name a phase, in groups tried in order; the first group with a phrase in the
   * text decides. The first six are qmail-remote's own words for where the remote server refused
   * (qmail-remote.c).
   */
  private static final String[][] PHASE_CUES = {
    {"does not like recipient"},
    {"but sender was rejected"},
    {"but my name was rejected"},
    {"but greeting failed"},
    {"failed on data command"},
    {"failed after i sent the message"},
    {"smtp command data", "smtp:data", "command: data", "[data]"},
    {"smtp:rcpt", "[rcpt_to]", "command: rcpt", "rcpt to response"},
    {
      "after end of data",
      "in reply to end of data",
      "our final data",
      "end of data command",
      "after data",
      "in reply to data",
      "(data)",
      "our data command",
      "after dot",
      "after the end of data"
    },
    {"after rcpt", "in reply to rcpt", "our rcpt", "rcpt to", "rcpt_to", "(rcpt)"},
    {"after mail from", "in reply to mail from", "our mail from", "(mail)"},
    {"after ehlo", "after helo", "in reply to ehlo", "in reply to helo", "our ehlo", "our helo"},
    {"after initial connection", "after connect", "greeting", "while connected"},
  };

  private static final Phase[] PHASE_OF = {
    Phase.RCPT,
    Phase.MAIL,
    Phase.EHLO,
    Phase.CONNECT,
    Phase.DATA,
    Phase.END_OF_DATA,
    Phase.DATA,
    Phase.RCPT,
    Phase.END_OF_DATA,
    Phase.RCPT,
    Phase.MAIL,
    Phase.EHLO,
    Phase.CONNECT,
  };

  /** The group of end-of-data phrases, which says DATA when one of these is among them. */
  private static final int END_OF_DATA_GROUP = 8;

  private static final String[] DATA_IN_END_GROUP = {"after data", "in reply to data", "(data)"};

  private static final Map<String, Integer> CUE_IDS = new LinkedHashMap<>();
  private static final int[][] GROUP_IDS = new int[PHASE_CUES.length][];

  static {
    for (int g = 0; g < PHASE_CUES.length; g++) {
      GROUP_IDS[g] = new int[PHASE_CUES[g].length];
      for (int k = 0; k < PHASE_CUES[g].length; k++) {
        String cue = PHASE_CUES[g][k];
        Integer id = CUE_IDS.get(cue);
        if (id == null) CUE_IDS.put(cue, id = CUE_IDS.size());
        GROUP_IDS[g][k] = id;
      }
    }
  }

  /** The mark of a command in sendmail's session transcript, found with the phrases. */
  private static final int TRANSCRIPT;

  /**
   * All phase phrases in one matcher: the text is read once, not once per phrase, and in its own
   * case.
   */
  private static final LiteralPhrases CUES;

  static {
    List<String> cues = new ArrayList<>(CUE_IDS.keySet());
    TRANSCRIPT = cues.size();
    cues.add(">>> ");
    CUES = new LiteralPhrases(cues, true);
  }

  private static boolean anyOf(long[] found, int group) {
    for (int id : GROUP_IDS[group]) {
      if (LiteralPhrases.has(found, id)) return true;
    }
    return false;
  }

  /** The host named as the one that replied ("host mx.example[192.0.2.1] said"), or null. */
  /**
   * {@link #remoteHost(String)} of the two texts joined by a line break ({@code first} may be
   * null), without joining them: a host name ends at a line break, so the first text's wins.
   */
  static String remoteHost(String first, String second) {
    String h = first == null ? null : remoteHost(first);
    return h != null ? h : remoteHost(second);
  }

  static String remoteHost(String text) {
    if (!mentionsHost(text)) return null;
    String l = text.toLowerCase(Locale.ROOT);
    int i = l.indexOf("host ");
    while (i >= 0) {
      int s = i + 5;
      int e = s;
      while (e < l.length()
          && (Character.isLetterOrDigit(l.charAt(e))
              || l.charAt(e) == '.'
              || l.charAt(e) == '-'
              || l.charAt(e) == '_')) e++;
      String h = l.substring(s, e);
      if (h.indexOf('.') > 0 && !h.endsWith(".") && Character.isLetter(h.charAt(h.length() - 1)))
        return h;
      i = l.indexOf("host ", i + 5);
    }
    return null;
  }

  /**
   * False only when "host " cannot occur in the lower-cased text: no space follows four characters
   * that equal "host" ignoring case (a test that accepts every character lower-casing to those
   * letters). Spaces are found with the JDK's vectorised search.
   */
  private static boolean mentionsHost(String t) {
    for (int j = t.indexOf(' ', 4); j >= 0; j = t.indexOf(' ', j + 1)) {
      if ((char) (t.charAt(j - 1) | 0x20) == 't' && t.regionMatches(true, j - 4, "host", 0, 4))
        return true;
    }
    return false;
  }
}
