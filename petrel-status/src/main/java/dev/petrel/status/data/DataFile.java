package dev.petrel.status.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Petrel's reviewable data files (code registries, explanations, rules).
 *
 * <p>The format is deliberately plain so that a diff reads like a review: records are separated by
 * blank lines; each line of a record is {@code key: value}; a line that starts with white space
 * continues the previous value (joined with one space); a key may repeat (its values form a list);
 * lines starting with {@code #} are comments. Keys are lower case.
 */
public final class DataFile {

  private DataFile() {}

  /** One record: its keys in file order, each with one or more values, and where it started. */
  public record Block(String source, int line, Map<String, List<String>> values) {

    /** The single value of a key, or null when absent. */
    public String get(String key) {
      List<String> v = values.get(key);
      if (v == null) return null;
      if (v.size() > 1) throw error("key '" + key + "' given more than once");
      return v.getFirst();
    }

    /** The value of a required key. */
    public String require(String key) {
      String v = get(key);
      if (v == null || v.isBlank()) throw error("missing key '" + key + "'");
      return v;
    }

    /** All values of a key (empty when absent). */
    public List<String> all(String key) {
      return values.getOrDefault(key, List.of());
    }

    public boolean has(String key) {
      return values.containsKey(key);
    }

    /** An exception that names the file and line of this record. */
    public IllegalArgumentException error(String message) {
      return new IllegalArgumentException(source + ":" + line + ": " + message);
    }
  }

  /** Reads a data file bundled as a class-path resource next to {@code anchor}. */
  public static List<Block> resource(Class<?> anchor, String name) {
    try (InputStream in = anchor.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing bundled data file " + name);
      return read(new InputStreamReader(in, StandardCharsets.UTF_8), name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled data file " + name, e);
    }
  }

  /**
   * Parses records from a reader.
   *
   * @throws IllegalArgumentException naming the source and line when a line is malformed
   * @throws IOException when the reader fails
   */
  public static List<Block> read(Reader reader, String source) throws IOException {
    List<Block> blocks = new ArrayList<>();
    BufferedReader in = new BufferedReader(reader);
    Map<String, List<String>> current = null;
    int start = 0;
    String lastKey = null;
    String line;
    int n = 0;
    while ((line = in.readLine()) != null) {
      n++;
      if (line.startsWith("#")) continue;
      if (line.isBlank()) {
        if (current != null) blocks.add(new Block(source, start, freeze(current)));
        current = null;
        lastKey = null;
        continue;
      }
      if (Character.isWhitespace(line.charAt(0))) {
        if (lastKey == null)
          throw new IllegalArgumentException(
              source + ":" + n + ": continuation line without a key");
        List<String> vals = current.get(lastKey);
        int i = vals.size() - 1;
        vals.set(i, (vals.get(i) + " " + line.strip()).strip());
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0)
        throw new IllegalArgumentException(
            source + ":" + n + ": expected 'key: value', got '" + line + "'");
      String key = line.substring(0, colon).strip();
      if (!key.matches("[a-z][a-z0-9-]*"))
        throw new IllegalArgumentException(source + ":" + n + ": bad key '" + key + "'");
      if (current == null) {
        current = new LinkedHashMap<>();
        start = n;
      }
      current.computeIfAbsent(key, k -> new ArrayList<>()).add(line.substring(colon + 1).strip());
      lastKey = key;
    }
    if (current != null) blocks.add(new Block(source, start, freeze(current)));
    return List.copyOf(blocks);
  }

  private static Map<String, List<String>> freeze(Map<String, List<String>> m) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return java.util.Collections.unmodifiableMap(out);
  }
}
