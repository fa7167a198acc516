package dev.petrel.status.bounce;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal, bounded JSON reader for the notification bodies some sending services mail instead of
 * a bounce (Amazon SES through SNS). Objects become maps, arrays lists, numbers doubles. Returns
 * null on anything malformed; never throws, never recurses past {@link #MAX_DEPTH}.
 */
final class Json {

  private static final int MAX_DEPTH = 32;

  private final String s;
  private int i;

  private Json(String s) {
    this.s = s;
  }

  static Object parse(String text) {
    if (text == null) return null;
    Json j = new Json(text);
    try {
      j.ws();
      Object v = j.value(0);
      return v;
    } catch (IllegalStateException | IndexOutOfBoundsException | NumberFormatException e) {
      return null;
    }
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) throw new IllegalStateException("too deep");
    ws();
    char c = s.charAt(i);
    switch (c) {
      case '{' -> {
        i++;
        Map<String, Object> m = new LinkedHashMap<>();
        ws();
        if (s.charAt(i) == '}') {
          i++;
          return m;
        }
        while (true) {
          ws();
          String k = string();
          ws();
          expect(':');
          m.put(k, value(depth + 1));
          ws();
          char d = s.charAt(i++);
          if (d == '}') return m;
          if (d != ',') throw new IllegalStateException("bad object");
        }
      }
      case '[' -> {
        i++;
        List<Object> l = new ArrayList<>();
        ws();
        if (s.charAt(i) == ']') {
          i++;
          return l;
        }
        while (true) {
          l.add(value(depth + 1));
          ws();
          char d = s.charAt(i++);
          if (d == ']') return l;
          if (d != ',') throw new IllegalStateException("bad array");
        }
      }
      case '"' -> {
        return string();
      }
      default -> {
        int st = i;
        while (i < s.length() && "+-0123456789.eEtruefalsn".indexOf(s.charAt(i)) >= 0) i++;
        String w = s.substring(st, i);
        if (w.equals("true")) return Boolean.TRUE;
        if (w.equals("false")) return Boolean.FALSE;
        if (w.equals("null")) return null;
        if (w.isEmpty()) throw new IllegalStateException("bad value");
        return Double.parseDouble(w);
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = s.charAt(i++);
      if (c == '"') return sb.toString();
      if (c == '\\') {
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'u' -> {
            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> sb.append(e);
        }
      } else {
        sb.append(c);
      }
    }
  }

  private void expect(char c) {
    if (s.charAt(i) != c) throw new IllegalStateException("expected " + c);
    i++;
  }

  private void ws() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
  }

  /** Follows a path of keys through nested maps; null when any step is missing. */
  static Object get(Object root, String... keys) {
    Object cur = root;
    for (String k : keys) {
      if (!(cur instanceof Map<?, ?> m)) return null;
      cur = m.get(k);
    }
    return cur;
  }

  static String str(Object root, String... keys) {
    Object v = get(root, keys);
    return v instanceof String str ? str : null;
  }

  static List<?> list(Object root, String... keys) {
    Object v = get(root, keys);
    return v instanceof List<?> l ? l : List.of();
  }
}
