package dev.petrel.accept;

import dev.petrel.model.EmailAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The trace header Petrel puts on top of every accepted message (RFC 5321 §4.4), naming the
 * protocol as RFC 3848 and RFC 6531 §3.7.3 register it ({@code ESMTPSA}, {@code UTF8SMTPS}...) and
 * the queue id, so the message can be found from its headers.
 */
final class ReceivedHeader {

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private ReceivedHeader() {}

  /**
   * @param heloName what the client said in EHLO/HELO
   * @param client the client's address
   * @param tls the TLS description, or null when the connection is not encrypted
   * @param singleRecipient named in a {@code for} clause; null when there are several (their
   *     addresses are not revealed to each other)
   */
  static byte[] format(
      String heloName,
      InetAddress client,
      String hostname,
      String protocol,
      String queueId,
      String tls,
      EmailAddress singleRecipient,
      boolean utf8,
      Instant when) {
    StringBuilder b = new StringBuilder(256);
    b.append("Received: from ").append(clean(heloName, utf8));
    b.append(" (").append(literal(client)).append(")\r\n");
    if (tls != null) b.append("\t(using ").append(comment(tls)).append(")\r\n");
    b.append("\tby ").append(hostname).append(" (Petrel) with ").append(protocol);
    b.append(" id ").append(queueId);
    if (singleRecipient != null)
      b.append("\r\n\tfor <").append(clean(singleRecipient.toString(), utf8)).append('>');
    b.append(";\r\n\t").append(DATE.format(when)).append("\r\n");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The protocol keyword: SMTP, ESMTP[S][A] (RFC 3848) or UTF8SMTP[S][A] (RFC 6531). */
  static String protocol(boolean esmtp, boolean utf8, boolean secure, boolean authenticated) {
    if (!esmtp) return "SMTP";
    return (utf8 ? "UTF8SMTP" : "ESMTP") + (secure ? "S" : "") + (authenticated ? "A" : "");
  }

  /** An address literal, {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]} (RFC 5321 §4.1.3). */
  static String literal(InetAddress a) {
    if (a == null) return "unknown";
    String host = a.getHostAddress();
    int scope = host.indexOf('%');
    if (scope >= 0) host = host.substring(0, scope);
    return a instanceof Inet6Address ? "[IPv6:" + host + "]" : "[" + host + "]";
  }

  /** Text for inside a comment: single spaces kept, anything that could end the comment not. */
  private static String comment(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c >= 32 && c < 127 && "()\\".indexOf(c) < 0 ? c : '?');
    }
    return b.toString();
  }

  /** Client-given text made safe for a header: no controls, no comment or quote delimiters. */
  private static String clean(String s, boolean utf8) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = c > 32 && c < 127 && "()\\\";".indexOf(c) < 0 || c >= 160 && utf8;
      b.append(ok ? c : '?');
    }
    return b.toString();
  }
}
