package dev.petrel.content;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.util.MimeUtil;

/**
 * Who a message says it is from: the domains of every address in its From field (RFC 5322 §3.6.2
 * allows a list), read with mime4j's address parser, so that a door can check each one against the
 * account's sender domains as it checks the envelope sender.
 */
public final class HeaderFrom {

  private HeaderFrom() {}

  /** A From field that names no address Petrel can read. */
  public static final class UnreadableException extends Exception {
    UnreadableException(String message) {
      super(message);
    }
  }

  /**
   * The domains (lower case, without a final dot, each once) of the addresses in the From fields
   * {@link SubmissionFilter#fromFields()} kept.
   *
   * @throws UnreadableException when a field cannot be parsed or holds an address without a domain
   */
  public static Set<String> domains(List<byte[]> fields) throws UnreadableException {
    Set<String> out = new LinkedHashSet<>();
    for (byte[] field : fields) {
      String text = MimeUtil.unfold(new String(field, StandardCharsets.UTF_8)).strip();
      String value = text.substring(text.indexOf(':') + 1);
      List<Mailbox> boxes;
      try {
        boxes = DefaultAddressParser.DEFAULT.parseAddressList(value).flatten();
      } catch (Exception e) {
        throw new UnreadableException("the From header cannot be read: " + value.strip());
      }
      if (boxes.isEmpty()) throw new UnreadableException("the From header names no address");
      for (Mailbox m : boxes) {
        String d = m.getDomain();
        if (d == null || d.isBlank())
          throw new UnreadableException("the From address " + m.getAddress() + " has no domain");
        d = d.strip().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) d = d.substring(0, d.length() - 1);
        out.add(d);
      }
    }
    return out;
  }
}
