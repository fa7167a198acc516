package dev.petrel.report;

import dev.petrel.model.EmailAddress;
import dev.petrel.queue.Suppression;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvReadFeature;
import tools.jackson.dataformat.csv.CsvSchema;

/**
 * Suppression lists in bulk, the same for the CLI and the API: export as CSV (a header row, then
 * {@code address,reason,source,created}) or JSON (an array of objects with those fields), and
 * import from either. An import is checked whole before anything is stored: every problem is
 * reported with its line (CSV) or index (JSON), and one bad entry stores nothing. CSV may come with
 * a header row naming an {@code address} column (and optionally {@code reason}; other columns are
 * ignored, so another provider's export can be read as it is), or without one: then the first field
 * of each row is the address and the second, if any, the reason.
 */
public final class SuppressionFile {

  /** The file formats. */
  public enum Format {
    CSV,
    JSON;

    /** {@code csv} or {@code json}, any case. */
    public static Format of(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "csv" -> CSV;
        case "json" -> JSON;
        default ->
            throw new IllegalArgumentException("format must be csv or json, not '" + name + "'");
      };
    }
  }

  /** The most entries one import may hold. */
  public static final int MAX_ENTRIES = 100_000;

  private static final Pattern REASON = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

  /** Whether {@code reason} is a reason an operator may give: a short lower-case word. */
  public static boolean isReason(String reason) {
    return REASON.matcher(reason).matches();
  }

  /** One entry to import. */
  public record Entry(String address, String reason) {}

  /** What is wrong with one entry: {@code where} is "line N" or "entry N". */
  public record Problem(String where, String message) {
    @Override
    public String toString() {
      return where + ": " + message;
    }
  }

  /** The entries read, or the problems that keep the file from being imported. */
  public record Parsed(List<Entry> entries, List<Problem> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final CsvMapper CSV = CsvMapper.builder().build();

  private SuppressionFile() {}

  /** Reads an import; never throws on bad content (it becomes problems). */
  public static Parsed read(InputStream in, Format format) throws IOException {
    List<Entry> entries = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    try {
      if (format == Format.JSON) readJson(in, entries, problems);
      else readCsv(in, entries, problems);
    } catch (JacksonException e) {
      problems.add(
          new Problem("file", "not valid " + format.name() + ": " + e.getOriginalMessage()));
    }
    if (entries.size() > MAX_ENTRIES) {
      problems.add(new Problem("file", "more than " + MAX_ENTRIES + " entries; split the file"));
    }
    return new Parsed(entries, problems);
  }

  private static void readJson(InputStream in, List<Entry> entries, List<Problem> problems) {
    JsonNode root = JSON.readTree(in);
    if (root == null || !root.isArray()) {
      problems.add(new Problem("file", "a JSON array of objects with an \"address\" is expected"));
      return;
    }
    int i = 0;
    for (JsonNode n : root) {
      String where = "entry " + i++;
      if (entries.size() > MAX_ENTRIES) break;
      if (!n.isObject() || !n.path("address").isString()) {
        problems.add(new Problem(where, "an object with a string \"address\" is expected"));
        continue;
      }
      JsonNode r = n.get("reason");
      if (r != null && !r.isNull() && !r.isString()) {
        problems.add(new Problem(where, "\"reason\" must be a string"));
        continue;
      }
      add(
          where,
          n.get("address").asString(),
          r == null || r.isNull() ? null : r.asString(),
          entries,
          problems);
    }
  }

  private static void readCsv(InputStream in, List<Entry> entries, List<Problem> problems)
      throws IOException {
    try (MappingIterator<List<String>> rows =
        CSV.readerForListOf(String.class)
            .with(CsvReadFeature.WRAP_AS_ARRAY)
            .with(CsvSchema.emptySchema())
            .readValues(in)) {
      int addressColumn = 0;
      int reasonColumn = 1;
      boolean first = true;
      while (rows.hasNextValue()) {
        long line = rows.currentLocation().getLineNr();
        List<String> row = rows.nextValue();
        if (row.isEmpty() || row.size() == 1 && row.getFirst().isBlank()) continue;
        if (first) {
          first = false;
          List<String> names = row.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).toList();
          if (names.contains("address") || names.contains("email")) {
            addressColumn =
                names.contains("address") ? names.indexOf("address") : names.indexOf("email");
            reasonColumn = names.indexOf("reason");
            continue;
          }
        }
        if (entries.size() > MAX_ENTRIES) break;
        String where = "line " + line;
        if (addressColumn >= row.size()) {
          problems.add(new Problem(where, "no address column"));
          continue;
        }
        String reason =
            reasonColumn >= 0 && reasonColumn < row.size() && !row.get(reasonColumn).isBlank()
                ? row.get(reasonColumn).strip()
                : null;
        add(where, row.get(addressColumn), reason, entries, problems);
      }
    }
  }

  private static void add(
      String where, String address, String reason, List<Entry> entries, List<Problem> problems) {
    String a = address.strip();
    try {
      EmailAddress.parse(a);
    } catch (IllegalArgumentException e) {
      problems.add(
          new Problem(where, "not an email address: '" + a + "' (" + e.getMessage() + ")"));
      return;
    }
    if (reason != null && !isReason(reason)) {
      problems.add(
          new Problem(
              where,
              "reason must be a short lower-case word such as manual, not '" + reason + "'"));
      return;
    }
    entries.add(new Entry(a, reason));
  }

  /**
   * The suppressions to store for an account's import, one per address (a later line wins), with
   * {@code manual} where no reason was given and {@code source} saying where they came from.
   */
  public static List<Suppression> toSuppressions(
      String account, List<Entry> entries, String source, Instant now) {
    Map<String, Suppression> byAddress = new LinkedHashMap<>();
    for (Entry e : entries) {
      Suppression s =
          new Suppression(
              account,
              e.address(),
              e.reason() == null ? Suppressions.MANUAL : e.reason(),
              source,
              now);
      byAddress.put(s.address(), s);
    }
    return List.copyOf(byAddress.values());
  }

  /** An export, as the bytes of the file. */
  public static byte[] write(List<Suppression> list, Format format) {
    List<Map<String, String>> rows = new ArrayList<>(list.size());
    for (Suppression s : list) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("address", s.address());
      m.put("reason", s.reason());
      m.put("source", s.source() == null ? "" : s.source());
      m.put("created", s.created().truncatedTo(ChronoUnit.MILLIS).toString());
      rows.add(m);
    }
    if (format == Format.JSON) return JSON.writeValueAsBytes(rows);
    CsvSchema schema =
        CsvSchema.builder()
            .addColumn("address")
            .addColumn("reason")
            .addColumn("source")
            .addColumn("created")
            .build()
            .withHeader();
    return CSV.writer(schema).writeValueAsBytes(rows);
  }
}
