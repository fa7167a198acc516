package dev.petrel.api;

import dev.petrel.model.EmailAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.message.BodyPart;
import org.apache.james.mime4j.message.BodyPartBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.message.MultipartBuilder;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawField;

/**
 * Turns a structured {@link MessageRequest} into an RFC 5322 message with Apache mime4j's builder:
 * text and HTML as {@code multipart/alternative}, attachments in a {@code multipart/mixed} around
 * it, text in quoted-printable UTF-8, files in base64, display names as encoded words where they
 * need it. Bcc recipients are in the envelope only, never in a header; tags are not written here
 * (the API keeps them in the stored copy only).
 */
final class MessageComposer {

  private MessageComposer() {}

  static byte[] compose(MessageRequest r, String messageId, Date date) throws IOException {
    Message.Builder m = Message.Builder.of();
    m.setFrom(mailbox(r.from()));
    if (!r.to().isEmpty()) m.setTo(mailboxes(r.to()));
    if (!r.cc().isEmpty()) m.setCc(mailboxes(r.cc()));
    if (!r.replyTo().isEmpty()) m.setReplyTo(mailboxes(r.replyTo()));
    if (r.subject() != null) m.setSubject(r.subject());
    m.setDate(date);
    m.setField(new RawField("Message-ID", messageId)); // with its angle brackets (RFC 5322)
    m.setField(new RawField("MIME-Version", "1.0"));
    // mime4j's writer folds each field at its spaces (RFC 5322 §2.2.3); a value with no space to
    // fold at stays one long line, and the header rules refuse it (422).
    for (Map.Entry<String, String> h : r.headers().entrySet())
      m.addField(new RawField(h.getKey(), h.getValue()));

    BodyPart content = content(r);
    if (r.attachments().isEmpty()) {
      copyInto(m, content);
    } else {
      MultipartBuilder mixed = MultipartBuilder.create("mixed");
      mixed.addBodyPart(content);
      for (MessageRequest.Attachment a : r.attachments()) {
        mixed.addBodyPart(
            BodyPartBuilder.create()
                .setBody(a.content(), a.contentType())
                .setContentType(a.contentType())
                .setContentTransferEncoding("base64")
                .setContentDisposition("attachment", a.filename())
                .build());
      }
      m.setBody(mixed.build());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new DefaultMessageWriter().writeMessage(m.build(), out);
    return out.toByteArray();
  }

  private static BodyPart content(MessageRequest r) throws IOException {
    if (r.text() != null && r.html() != null) {
      MultipartBuilder alt = MultipartBuilder.create("alternative");
      alt.addBodyPart(text(r.text(), "plain"));
      alt.addBodyPart(text(r.html(), "html"));
      return BodyPartBuilder.create().setBody(alt.build()).build();
    }
    return r.text() != null ? text(r.text(), "plain") : text(r.html(), "html");
  }

  private static BodyPart text(String s, String subtype) throws IOException {
    // JSON text breaks lines with a bare LF; mime4j's quoted-printable writer keeps a bare LF as
    // it is, and mail must break lines with CRLF (RFC 5322 section 2.3; receivers such as Postfix
    // with smtpd_forbid_bare_newline refuse anything else).
    String lines = s.replaceAll("\r\n|\r|\n", "\r\n");
    return BodyPartBuilder.create()
        .setBody(lines, subtype, StandardCharsets.UTF_8)
        .setContentType("text/" + subtype, new NameValuePair("charset", "utf-8"))
        .setContentTransferEncoding("quoted-printable")
        .build();
  }

  /** Moves a single part's body and content headers to the message itself. */
  private static void copyInto(Message.Builder m, BodyPart part) {
    for (var f : part.getHeader().getFields()) m.setField(f);
    m.setBody(part.removeBody());
  }

  private static Mailbox mailbox(MessageRequest.Named n) {
    EmailAddress a = n.address();
    return new Mailbox(n.name(), unquoted(a.localPart()), a.domain());
  }

  /**
   * A quoted local part's content ({@code "a b"} gives {@code a b}): mime4j quotes a local part
   * that needs it when it writes the address, so a quoted one given as it is would be quoted twice
   * and name another mailbox than the envelope's.
   */
  static String unquoted(String local) {
    if (local.length() < 2 || !local.startsWith("\"") || !local.endsWith("\"")) return local;
    StringBuilder out = new StringBuilder(local.length());
    for (int i = 1; i < local.length() - 1; i++) {
      char c = local.charAt(i);
      if (c == '\\' && i + 1 < local.length() - 1) c = local.charAt(++i);
      out.append(c);
    }
    return out.toString();
  }

  private static List<Mailbox> mailboxes(List<MessageRequest.Named> list) {
    List<Mailbox> out = new ArrayList<>(list.size());
    for (MessageRequest.Named n : list) out.add(mailbox(n));
    return out;
  }
}
