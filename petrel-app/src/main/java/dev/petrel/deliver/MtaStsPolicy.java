package dev.petrel.deliver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A recipient domain's MTA-STS policy as its policy file says (RFC 8461 §3.2,
 * https://www.rfc-editor.org/rfc/rfc8461#section-3.2), and the id of the TXT record it was fetched
 * under (§3.1).
 *
 * @param id the {@code id} of the {@code _mta-sts} TXT record the policy was fetched for
 * @param mode what to do with servers that do not pass: enforce, testing, none
 * @param mx the MX host patterns ({@code mx.example.com}, {@code *.example.net})
 * @param maxAge how long the policy may be kept (at most 31557600 seconds, about a year)
 * @param lines the policy file's lines as received (for TLS reports, RFC 8460 §4.3)
 */
public record MtaStsPolicy(
    String id, Mode mode, List<String> mx, Duration maxAge, List<String> lines) {

  /** RFC 8461 §3.2 {@code mode}. */
  public enum Mode {
    /** Deliver only to listed MX hosts over verified TLS. */
    ENFORCE,
    /** Deliver as without a policy, but report what would have failed. */
    TESTING,
    /** The domain withdrew its policy. */
    NONE;

    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The largest max_age (RFC 8461 §3.2: 31557600 seconds). */
  public static final long MAX_AGE_LIMIT = 31_557_600L;

  /** A policy file that does not follow RFC 8461 §3.2; the message says which line and why. */
  public static final class InvalidPolicyException extends Exception {
    public InvalidPolicyException(String message) {
      super(message);
    }
  }

  // RFC 8461 §3.2: sts-policy-mx-value = ["*."] Let-dig ... a domain name, optionally with a
  // wildcard as the whole leftmost label.
  private static final Pattern MX_PATTERN =
      Pattern.compile(
          "(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");

  public MtaStsPolicy {
    mx = List.copyOf(mx);
    lines = List.copyOf(lines);
  }

  /**
   * Parses a policy file strictly (RFC 8461 §3.2): lines end in CRLF or LF; each is {@code
   * key:value} with optional white space after the colon and at the end; {@code version} must be
   * {@code STSv1}; {@code mode} one of enforce, testing, none; {@code max_age} 0 to 31557600
   * digits; {@code mx} at least once unless the mode is none, each a host name, possibly with
   * {@code *.} in front. Unknown keys are ignored (extensions); of a key other than {@code mx}
   * given twice the first counts.
   *
   * @throws InvalidPolicyException naming what is wrong
   */
  public static MtaStsPolicy parse(String id, String text) throws InvalidPolicyException {
    String version = null;
    Mode mode = null;
    Long maxAge = null;
    List<String> mx = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    String[] raw = text.split("\r?\n", -1);
    for (int i = 0; i < raw.length; i++) {
      String line = raw[i];
      if (line.isEmpty()) continue; // the final line break, or a blank line
      lines.add(line);
      int colon = line.indexOf(':');
      if (colon <= 0)
        throw new InvalidPolicyException("line " + (i + 1) + " is not \"key: value\": " + line);
      String key = line.substring(0, colon);
      if (!key.matches("[A-Za-z0-9_.-]{1,32}"))
        throw new InvalidPolicyException("line " + (i + 1) + " has a malformed key: " + key);
      String value = line.substring(colon + 1).strip();
      switch (key) {
        case "version" -> {
          if (version == null) version = value;
        }
        case "mode" -> {
          if (mode == null)
            mode =
                switch (value) {
                  case "enforce" -> Mode.ENFORCE;
                  case "testing" -> Mode.TESTING;
                  case "none" -> Mode.NONE;
                  default ->
                      throw new InvalidPolicyException(
                          "mode must be enforce, testing or none, not \"" + value + "\"");
                };
        }
        case "max_age" -> {
          if (maxAge == null) {
            if (!DIGITS.matcher(value).matches())
              throw new InvalidPolicyException(
                  "max_age must be 1 to 10 digits, not \"" + value + "\"");
            long v = Long.parseLong(value);
            if (v > MAX_AGE_LIMIT)
              throw new InvalidPolicyException(
                  "max_age " + v + " is over the limit of " + MAX_AGE_LIMIT + " seconds");
            maxAge = v;
          }
        }
        case "mx" -> {
          if (!MX_PATTERN.matcher(value).matches())
            throw new InvalidPolicyException("mx \"" + value + "\" is not a host name pattern");
          String v = value.toLowerCase(Locale.ROOT);
          mx.add(v.endsWith(".") ? v.substring(0, v.length() - 1) : v);
        }
        default -> {
          // RFC 8461 §3.2: fields not known here are extensions and are ignored
        }
      }
    }
    if (version == null) throw new InvalidPolicyException("the version field is missing");
    if (!version.equals("STSv1"))
      throw new InvalidPolicyException("version must be STSv1, not \"" + version + "\"");
    if (mode == null) throw new InvalidPolicyException("the mode field is missing");
    if (maxAge == null) throw new InvalidPolicyException("the max_age field is missing");
    if (mx.isEmpty() && mode != Mode.NONE)
      throw new InvalidPolicyException(
          "no mx field: a policy in " + mode.text() + " mode needs one");
    return new MtaStsPolicy(id, mode, mx, Duration.ofSeconds(maxAge), lines);
  }

  /** Whether {@code host} is one of the policy's MX hosts (RFC 8461 §4.1). */
  public boolean allows(String host) {
    for (String pattern : mx) if (matches(pattern, host)) return true;
    return false;
  }

  /**
   * RFC 8461 §4.1: a pattern matches the host literally (case-insensitively), or, starting with
   * {@code *.}, matches a host with exactly one more label in front ({@code *.example.com} matches
   * {@code mx.example.com}, not {@code example.com} nor {@code a.b.example.com}).
   */
  public static boolean matches(String pattern, String host) {
    String p = trimDot(pattern.toLowerCase(Locale.ROOT));
    String h = trimDot(host.toLowerCase(Locale.ROOT));
    if (!p.startsWith("*.")) return p.equals(h);
    int dot = h.indexOf('.');
    return dot > 0 && h.substring(dot + 1).equals(p.substring(2));
  }

  private static String trimDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * The {@code id} of an {@code _mta-sts} TXT record (RFC 8461 §3.1), or null when it is not a
   * valid STSv1 record: {@code v=STSv1} first, fields separated by semicolons, an id of 1 to 32
   * letters and digits.
   */
  public static String recordId(String txt) {
    String[] fields = txt.split(";", -1);
    if (fields.length < 2 || !fields[0].strip().equals("v=STSv1")) return null;
    if (!txt.startsWith("v=STSv1")) return null;
    String id = null;
    for (int i = 1; i < fields.length; i++) {
      String f = fields[i].strip();
      if (f.isEmpty()) {
        if (i == fields.length - 1) continue; // a trailing semicolon
        return null;
      }
      int eq = f.indexOf('=');
      if (eq <= 0) return null;
      if (f.substring(0, eq).equals("id") && id == null) id = f.substring(eq + 1);
    }
    return id != null && id.matches("[A-Za-z0-9]{1,32}") ? id : null;
  }

  /** The policy in a few words: {@code mta-sts enforce id=20240101}. */
  public String describe() {
    return "mta-sts " + mode.text() + " id=" + id;
  }

  /** The policy file as received, lines joined with CRLF (for the store). */
  public String text() {
    return String.join("\r\n", lines) + "\r\n";
  }
}
