package dev.petrel.deliver.dkim;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header fields of a message, read from the start of a stream up to and including the empty
 * line that ends them; what is left in the stream is the body. Fields keep their folding (line
 * breaks written as CRLF) and their octets (one char per octet, ISO-8859-1).
 *
 * <p>Line ends are read as delivery writes them: CR LF, a bare CR or a bare LF.
 */
public record HeaderSection(List<String> fields) {

  /** A header section larger than the limit; the message is sent without a signature. */
  public static final class TooLargeException extends IOException {
    TooLargeException(int limit) {
      super("header section larger than " + limit + " octets");
    }
  }

  public HeaderSection {
    fields = List.copyOf(fields);
  }

  /**
   * Reads the header section from {@code in}, which must support mark/reset (wrap it in a {@link
   * BufferedInputStream}); the stream is left at the first octet of the body.
   *
   * @param limit the most octets the header section may take
   */
  public static HeaderSection read(InputStream in, int limit) throws IOException {
    if (!in.markSupported()) throw new IllegalArgumentException("the stream needs mark/reset");
    List<String> fields = new ArrayList<>();
    StringBuilder field = null;
    StringBuilder line = new StringBuilder(128);
    int total = 0;
    while (true) {
      line.setLength(0);
      boolean ended = false;
      int c;
      while ((c = in.read()) >= 0) {
        if (++total > limit) throw new TooLargeException(limit);
        if (c == '\n') {
          ended = true;
          break;
        }
        if (c == '\r') {
          in.mark(1);
          if (in.read() != '\n') in.reset();
          else total++;
          ended = true;
          break;
        }
        line.append((char) c);
      }
      if (line.isEmpty()) break; // the empty line ending the header, or the end of the stream
      boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
      if (continuation && field != null) field.append("\r\n").append(line);
      else {
        if (field != null) fields.add(field.toString());
        field = new StringBuilder(line);
      }
      if (!ended) break;
    }
    if (field != null) fields.add(field.toString());
    return new HeaderSection(fields);
  }

  /** The fields with this name (any case), in message order. */
  public List<String> named(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    for (String f : fields) if (Relaxed.name(f).equals(lower)) out.add(f);
    return out;
  }

  /**
   * The domain of the first address in the From field, lower case, or null when there is no From or
   * no address in it. Quoted display names and comments are skipped, so {@code "a@b" <c@d>} gives
   * {@code d}.
   */
  public String fromDomain() {
    List<String> from = named("from");
    if (from.isEmpty()) return null;
    String f = from.getFirst();
    String value = f.substring(f.indexOf(':') + 1);
    String address = firstAddress(value);
    if (address == null) return null;
    int at = address.lastIndexOf('@');
    if (at < 0 || at == address.length() - 1) return null;
    String domain = address.substring(at + 1).strip().toLowerCase(Locale.ROOT);
    if (domain.endsWith(".")) domain = domain.substring(0, domain.length() - 1);
    return domain.isEmpty() || domain.contains(" ") ? null : domain;
  }

  /** The first addr-spec of an address list: inside angle brackets if any, else the bare word. */
  private static String firstAddress(String value) {
    StringBuilder plain = new StringBuilder(value.length());
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quoted) {
        if (c == '\\') i++;
        else if (c == '"') quoted = false;
        plain.append(c == '"' ? ' ' : 'x'); // keep positions, hide the quoted text
        continue;
      }
      if (depth > 0) {
        if (c == '\\') i++;
        else if (c == '(') depth++;
        else if (c == ')') depth--;
        plain.append(' ');
        continue;
      }
      if (c == '"') {
        quoted = true;
        plain.append(' ');
      } else if (c == '(') {
        depth = 1;
        plain.append(' ');
      } else if (c == '\r' || c == '\n' || c == '\t') plain.append(' ');
      else plain.append(c);
    }
    String s = plain.toString();
    int lt = s.indexOf('<');
    int comma = s.indexOf(',');
    if (lt >= 0 && (comma < 0 || lt < comma)) {
      int gt = s.indexOf('>', lt);
      if (gt < 0) return null;
      return s.substring(lt + 1, gt).strip();
    }
    String first = comma >= 0 ? s.substring(0, comma) : s;
    // A group ("name: a@b;") or a bare address.
    int colon = first.indexOf(':');
    if (colon >= 0) first = first.substring(colon + 1);
    first = first.replace(";", " ").strip();
    return first.contains("@") ? first.split(" ")[0] : null;
  }
}
