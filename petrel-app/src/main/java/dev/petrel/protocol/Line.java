package dev.petrel.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One line read by {@link SmtpInput}: its content without the line ending, how it ended, and
 * whether it was longer than the reader's limit (then {@code content} holds only the first octets
 * up to the limit, and the rest of the line was consumed and dropped).
 *
 * @param content the octets of the line without its ending (truncated when {@code tooLong})
 * @param octets the line's full length on the wire, ending included
 * @param ending how the line ended
 * @param tooLong whether {@code octets} exceeds the limit the line was read with
 */
public record Line(byte[] content, long octets, Ending ending, boolean tooLong) {

  /** How a line ended on the wire. */
  public enum Ending {
    /** {@code <CR><LF>}, the only correct ending (RFC 5321 §2.3.8). */
    CRLF,
    /** A bare {@code <LF>}: accepted from sloppy clients unless strict line endings are on. */
    BARE_LF,
    /** The stream ended before any line ending: the client went away mid-line. */
    EOF
  }

  /** Whether the content holds a CR that is not part of the line ending. */
  public boolean hasBareCr() {
    for (byte b : content) if (b == '\r') return true;
    return false;
  }

  /**
   * The content as text. Valid UTF-8 decodes as such; anything else decodes octet by octet as
   * Latin-1 so that nothing is lost (callers check {@link #isUtf8()} where it matters).
   */
  public String text() {
    if (isAscii()) return new String(content, StandardCharsets.ISO_8859_1);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(content))
          .toString();
    } catch (CharacterCodingException e) {
      return new String(content, StandardCharsets.ISO_8859_1);
    }
  }

  /** Whether the content is well-formed UTF-8 (plain ASCII is). */
  public boolean isUtf8() {
    if (isAscii()) return true;
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(content));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private boolean isAscii() {
    for (byte b : content) if (b < 0) return false;
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Line l
        && java.util.Arrays.equals(l.content, content)
        && l.octets == octets
        && l.ending == ending
        && l.tooLong == tooLong;
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(content) * 31 + ending.hashCode();
  }

  @Override
  public String toString() {
    return "Line[" + text() + ", " + ending + (tooLong ? ", too long" : "") + "]";
  }
}
