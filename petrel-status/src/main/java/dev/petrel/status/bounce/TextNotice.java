package dev.petrel.status.bounce;

import dev.petrel.status.Phase;
import dev.petrel.status.rules.LiteralPhrases;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Reads a bounce notice written for people (no DSN part): finds the failed recipients and, for
 * each, the lines that describe its failure.
 *
 * <p>MTAs lay these notices out in a few recurring ways: the address alone on a line (or behind a
 * bullet, quote or label such as "Recipient address:") followed by the error (Exim, qmail, Postfix,
 * Gmail, Domino, Exchange 2003...); the address inside a transcript ({@code RCPT TO:<a>} then the
 * reply); or the error first and the addresses after ("The following recipients were affected").
 * This class finds the recipients by those layouts and takes as each one's description the lines
 * from its address to the next recipient's, falling back to the text before the first recipient
 * when that is where the error stands.
 */
final class TextNotice {

  private static final int MAX_LINES = 4000;
  private static final int MAX_LINE = 2000;
  private static final int MAX_BLOCK_LINES = 40;

  /**
   * One recipient found in the notice with the text that describes its failure, and the phase
   * phrases in that text ({@link Replies#cues}), or null when they are not known.
   */
  record Hit(String address, String block, long[] cues) {}

  private final List<String> lines;

  /** Index of the first line of the returned original message in the text, or -1. */
  final int originalStart;

  TextNotice(String text) {
    List<String> ls = new ArrayList<>();
    int[] at = new int[64];
    int start = 0;
    int n = text.length();
    while (start <= n && ls.size() < MAX_LINES) {
      int nl = text.indexOf('\n', start);
      if (nl < 0) nl = n;
      int end = Math.min(nl, start + MAX_LINE);
      while (end > start && Character.isWhitespace(text.charAt(end - 1))) end--;
      if (ls.size() == at.length) at = Arrays.copyOf(at, at.length * 2);
      at[ls.size()] = start;
      ls.add(text.substring(start, end));
      start = nl + 1;
    }
    this.text = text;
    this.lineStart = at;
    unquote(ls);
    this.originalStart = findOriginalStart(ls);
    this.lines = originalStart >= 0 ? ls.subList(0, originalStart) : ls;
    this.allLines = ls;
  }

  private final List<String> allLines;

  /** The text the lines were read from, and where in it each line starts. */
  private final String text;

  private final int[] lineStart;

  private String noticeText;
  private Phase noticePhase;

  /** The notice text before the returned original (all of it when none was found). */
  String noticeText() {
    String t = noticeText;
    if (t == null) noticeText = t = joinAll(0, lines.size());
    return t;
  }

  private long[] noticeCues;
  private String lowerNoticeText;

  /** The {@link #noticeText()} in lower case, made once. */
  String lowerNoticeText() {
    String l = lowerNoticeText;
    if (l == null) lowerNoticeText = l = noticeText().toLowerCase(Locale.ROOT);
    return l;
  }

  private String flatNoticeText;

  /**
   * The {@link #lowerNoticeText()} with each run of white space made one space: the words of a
   * sentence that the MTA wrapped onto two lines ("could not\nbe delivered"), made once.
   */
  String lowerFlatNoticeText() {
    String f = flatNoticeText;
    if (f == null) flatNoticeText = f = WHITE.matcher(lowerNoticeText()).replaceAll(" ");
    return f;
  }

  private static final Pattern WHITE = Pattern.compile("\\s+");

  /**
   * The first {@code length} characters of the {@link #noticeText()} in lower case (of the whole
   * text lower-cased when that was made already).
   */
  String lowerNoticeStart(int length) {
    String l = lowerNoticeText;
    if (l == null) {
      String t = noticeText();
      return (t.length() > length ? t.substring(0, length) : t).toLowerCase(Locale.ROOT);
    }
    return l.length() > length ? l.substring(0, length) : l;
  }

  /** {@link Replies#cues} of the {@link #noticeText()}, read once. */
  long[] noticeCues() {
    long[] c = noticeCues;
    if (c == null) noticeCues = c = cuesOf(0, lines.size());
    return c;
  }

  /** The phase phrases of each line, found once: a block's are those of its lines. */
  private long[][] lineCues;

  /**
   * {@link Replies#cues} of lines {@code from} to {@code to} (exclusive) joined by line breaks: the
   * union of their lines' (no phrase holds a line break).
   */
  private long[] cuesOf(int from, int to) {
    if (lineCues == null) lineCues = new long[lines.size()][];
    long[] all = null;
    for (int i = Math.max(0, from); i < Math.min(to, lines.size()); i++) {
      long[] c = lineCues[i];
      if (c == null) lineCues[i] = c = Replies.cues(lines.get(i));
      all = all == null ? c.clone() : LiteralPhrases.addAll(all, c);
    }
    return all == null ? Replies.cues("") : all;
  }

  /** {@link Replies#phase} of the {@link #noticeText()}, read once. */
  Phase noticePhase() {
    Phase p = noticePhase;
    if (p == null) noticePhase = p = Replies.phase(null, noticeText(), noticeCues(), null);
    return p;
  }

  /** The lines after the start of the returned original, or an empty string. */
  String originalText() {
    if (originalStart < 0) return "";
    int s = originalStart;
    // skip the separator line itself when it is not a header line
    if (s < allLines.size() && !looksLikeHeaderLine(allLines.get(s))) s++;
    while (s < allLines.size() && allLines.get(s).isBlank()) s++;
    return joinAll(Math.min(s, allLines.size()), allLines.size());
  }

  /** Removes one level of "> " quoting when most lines are quoted (a bounce forwarded inline). */
  private static void unquote(List<String> ls) {
    int nonEmpty = 0;
    int quoted = 0;
    for (String l : ls) {
      if (l.isBlank()) continue;
      nonEmpty++;
      if (l.startsWith(">")) quoted++;
    }
    if (nonEmpty < 4 || quoted * 2 < nonEmpty) return;
    for (int i = 0; i < ls.size(); i++) {
      String l = ls.get(i);
      if (l.startsWith("> ")) ls.set(i, l.substring(2));
      else if (l.equals(">")) ls.set(i, "");
    }
  }

  /** Finds the line where the returned original message begins. */
  static int findOriginalStart(List<String> ls) {
    for (int i = 0; i < ls.size(); i++) {
      String trimmed = ls.get(i).trim();
      // lower case never shortens a string: longer lines are skipped without it
      if (trimmed.isEmpty() || trimmed.length() > 100) continue;
      String t = trimmed.toLowerCase(Locale.ROOT);
      if (t.length() > 100) continue;
      // "Subject: Original Message" is the returned message's subject quoted, not a separator
      if (isSeparator(t) && !t.startsWith("subject:")) return i;
      if (i > 0 && startsOriginalHeaders(ls, i)) return i;
    }
    return -1;
  }

  private static boolean isSeparator(String t) {
    // every separator phrase below holds one of these words
    if (!(t.contains("cop")
        || t.contains("original")
        || t.contains("follow")
        || t.contains("returned")
        || t.contains("bounced"))) return false;
    if (t.contains("received at") || t.contains("was received") || t.contains("delivery-status"))
      return false;
    if (t.contains("copy of the message")
        || t.contains("copy of your message")
        || t.contains("copy of the original")
        || t.contains("copy of the message header")
        || t.contains("header of the original")
        || t.contains("headers of the original")
        || t.contains("original message follows")
        || t.contains("original message headers")
        || t.contains("unsent message follows")
        || t.contains("message headers follow")
        || t.contains("returned mail follows")
        || t.contains("undelivered message follows")
        || t.contains("message header follows")
        || (words(t) <= 5
            && (t.contains("returned message")
                || t.contains("original message")
                || t.contains("original mail")
                || t.contains("bounced e-mail")
                || t.contains("bounced email")
                || t.contains("original email")))) {
      // A sentence that merely mentions the original ("The original message was ...") is not a
      // separator: separators are short and do not read as a sentence with a verb about it.
      return !(t.startsWith("the original message was") || t.startsWith("your original message"));
    }
    return false;
  }

  private static int words(String t) {
    int n = 0;
    boolean in = false;
    for (int i = 0; i < t.length(); i++) {
      boolean letter = Character.isLetter(t.charAt(i));
      if (letter && !in) n++;
      in = letter;
    }
    return n;
  }

  private static boolean startsOriginalHeaders(List<String> ls, int i) {
    String l = ls.get(i);
    // only R, D and X lower-case to the first letters of the header names below
    char first = l.isEmpty() ? ' ' : Character.toLowerCase(l.charAt(0));
    if (first != 'r' && first != 'd' && first != 'x') return false;
    String lower = l.toLowerCase(Locale.ROOT);
    if (!(lower.startsWith("received: ")
        || lower.startsWith("return-path: ")
        || lower.startsWith("dkim-signature: ")
        || lower.startsWith("x-received: "))) return false;
    int headerish = 0;
    for (int k = i; k < Math.min(ls.size(), i + 8); k++) {
      if (looksLikeHeaderLine(ls.get(k)) || ls.get(k).startsWith(" ") || ls.get(k).startsWith("\t"))
        headerish++;
    }
    return headerish >= 3;
  }

  static boolean looksLikeHeaderLine(String l) {
    int colon = l.indexOf(':');
    if (colon <= 0 || colon > 40) return false;
    for (int k = 0; k < colon; k++) {
      char c = l.charAt(k);
      if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_')) return false;
    }
    return true;
  }

  /** An address on a line of the notice, with how it stands there (see {@link #kindOf}). */
  private record Mention(int line, String address, int kind) {}

  private List<Mention> mentions;

  /** Every address on the notice's lines, read once for the several look-ups of a mail. */
  private List<Mention> mentions() {
    List<Mention> found = mentions;
    if (found == null) mentions = found = mentions(null);
    return found;
  }

  /**
   * The mentions of the given addresses only (all of them when {@code only} is null): how an
   * address stands on its line is read only for those.
   */
  private List<Mention> mentions(Set<String> only) {
    if (only != null && mentions != null) {
      List<Mention> some = new ArrayList<>();
      for (Mention m : mentions) if (only.contains(m.address())) some.add(m);
      return some;
    }
    List<Mention> found = new ArrayList<>();
    // whether the line before was a header line of the returned message quoted in the notice (or
    // its continuation): a folded "Cc:" goes on with addresses alone on indented lines
    boolean inQuotedHeader = false;
    boolean traceField = false;
    String previousLineOfHeader = "";
    String previous = "";
    // the entry being described: the indentation of the line that opened with a recipient's
    // address, and that address; -1 outside an entry (see entryDescription)
    int entryIndent = -1;
    String entryAddress = null;
    // after Exim's "The following text was generated during the delivery attempt:" comes what the
    // failed pipe or filter printed (its arguments, its environment, the message it was given):
    // the addresses there are the program's, not recipients the notice reports
    boolean programOutput = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!programOutput && startsProgramOutput(line)) programOutput = true;
      int indent = indentation(line);
      if (line.isBlank()) entryIndent = -1;
      boolean description = entryIndent >= 0 && indent > entryIndent;
      if (!description) entryIndent = -1;
      // a folded address list goes on after a comma; a trace field (Received: ... for <a@b>)
      // goes on with indented lines of its own
      boolean continuation =
          inQuotedHeader
              && !line.isBlank()
              && Character.isWhitespace(line.charAt(0))
              && !looksLikeHeaderLine(line.stripLeading())
              && (previousLineOfHeader.endsWith(",") || traceField);
      if (!continuation) {
        inQuotedHeader = AddressPlaces.quotedHeaderLine(line);
        traceField = inQuotedHeader && AddressPlaces.traceField(line);
      }
      if (inQuotedHeader) previousLineOfHeader = line;
      if (line.indexOf('@') < 0 && line.indexOf('(') < 0) {
        if (!line.isBlank()) previous = line;
        continue;
      }
      String lowerLine = line.toLowerCase(Locale.ROOT);
      boolean first = true;
      for (Addresses.Found f : Addresses.find(line)) {
        String prefix = lowerLine.substring(0, f.start());
        boolean opensLine = first && AddressPlaces.opensLine(prefix);
        first = false;
        if (!description && opensLine && !continuation && !inQuotedHeader) {
          entryIndent = indent;
          entryAddress = f.address();
        }
        if (only != null && !only.contains(f.address())) continue;
        int kind =
            continuation || inQuotedHeader || programOutput
                ? 0
                : AddressPlaces.kindOf(prefix, lowerLine);
        if (kind > 0 && AddressPlaces.contactCue(prefix, previous)) kind = 0;
        // an address on a line of another recipient's description is quoted in it (the sender a
        // remote reply refuses, the address of the failed RCPT TO), not a recipient of its own
        if (kind == 2 && description && !f.address().equals(entryAddress)) kind = 1;
        found.add(new Mention(i, f.address(), kind));
      }
      if (!line.isBlank()) previous = line;
    }
    return found;
  }

  /**
   * Exim's line that opens the output of a failed pipe, file or filter delivery ("The following
   * text was generated during the delivery attempt:", "... attempts:"), quoted after the list of
   * failed addresses.
   */
  private static boolean startsProgramOutput(String line) {
    if (line.length() < 60 || line.length() > 100) return false;
    return line.strip()
        .toLowerCase(Locale.ROOT)
        .startsWith("the following text was generated during the delivery attempt");
  }

  /**
   * The host that wrote the notice when its text names it (lower case), or null: Postfix's "This is
   * the mail system at host mx.example.", Exchange's "Generating server: mx.example" and the
   * "Reporting-MTA: dns; mx.example" of DSN fields written as text. A notice read without its mail
   * header has no From to tell whose role addresses are contacts; this line does.
   */
  String reportingHost() {
    for (String line : lines) {
      String l = line.strip().toLowerCase(Locale.ROOT);
      for (String label : REPORTING_HOST_LABELS) {
        if (!l.startsWith(label)) continue;
        String host = l.substring(label.length()).strip();
        int space = host.indexOf(' ');
        if (space > 0) host = host.substring(0, space);
        while (host.endsWith(".")) host = host.substring(0, host.length() - 1);
        if (host.indexOf('.') > 0) return host;
      }
    }
    return null;
  }

  private static final String[] REPORTING_HOST_LABELS = {
    "this is the mail system at host ", "generating server: ", "reporting-mta: dns;"
  };

  /**
   * The leading white space of a line, in characters (a tab counts as one). Notices write a
   * recipient's entry as a line that opens with the address and the lines of its description
   * indented deeper, with no blank line between: Postfix's "{@code <a@b>: host ... said: 550 ...}"
   * with its reply folded onto lines indented by four spaces, Exim's "{@code a@b}" with "{@code
   * (generated from ...)}" and "{@code LMTP error after RCPT TO:<...>:}" under it, sendmail's
   * "{@code <a@b>}" with "{@code (reason: ...)}". The next recipient's entry starts at the entry's
   * indentation again or after a blank line.
   */
  private static int indentation(String line) {
    int i = 0;
    while (i < line.length() && Character.isWhitespace(line.charAt(i))) i++;
    return i;
  }

  /**
   * The recipients this notice reports, each with its describing text, in order of appearance.
   *
   * @param excluded addresses that are not recipients (the sender, the reporting postmaster)
   * @param known recipients already known from elsewhere (X-Failed-Recipients, DSN fields); when
   *     not empty, only these are looked for
   */
  List<Hit> recipients(Predicate<String> excluded, List<String> known) {
    return recipients(excluded, known, null);
  }

  /**
   * As above; when the notice names no address at all, {@code mailbox} turns a mailbox name (the
   * local part) standing where a recipient stands into the address it stands for, or null.
   */
  List<Hit> recipients(
      Predicate<String> excluded, List<String> known, Function<String, String> mailbox) {
    Map<String, Integer> strong = new LinkedHashMap<>();
    Map<String, Integer> weak = new LinkedHashMap<>();
    Map<String, Integer> any = new LinkedHashMap<>();
    // with the recipients known, the other addresses are never looked up
    for (Mention m : known.isEmpty() ? mentions() : mentions(new HashSet<>(known))) {
      any.putIfAbsent(m.address(), m.line());
      if (excluded.test(m.address())) continue;
      if (m.kind() == 2) strong.putIfAbsent(m.address(), m.line());
      else if (m.kind() == 1) weak.putIfAbsent(m.address(), m.line());
    }
    Map<String, Integer> chosen;
    if (!known.isEmpty()) {
      chosen = new LinkedHashMap<>();
      for (String k : known) {
        Integer at = strong.get(k);
        if (at == null) at = weak.get(k);
        if (at == null) at = any.get(k);
        chosen.put(k, at == null ? -1 : at);
      }
    } else {
      chosen = !strong.isEmpty() ? strong : weak;
      if (chosen.isEmpty() && mailbox != null) chosen = mailboxes(mailbox, excluded);
    }
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(chosen.entrySet());
    List<Integer> anchors = new ArrayList<>();
    for (Map.Entry<String, Integer> e : entries) if (e.getValue() >= 0) anchors.add(e.getValue());
    anchors.sort(null);
    int firstAnchor = anchors.isEmpty() ? lines.size() : anchors.getFirst();
    String intro = null;
    boolean introHasCode = false;
    List<Hit> out = new ArrayList<>();
    for (Map.Entry<String, Integer> e : entries) {
      String a = e.getKey();
      int at = e.getValue();
      String block;
      long[] cues;
      boolean blockHasCode = false;
      if (at < 0) {
        block = "";
        cues = Replies.cues("");
      } else {
        int end = lines.size();
        for (int x : anchors) {
          if (x > at) {
            end = x;
            break;
          }
        }
        end = Math.min(end, at + MAX_BLOCK_LINES);
        end = otherEntry(a, at, end);
        String remote = remoteReplyBefore(at);
        block = remote != null ? remote : join(at, end);
        cues = remote != null ? Replies.cues(remote) : cuesOf(at, end);
        blockHasCode = Replies.hasCode(block);
        if (!blockHasCode) {
          // a mention found holds a code, and so then does the block
          int[] mention = mentionWithCode(a, at, end);
          if (mention != null) {
            block = block + "\n" + join(mention[0], mention[1]);
            cues = LiteralPhrases.addAll(cues, cuesOf(mention[0], mention[1]));
            blockHasCode = true;
          }
        }
      }
      String description;
      if (blockHasCode) {
        description = block;
      } else {
        if (intro == null) {
          // the text before the first recipient, read only when a block needs it
          intro = join(0, firstAnchor);
          introHasCode = Replies.hasCode(intro);
        }
        description = introHasCode ? intro + "\n" + block : block + "\n" + intro;
        cues = LiteralPhrases.addAll(cues, cuesOf(0, firstAnchor));
      }
      // lines end in no white space, so stripping drops only blank lines and leading white space,
      // where no phrase starts: the phrases stay those of the lines
      out.add(new Hit(a, description.strip(), cues));
    }
    return out;
  }

  /**
   * Mailbox names (local parts without a domain) where a notice puts its recipients, turned into
   * addresses by {@code mailbox}: a local delivery reports the mailbox of the domain it speaks for,
   * as sendmail's "{@code <bob>... User unknown}", "{@code 550 5.1.1 bob... User unknown}" or
   * "{@code bob: mailbox unknown}". The line must start with the name (after a reply code): a name
   * inside a sentence is a word, not a recipient.
   */
  private Map<String, Integer> mailboxes(
      Function<String, String> mailbox, Predicate<String> excluded) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String t = lines.get(i).strip();
      if (t.isEmpty() || t.indexOf('@') >= 0) continue;
      String name = AddressPlaces.mailboxAt(t);
      if (name == null) continue;
      String a = mailbox.apply(name);
      if (a != null && !excluded.test(a)) out.putIfAbsent(a, i);
    }
    return out;
  }

  /**
   * Where a recipient's block ends before {@code end}: at a line of sendmail's session log that
   * reports on another target ("{@code 550 example.org (smtp)... 550 Host unknown}", "{@code 554
   * <other@example.org>... ...}") or at the "While talking to" line that opens the transcript of
   * another session, once the block holds a reply of its own (before that, such lines are the
   * transcript that describes this recipient). sendmail writes these one after another without a
   * blank line (an error on one host, then the next host's), so the next recipient's address can
   * come a line after another host's error, which is not this recipient's.
   */
  private int otherEntry(String address, int at, int end) {
    boolean reply = Replies.hasCode(lines.get(at));
    for (int i = at + 1; i < end; i++) {
      String l = lines.get(i);
      if (reply) {
        String target = sendmailTarget(l);
        if (target != null && !target.equals(address)) return i;
        if (l.stripLeading().regionMatches(true, 0, "while talking to ", 0, 17)) return i;
      }
      if (!reply) reply = Replies.hasCode(l);
    }
    return end;
  }

  /**
   * The target of a line of sendmail's session log, "{@code <code> [<enhanced>] <target>... text}"
   * with the target an address, a host with its mailer ("{@code example.org (smtp)}") or a mailbox,
   * in lower case and without angle brackets; null for any other line.
   */
  static String sendmailTarget(String line) {
    String l = line.strip();
    if (l.length() < 9 || !Character.isDigit(l.charAt(0)) || l.charAt(3) != ' ') return null;
    char k = l.charAt(0);
    if ((k != '4' && k != '5')
        || !Character.isDigit(l.charAt(1))
        || !Character.isDigit(l.charAt(2))) return null;
    int dots = l.indexOf("... ");
    if (dots < 0 && l.endsWith("...")) dots = l.length() - 3;
    if (dots < 5) return null;
    String target = l.substring(4, dots).strip();
    // an enhanced status code may stand between the code and the target
    int sp = target.indexOf(' ');
    if (sp > 0 && Character.isDigit(target.charAt(0)) && target.charAt(1) == '.')
      target = target.substring(sp + 1).strip();
    int mailer = target.indexOf(" (");
    if (mailer > 0 && target.endsWith(")")) target = target.substring(0, mailer);
    if (target.isEmpty() || target.indexOf(' ') >= 0) return null;
    if (target.startsWith("<") && target.endsWith(">"))
      target = target.substring(1, target.length() - 1);
    return target.toLowerCase(Locale.ROOT);
  }

  /**
   * sendmail's transcript line "554 <address>... Remote protocol error" reports that the remote
   * answered a command with an error sendmail did not expect; the remote's own reply is the line
   * just above it ("<<< 550 ..."), or above sendmail's own lines about that host, after the command
   * it answered ("{@code >>> MAIL From:<...>}"). That reply names the cause, so it describes the
   * recipient, with the command for the phase. Returns null when the line at {@code at} is not such
   * a report.
   */
  private String remoteReplyBefore(int at) {
    if (at < 1) return null;
    String l = lines.get(at).toLowerCase(Locale.ROOT);
    if (!l.contains("... remote protocol error") || !Replies.hasCode(l)) return null;
    int r = at - 1;
    // sendmail may log its own view of the host between them ("421 example.org (smtp)...
    // Deferred: Connection reset by peer during result wait")
    while (r > 0 && r >= at - 2 && sendmailTarget(lines.get(r)) != null) r--;
    String prev = lines.get(r);
    if (!prev.startsWith("<<< ")) return null;
    String reply = prev.substring(4).strip();
    if (!Replies.hasCode(reply)) return null;
    if (r >= 1 && lines.get(r - 1).startsWith(">>> ")) return lines.get(r - 1) + "\n" + reply;
    return reply;
  }

  /**
   * A line elsewhere that names the address together with a reply code (a session transcript), with
   * the lines that continue it: their range (end exclusive), or null.
   */
  private int[] mentionWithCode(String address, int blockStart, int blockEnd) {
    for (int i = 0; i < lines.size(); i++) {
      if (i >= blockStart && i < blockEnd) continue;
      String l = lines.get(i);
      if (l.indexOf('@') < 0 && address.indexOf('@') >= 0) continue;
      if (!l.toLowerCase(Locale.ROOT).contains(address)) continue;
      int end = Math.min(lines.size(), i + 4);
      String text = join(i, end);
      if (Replies.hasCode(text)) {
        int stop = i + 1;
        while (stop < end && !lines.get(stop).isBlank()) stop++;
        return new int[] {i, stop};
      }
    }
    return null;
  }

  /**
   * Lines {@code from} to {@code to} (exclusive) joined by line breaks, empty lines first left out.
   */
  private String join(int from, int to) {
    from = Math.max(0, from);
    to = Math.min(to, lines.size());
    while (from < to && allLines.get(from).isEmpty()) from++;
    return joinAll(from, to);
  }

  /**
   * Lines {@code from} to {@code to} (exclusive) joined by line breaks, as {@link String#join}: a
   * piece of the text itself when none of them was shortened (trailing white space, length limit,
   * quoting), else a copy.
   */
  private String joinAll(int from, int to) {
    if (from >= to) return "";
    boolean verbatim = true;
    for (int i = from; i < to && verbatim; i++) verbatim = isVerbatim(i);
    if (verbatim) {
      return text.substring(lineStart[from], lineStart[to - 1] + allLines.get(to - 1).length());
    }
    return String.join("\n", allLines.subList(from, to));
  }

  /** Whether line {@code i} is the text's line as it stands (it was only ever shortened). */
  private boolean isVerbatim(int i) {
    int end = text.indexOf('\n', lineStart[i]);
    if (end < 0) end = text.length();
    return allLines.get(i).length() == end - lineStart[i];
  }
}
