package dev.petrel.app;

import dev.petrel.model.IpNetwork;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for configuration values. Each throws {@link IllegalArgumentException} whose message says
 * what is wrong with the text; the caller adds which option it was.
 */
final class ConfigValues {

  private ConfigValues() {}

  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?", Pattern.CASE_INSENSITIVE);

  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|min|h|d)?", Pattern.CASE_INSENSITIVE);

  static int port(String text) {
    int p = integer(text);
    if (p < 0 || p > 65535) throw new IllegalArgumentException("not a port number (0-65535)");
    return p;
  }

  /** A port, or -1 for {@code off}. */
  static int optionalPort(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("off") || t.equals("none") || t.isEmpty()) return -1;
    return port(text);
  }

  static int integer(String text) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a whole number");
    }
  }

  static int positive(String text) {
    int n = integer(text);
    if (n < 1) throw new IllegalArgumentException("must be at least 1");
    return n;
  }

  /**
   * Octets: a plain number of bytes, or with a unit. KB, MB, GB are powers of 1000; KiB, MiB, GiB
   * and the bare letters K, M, G (as in Java's -Xmx) are powers of 1024.
   */
  static long size(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches())
      throw new IllegalArgumentException("not a size (e.g. 26214400, 25MB, 25MiB, 25M)");
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("number too large");
    }
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long factor =
        switch (unit) {
          case "b" -> 1;
          case "kb" -> 1000;
          case "mb" -> 1000L * 1000;
          case "gb" -> 1000L * 1000 * 1000;
          case "k", "kib" -> 1024;
          case "m", "mib" -> 1024L * 1024;
          case "g", "gib" -> 1024L * 1024 * 1024;
          default -> throw new IllegalArgumentException("unknown unit '" + unit + "'");
        };
    try {
      return Math.multiplyExact(n, factor);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("number too large");
    }
  }

  /** A duration: seconds, or with ms/s/m/h/d, or ISO-8601 ({@code PT5M}). */
  static Duration duration(String text) {
    String t = text.strip();
    if (t.regionMatches(true, 0, "PT", 0, 2)) {
      try {
        Duration d = Duration.parse(t);
        if (d.isNegative()) throw new IllegalArgumentException("must not be negative");
        return d;
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not a duration (e.g. 300, 300s, 5m, PT5M)");
      }
    }
    Matcher m = DURATION.matcher(t);
    if (!m.matches())
      throw new IllegalArgumentException("not a duration (e.g. 300, 300s, 5m, PT5M)");
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("number too large");
    }
    String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m", "min" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException("unknown unit '" + unit + "'");
    };
  }

  /** How long finished mail is kept: a duration, or {@code 0}/{@code forever} (zero: for ever). */
  static Duration retention(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("forever") || t.equals("off") || t.equals("none")) return Duration.ZERO;
    try {
      return duration(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a duration (e.g. 30d, 12h, PT1H) nor forever");
    }
  }

  static boolean bool(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new IllegalArgumentException("not true or false");
    };
  }

  /** A list of CIDR networks separated by commas or white space; empty means none. */
  static List<IpNetwork> networks(String text) {
    List<IpNetwork> out = new ArrayList<>();
    for (String part : text.split("[,\\s]+")) {
      if (part.isEmpty()) continue;
      out.add(IpNetwork.parse(part));
    }
    return out;
  }

  /** An IP address literal, or null for "all addresses" (empty text). */
  static InetAddress address(String text) {
    String t = text.strip();
    if (t.isEmpty() || t.equals("*")) return null;
    if (!t.matches("[0-9a-fA-F:.]+"))
      throw new IllegalArgumentException("not an IP address (names are not looked up)");
    try {
      return InetAddress.getByName(t);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address");
    }
  }

  /** A host name for the greeting: letters, digits, dots and dashes (or an address literal). */
  static String hostname(String text) {
    String t = text.strip();
    if (!t.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.Iv]+\\]"))
      throw new IllegalArgumentException("not a host name");
    return t;
  }
}
