package dev.petrel.protocol;

/**
 * The argument of BDAT (RFC 3030 §2): {@code chunk-size [SP "LAST"]}. The chunk's octets follow the
 * command line directly, exactly {@code size} of them, with no stuffing and no terminator.
 *
 * @param size the chunk's length in octets
 * @param last whether this chunk ends the message
 */
public record ChunkHeader(long size, boolean last) {

  /** Longer numbers cannot be a real chunk and would overflow. */
  static final int MAX_DIGITS = 18;

  public ChunkHeader {
    if (size < 0) throw new IllegalArgumentException("chunk size must not be negative");
  }

  /**
   * Parses the text after {@code BDAT }.
   *
   * @throws CommandRejectedException 501 5.5.4 when it is not {@code size [LAST]}
   */
  public static ChunkHeader parse(String argument) throws CommandRejectedException {
    String[] parts = argument.split(" +");
    if (parts.length < 1 || parts.length > 2 || parts[0].isEmpty()) throw syntax();
    String digits = parts[0];
    if (digits.length() > MAX_DIGITS) throw syntax();
    for (int i = 0; i < digits.length(); i++)
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') throw syntax();
    boolean last = parts.length == 2;
    if (last && !parts[1].equalsIgnoreCase("LAST")) throw syntax();
    return new ChunkHeader(Long.parseLong(digits), last);
  }

  private static CommandRejectedException syntax() {
    return new CommandRejectedException(501, "5.5.4", "Syntax: BDAT chunk-size [LAST]");
  }
}
