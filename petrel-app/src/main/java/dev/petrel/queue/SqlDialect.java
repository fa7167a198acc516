package dev.petrel.queue;

import java.util.List;

/**
 * What differs between the SQL of the two back ends, and only that: the row classes ({@code
 * DeliveryRows}, {@code WebhookRows}, ...) are shared, and ask their dialect for the few pieces
 * that are spelled differently or that only one database needs.
 *
 * <p>The embedded store has one writer thread, so a claim's read and its conditional updates never
 * meet another claim half-way; on PostgreSQL several connections (and nodes) claim at once, so the
 * read also locks the rows it returns and passes over rows another claim has locked ({@code FOR
 * UPDATE SKIP LOCKED}). Either way the conditional update decides who owns a row.
 */
enum SqlDialect {
  SQLITE {
    @Override
    String greatest() {
      return "max";
    }

    @Override
    String least() {
      return "min";
    }

    @Override
    String position(String haystack, String needle) {
      return "instr(" + haystack + ", " + needle + ")";
    }

    @Override
    String skipLocked(String table) {
      return "";
    }

    @Override
    String forUpdate() {
      return "";
    }

    @Override
    String withoutIndex(String column) {
      return "+" + column;
    }

    @Override
    String tagsFirstJoin() {
      return "CROSS JOIN";
    }

    @Override
    String insertionOrder() {
      return "rowid";
    }

    @Override
    String metadataText(String key, List<Object> args) {
      String path = "$.\"" + key + "\"";
      args.add(path);
      args.add(path);
      args.add(path);
      return "(CASE json_type(m.metadata, ?) WHEN 'text' THEN json_extract(m.metadata, ?)"
          + " ELSE m.metadata -> ? END)";
    }
  },

  POSTGRESQL {
    @Override
    String greatest() {
      return "greatest";
    }

    @Override
    String least() {
      return "least";
    }

    @Override
    String position(String haystack, String needle) {
      return "strpos(" + haystack + ", " + needle + ")";
    }

    @Override
    String skipLocked(String table) {
      return table == null ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE OF " + table + " SKIP LOCKED";
    }

    @Override
    String forUpdate() {
      return " FOR UPDATE";
    }

    @Override
    String withoutIndex(String column) {
      return column;
    }

    @Override
    String tagsFirstJoin() {
      return "JOIN";
    }

    @Override
    String insertionOrder() {
      // Queue ids begin with their creation time, so among messages created in the same
      // millisecond they are close to the order of arrival.
      return "id";
    }

    @Override
    String metadataText(String key, List<Object> args) {
      // ->> gives a string's characters and any other value's JSON text (42, 4.5, true).
      args.add(key);
      return "(m.metadata::jsonb ->> ?)";
    }
  };

  /** The two-argument function giving the larger value ({@code max} / {@code greatest}). */
  abstract String greatest();

  /** The two-argument function giving the smaller value ({@code min} / {@code least}). */
  abstract String least();

  /** An expression: the 1-based position of {@code needle} in {@code haystack}, 0 if absent. */
  abstract String position(String haystack, String needle);

  /**
   * What a claim's SELECT ends with so that concurrent claimers pass over each other's rows ({@code
   * table}: the alias to lock in a join, or null); empty with a single writer.
   */
  abstract String skipLocked(String table);

  /** What a read-before-update ends with to hold the row until the update; empty: one writer. */
  abstract String forUpdate();

  /** The column, kept from being answered by an index when the planner would choose badly. */
  abstract String withoutIndex(String column);

  /** The column that orders messages created in the same millisecond (SQLite's rowid). */
  abstract String insertionOrder();

  /** The join that makes the planner start from the tags table. */
  abstract String tagsFirstJoin();

  /**
   * An expression for the text of metadata key {@code key} of the message aliased {@code m} (a
   * string's characters, else the value's JSON text); adds its parameters to {@code args}.
   */
  abstract String metadataText(String key, List<Object> args);
}
