package dev.petrel.queue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * Picks the headers people recognise a message by out of a raw header block (RFC 5322 §2.2):
 * unfolds continuation lines, keeps the first occurrence of each, decodes RFC 2047 encoded words
 * and removes control characters so the text is safe to print on a terminal.
 */
final class HeaderSummary {

  /** The headers kept, in the order they are shown. */
  static final List<String> NAMES = List.of("Subject", "From", "To", "Message-ID", "Date");

  /** RFC 5322's line limit; a summary never needs more. */
  static final int MAX_VALUE = 998;

  private HeaderSummary() {}

  static Map<String, String> parse(byte[] data, int len) {
    String text = new String(data, 0, len, StandardCharsets.UTF_8);
    Map<String, String> found = new LinkedHashMap<>();
    String name = null;
    StringBuilder value = new StringBuilder();
    int pos = 0;
    while (pos < text.length()) {
      int nl = text.indexOf('\n', pos);
      int end = nl < 0 ? text.length() : nl;
      String line = text.substring(pos, end);
      if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
      pos = end + 1;
      if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
        if (name != null && value.length() <= MAX_VALUE * 4) value.append(line);
        continue;
      }
      keep(found, name, value);
      name = null;
      value.setLength(0);
      int colon = line.indexOf(':');
      if (colon > 0 && isFieldName(line, colon)) {
        name = canonical(line.substring(0, colon));
        value.append(line, colon + 1, Math.min(line.length(), colon + 1 + MAX_VALUE * 4));
      }
    }
    keep(found, name, value);
    Map<String, String> ordered = new LinkedHashMap<>();
    for (String n : NAMES) if (found.containsKey(n)) ordered.put(n, found.get(n));
    return ordered;
  }

  private static void keep(Map<String, String> found, String name, StringBuilder value) {
    if (name == null || found.containsKey(name)) return;
    String v = value.toString().strip();
    // RFC 2047 encoded words, decoded by mime4j; a word it cannot decode stays as written.
    if (v.contains("=?")) v = DecoderUtil.decodeEncodedWords(v, DecodeMonitor.SILENT);
    found.put(name, clean(v));
  }

  /** RFC 5322 §3.6.8: printable US-ASCII except the colon; trailing blanks tolerated. */
  private static boolean isFieldName(String line, int colon) {
    String n = line.substring(0, colon).stripTrailing();
    if (n.isEmpty()) return false;
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (c <= 32 || c >= 127) return false;
    }
    return true;
  }

  private static String canonical(String rawName) {
    String n = rawName.stripTrailing();
    for (String known : NAMES) if (known.equalsIgnoreCase(n)) return known;
    return n.toLowerCase(Locale.ROOT); // not shown, but still "seen" so folding works
  }

  private static String clean(String s) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_VALUE));
    for (int i = 0; i < s.length() && out.length() < MAX_VALUE; i++) {
      char c = s.charAt(i);
      out.append(c < 32 || c == 127 || (c >= 0x80 && c < 0xa0) ? ' ' : c);
    }
    return out.toString().strip();
  }
}
