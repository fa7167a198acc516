package dev.petrel.status.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the fields of an RFC 3464 delivery-status body: the per-message group, then one group per
 * recipient. Tolerant of what generators get wrong: missing blank lines between recipients, folded
 * values, fields in any case, and the same fields written into a plain-text part.
 */
final class DsnFields {

  /** The fields of one recipient group that matter for classification. */
  static final class Rcpt {
    String finalRecipient;
    String originalRecipient;
    String actualRecipient;
    String action;
    String status;
    String diagnosticType;
    String diagnostic;
    String remoteMta;
    String reportingMta;

    /** Read once the group is complete (it is not changed after that). */
    private String address;

    private boolean addressRead;

    String address() {
      if (addressRead) return address;
      String a = addressOf(finalRecipient);
      if (a == null) a = addressOf(actualRecipient);
      if (a == null) a = addressOf(originalRecipient);
      if (a == null) a = malformed(finalRecipient);
      address = a;
      addressRead = true;
      return a;
    }

    /**
     * Whether the address comes from the Original-Recipient alone: the Final-Recipient (and any
     * X-Actual-Recipient) name no address that can be read.
     */
    boolean onlyOriginalNamesAddress() {
      return addressOf(finalRecipient) == null
          && addressOf(actualRecipient) == null
          && addressOf(originalRecipient) != null;
    }

    /** Sets the address when the fields name none that can be read (see BounceParser). */
    void resolvedTo(String a) {
      address = a;
      addressRead = true;
    }

    /**
     * The mailbox name the recipient fields give without a domain ("rfc822; bob"), or null: a local
     * delivery agent may name the mailbox only.
     */
    String mailboxName() {
      for (String v : new String[] {finalRecipient, actualRecipient, originalRecipient}) {
        if (v == null) continue;
        int semi = v.indexOf(';');
        String name = (semi >= 0 ? v.substring(semi + 1) : v).strip();
        if (name.startsWith("<") && name.endsWith(">")) name = name.substring(1, name.length() - 1);
        String m = AddressPlaces.mailboxAt("<" + name + ">");
        if (m != null && m.length() == name.length()) return m;
      }
      return null;
    }

    /** Action delivered, relayed or expanded (RFC 3464 §2.3.3): not a failure. */
    boolean succeeded() {
      return "delivered".equals(action) || "relayed".equals(action) || "expanded".equals(action);
    }

    boolean hasAny() {
      return finalRecipient != null
          || originalRecipient != null
          || action != null
          || status != null;
    }
  }

  /** The per-message fields and the recipient groups. */
  record Report(String reportingMta, List<Rcpt> recipients) {}

  private DsnFields() {}

  /**
   * True when a text holds DSN recipient fields (Final-Recipient or Original-Recipient, and Action
   * or Status).
   */
  static boolean looksLikeDsn(String text) {
    if (text == null || !recipientColon(text)) return false;
    String l = text.toLowerCase(Locale.ROOT);
    return (hasField(l, "final-recipient:") || hasField(l, "original-recipient:"))
        && (hasField(l, "action:") || hasField(l, "status:"));
  }

  /**
   * True when a part typed message/delivery-status holds no DSN field at all: no recipient field
   * and no Reporting-MTA. Some report generators (an InterMail server, for one) give the
   * human-readable notice that type too; its text is then the notice, not fields.
   */
  static boolean noticeMistypedAsDsn(String text) {
    if (text == null || text.isBlank() || recipientColon(text)) return false;
    return !hasField(text.toLowerCase(Locale.ROOT), "reporting-mta:");
  }

  /**
   * False when the text cannot hold DSN recipient fields, nor can any text made of parts of its
   * lines; a quick test before {@link #looksLikeDsn}.
   */
  static boolean mayHoldDsn(String text) {
    return text != null && recipientColon(text);
  }

  /**
   * Whether "recipient:" stands in the text in any case: both recipient fields need it, and most
   * texts have none, which this finds without a lower-case copy of the text.
   */
  private static boolean recipientColon(String text) {
    for (int c = text.indexOf(':'); c >= 0; c = text.indexOf(':', c + 1)) {
      if (c >= 9 && text.regionMatches(true, c - 9, "recipient", 0, 9)) return true;
    }
    return false;
  }

  private static boolean hasField(String lower, String name) {
    int i = lower.indexOf(name);
    while (i >= 0) {
      if (i == 0
          || lower.charAt(i - 1) == '\n'
          || lower.charAt(i - 1) == ' '
          || lower.charAt(i - 1) == '>') return true;
      i = lower.indexOf(name, i + 1);
    }
    return false;
  }

  static Report parse(String text) {
    List<Rcpt> out = new ArrayList<>();
    String reportingMta = null;
    Rcpt cur = new Rcpt();
    String[] lines = text.split("\n", -1);
    String lastName = null;
    int count = 0;
    for (String raw : lines) {
      if (++count > 20000) break;
      String line = stripQuote(raw);
      if (line.isBlank()) {
        if (cur.hasAny()) {
          finish(cur, out, reportingMta);
          cur = new Rcpt();
        }
        lastName = null;
        continue;
      }
      if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && lastName != null) {
        append(cur, lastName, line.trim());
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || colon > 40 || !fieldName(line.substring(0, colon))) {
        // A long Diagnostic-Code folded without the leading white space that marks a continued
        // field (the example report of RFC 1894, kept in RFC 3464, writes "...is not a" and
        // "registered gateway user" on two lines): a line that is no field goes on with it.
        if ("diagnostic-code".equals(lastName)) {
          append(cur, lastName, line.trim());
          continue;
        }
        lastName = null;
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      lastName = name;
      switch (name) {
        case "reporting-mta" -> {
          if (cur.hasAny()) {
            cur.reportingMta = typed(value);
          } else {
            reportingMta = typed(value);
          }
        }
        case "final-recipient" -> {
          if (cur.finalRecipient != null) {
            finish(cur, out, reportingMta);
            cur = new Rcpt();
          }
          cur.finalRecipient = value;
        }
        case "original-recipient" -> {
          if (cur.originalRecipient != null) {
            finish(cur, out, reportingMta);
            cur = new Rcpt();
          }
          cur.originalRecipient = value;
        }
        case "x-actual-recipient" -> cur.actualRecipient = value;
        case "action" -> cur.action = actionWord(value.toLowerCase(Locale.ROOT));
        case "status" -> cur.status = value;
        case "remote-mta" -> cur.remoteMta = value;
        case "diagnostic-code" -> {
          int semi = value.indexOf(';');
          if (semi > 0 && semi < 20 && value.substring(0, semi).indexOf(' ') < 0) {
            cur.diagnosticType = value.substring(0, semi).trim();
            cur.diagnostic = value.substring(semi + 1).trim();
          } else {
            cur.diagnostic = value;
          }
        }
        default -> {}
      }
    }
    if (cur.hasAny()) finish(cur, out, reportingMta);
    return new Report(reportingMta, out);
  }

  /** A field name as RFC 5322 writes it: letters, digits and hyphens, nothing else. */
  private static boolean fieldName(String s) {
    String n = s.trim();
    if (n.isEmpty()) return false;
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (!(c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
        return false;
    }
    return true;
  }

  /** The action keyword: what stands before the first white space, "(" or ";". */
  private static String actionWord(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r')
        return value.substring(0, i);
      if (c == '(' || c == ';') return value.substring(0, i);
    }
    return value;
  }

  private static void finish(Rcpt r, List<Rcpt> out, String reportingMta) {
    if (r.reportingMta == null) r.reportingMta = reportingMta;
    if (r.address() == null && r.action == null) return;
    if (r.address() == null && r.status == null) return;
    out.add(r);
  }

  private static void append(Rcpt r, String name, String more) {
    switch (name) {
      case "diagnostic-code" ->
          r.diagnostic = r.diagnostic == null ? more : r.diagnostic + " " + more;
      case "remote-mta" -> r.remoteMta = r.remoteMta == null ? more : r.remoteMta + " " + more;
      case "final-recipient" -> r.finalRecipient = r.finalRecipient + " " + more;
      case "status" -> r.status = r.status == null ? more : r.status + " " + more;
      default -> {}
    }
  }

  /** Drops a leading "> " quote mark (a DSN forwarded inline). */
  private static String stripQuote(String line) {
    if (line.startsWith("> ")) return line.substring(2);
    if (line.equals(">")) return "";
    return line;
  }

  /** The value after "type;" (e.g. "dns; mx.example" gives "mx.example"). */
  static String typed(String value) {
    if (value == null) return null;
    int semi = value.indexOf(';');
    String v = semi >= 0 && semi < 20 ? value.substring(semi + 1) : value;
    v = v.trim();
    int sp = v.indexOf(' ');
    if (sp > 0) v = v.substring(0, sp);
    return v.isEmpty() ? null : v;
  }

  /**
   * The address of a recipient field as written when it is no valid address but plainly stands for
   * one: one word with a local part, an "@" and a domain with a dot, which the address reader
   * refuses for a character no domain may hold ("bob@#example.org", "bob@example..org"), or a
   * domain of a single label, which the address reader leaves to free text ("bob@mailhost"). RFC
   * 3464 §2.3.2 makes the Final-Recipient the address the reporting MTA was given; a mistyped
   * address is just what fails (sendmail reports it as "Host unknown"), and it is this recipient,
   * not another address of the mail. Null for anything else.
   */
  static String malformed(String value) {
    if (value == null) return null;
    int semi = value.indexOf(';');
    String v = (semi >= 0 ? value.substring(semi + 1) : value).strip();
    if (v.startsWith("<") && v.endsWith(">")) v = v.substring(1, v.length() - 1).strip();
    int at = v.indexOf('@');
    if (at <= 0 || at != v.lastIndexOf('@') || v.length() > 320) return null;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (Character.isWhitespace(c) || c == '<' || c == '>' || c == '"' || c == ',' || c == ';')
        return null;
    }
    if (v.charAt(0) == '/' || v.charAt(0) == '|') return null;
    if (v.indexOf('.', at) < 0 && !singleLabel(v.substring(at + 1))) return null;
    return v.toLowerCase(Locale.ROOT);
  }

  /**
   * A domain of one label ("localhost", "mailhost"): letters, digits and inner hyphens, with a
   * letter in it. RFC 5321 §2.3.5 wants fully qualified names on the Internet, but an MTA names the
   * address it was given, and inside a site mail goes to such names (Exim's test suite routes
   * "userx@domain1" to a local server).
   */
  private static boolean singleLabel(String d) {
    if (d.isEmpty() || d.length() > 63 || d.startsWith("-") || d.endsWith("-")) return false;
    boolean letter = false;
    for (int i = 0; i < d.length(); i++) {
      char c = d.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) letter = true;
      else if (!(c >= '0' && c <= '9') && c != '-') return false;
    }
    return letter;
  }

  /** The address in "rfc822; a@b", or null. */
  static String addressOf(String value) {
    if (value == null) return null;
    return Addresses.first(value);
  }
}
