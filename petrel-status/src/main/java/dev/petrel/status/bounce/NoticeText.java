package dev.petrel.status.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The human-readable text of a bounce: its text parts outside the returned original, with HTML
 * turned into plain lines when a notice comes only as HTML.
 */
record NoticeText(String text) {

  private static final int MAX_TEXT = 512 * 1024;

  static NoticeText collect(MailPart root, List<MailPart> all, MailPart originalPart) {
    // the pieces first, each followed by a line break, then one copy of exactly their length
    List<String> plain = new ArrayList<>();
    int length = 0;
    List<String> html = new ArrayList<>();
    for (MailPart p : all) {
      if (p.insideEnclosedMessage() || p == originalPart) continue;
      // a multipart whose boundary never occurs (a bounce generator's bug) is all preamble
      if (p.preamble != null && (p.preamble.length() < 4096 || p.children.isEmpty()))
        length += add(plain, p.preamble);
      if (p.epilogue != null && p.epilogue.length() < 4096) length += add(plain, p.epilogue);
      if (p.text == null || !p.children.isEmpty()) continue;
      String t = p.mimeType;
      if (t.equals("text/html")) {
        html.add(p.text);
      } else if (t.startsWith("text/") && !t.contains("rfc822")) {
        length += add(plain, p.text);
      } else if (p == root && !t.startsWith("message/")) {
        length += add(plain, p.text);
      } else if ((t.equals("message/delivery-status") || t.equals("message/global-delivery-status"))
          && DsnFields.noticeMistypedAsDsn(p.text)) {
        // the human-readable notice sent with the delivery-status type (no field in it)
        length += add(plain, p.text);
      }
      if (length > MAX_TEXT) break;
    }
    String s = joined(plain, length);
    if (s.isBlank()) {
      // the notice came only as HTML: its text
      StringBuilder h = new StringBuilder();
      for (String part : html) h.append(htmlToText(part)).append('\n');
      s = h.toString();
    }
    if (s.length() > MAX_TEXT) s = s.substring(0, MAX_TEXT);
    return new NoticeText(s);
  }

  private static int add(List<String> pieces, String piece) {
    pieces.add(piece);
    return piece.length() + 1;
  }

  /** The pieces, each followed by a line break. */
  private static String joined(List<String> pieces, int length) {
    if (pieces.size() == 1) return pieces.getFirst() + "\n";
    StringBuilder sb = new StringBuilder(length);
    for (String p : pieces) sb.append(p).append('\n');
    return sb.toString();
  }

  /** Plain lines from HTML: tags dropped, block ends made line breaks, common entities decoded. */
  static String htmlToText(String h) {
    StringBuilder sb = new StringBuilder(h.length());
    String lower = null;
    int n = h.length();
    int i = 0;
    while (i < n) {
      char c = h.charAt(i);
      if (c == '<') {
        int e = h.indexOf('>', i);
        if (e < 0) break;
        String tag = h.substring(i + 1, Math.min(e, i + 12)).toLowerCase(Locale.ROOT);
        if (tag.startsWith("style") || tag.startsWith("script")) {
          String close = tag.startsWith("style") ? "</style" : "</script";
          if (lower == null) lower = h.toLowerCase(Locale.ROOT);
          int end = lower.indexOf(close, e);
          if (end < 0) break;
          e = h.indexOf('>', end);
          if (e < 0) break;
        } else if (tag.startsWith("br")
            || tag.startsWith("p")
            || tag.startsWith("/p")
            || tag.startsWith("div")
            || tag.startsWith("/div")
            || tag.startsWith("tr")
            || tag.startsWith("li")
            || tag.startsWith("/h")
            || tag.startsWith("h")) {
          sb.append('\n');
        } else if (tag.startsWith("td") || tag.startsWith("/td")) {
          sb.append(' ');
        }
        i = e + 1;
      } else if (c == '&') {
        int e = h.indexOf(';', i);
        if (e > i && e - i <= 8) {
          String ent = h.substring(i + 1, e).toLowerCase(Locale.ROOT);
          String rep =
              switch (ent) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos", "#39" -> "'";
                case "nbsp" -> " ";
                default -> null;
              };
          if (rep == null && ent.startsWith("#")) {
            try {
              int cp =
                  ent.startsWith("#x")
                      ? Integer.parseInt(ent.substring(2), 16)
                      : Integer.parseInt(ent.substring(1));
              rep = Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : "";
            } catch (NumberFormatException ex) {
              rep = null;
            }
          }
          if (rep != null) {
            sb.append(rep);
            i = e + 1;
            continue;
          }
        }
        sb.append(c);
        i++;
      } else {
        sb.append(c);
        i++;
      }
    }
    return sb.toString();
  }
}
