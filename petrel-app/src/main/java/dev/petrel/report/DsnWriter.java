package dev.petrel.report;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import dev.petrel.model.Recipient;
import dev.petrel.queue.MessageStore;
import dev.petrel.queue.Spool;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StoredMessage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes delivery status notifications (RFC 3464) to the envelope sender of a message that failed:
 * a multipart/report with a part for people, the machine-readable message/delivery-status part, and
 * the original message's headers (or the whole message when the client asked RET=FULL). The notice
 * is queued like any other message, from the null sender, so it is never answered by a notice of
 * its own; a message from the null sender never gets one.
 */
public final class DsnWriter {

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
  private static final int MAX_DIAGNOSTIC = 900;
  private static final int MAX_HEADER_BYTES = 256 * 1024;

  /**
   * One recipient the notice is about.
   *
   * @param recipient the address with its DSN parameters (ORCPT, NOTIFY)
   * @param action the DSN action: {@code failed} (bounced or expired) or {@code delayed}
   * @param status the enhanced status code, e.g. {@code 5.1.1} ({@code 4.4.7} for expired)
   * @param remoteMta the host that answered, or null
   * @param code the remote reply's basic code, or null when there was no reply
   * @param enhanced the remote reply's enhanced code as given, or null
   * @param text the remote reply's text, or null
   * @param lastAttempt when it was last tried, or null
   * @param explanation a sentence for people (e.g. the status engine's meaning), or null
   */
  public record Failure(
      Recipient recipient,
      String action,
      String status,
      String remoteMta,
      Integer code,
      String enhanced,
      String text,
      Instant lastAttempt,
      String explanation) {

    public Failure {
      Objects.requireNonNull(recipient, "recipient");
      if (!"failed".equals(action) && !"delayed".equals(action))
        throw new IllegalArgumentException("a notice reports failed or delayed, not " + action);
      if (status == null || !status.matches("[245]\\.\\d{1,3}\\.\\d{1,3}"))
        throw new IllegalArgumentException("not an enhanced status code: " + status);
    }
  }

  private final String reportingMta;
  private final InstantSource clock;

  /**
   * @param reportingMta this server's host name, as in its greeting
   */
  public DsnWriter(String reportingMta, InstantSource clock) {
    if (reportingMta == null || reportingMta.isBlank())
      throw new IllegalArgumentException("the reporting MTA needs a host name");
    this.reportingMta = reportingMta.trim();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The recipients a notice may report: none when the message came from the null sender; else those
   * whose NOTIFY asks for it (RFC 3461 §4.1: absent means failures only, NEVER means none).
   */
  public static List<Failure> notifiable(StoredMessage original, List<Failure> failures) {
    if (original.sender() == null) return List.of();
    return failures.stream().filter(f -> wants(f.recipient().dsnNotify(), f.action())).toList();
  }

  private static boolean wants(String notify, String action) {
    if (notify == null || notify.isBlank()) return action.equals("failed");
    String n = notify.toUpperCase(Locale.ROOT);
    if (n.contains("NEVER")) return false;
    return n.contains(action.equals("failed") ? "FAILURE" : "DELAY");
  }

  /**
   * Queues a notice about {@code failures} to the original sender. Empty (nothing queued) when no
   * recipient is {@link #notifiable}.
   *
   * @throws StorageException when the store cannot take the notice (the caller retries later)
   * @throws IOException when the original body cannot be read
   */
  public Optional<QueueId> enqueue(
      MessageStore store, StoredMessage original, List<Failure> failures)
      throws StorageException, IOException {
    List<Failure> report = notifiable(original, failures);
    if (report.isEmpty()) return Optional.empty();
    EmailAddress to = original.sender();
    Envelope envelope =
        new Envelope(
            null,
            List.of(Recipient.of(to)),
            "8BITMIME",
            to.needsUtf8(),
            null,
            null,
            original.account(),
            null,
            null,
            reportingMta);
    try (Spool spool = store.begin(envelope);
        InputStream body = store.openBody(original.id())) {
      OutputStream out = new BufferedOutputStream(spool.body(), 16 * 1024);
      write(original, report, body, out);
      out.flush();
      return Optional.of(spool.commit());
    }
  }

  /** Writes the notice (headers and body, CRLF line ends) about {@code failures} to {@code out}. */
  public void write(
      StoredMessage original, List<Failure> failures, InputStream originalBody, OutputStream out)
      throws IOException {
    if (original.sender() == null)
      throw new IllegalArgumentException("no notice for a message from the null sender");
    if (failures.isEmpty()) throw new IllegalArgumentException("a notice needs a recipient");
    Instant now = clock.instant();
    String boundary = "=_petrel-dsn-" + UUID.randomUUID();
    boolean failed = failures.stream().anyMatch(f -> f.action().equals("failed"));
    boolean full = "FULL".equalsIgnoreCase(original.dsnRet());

    StringBuilder h = new StringBuilder();
    line(h, "From: Mail Delivery System <MAILER-DAEMON@" + reportingMta + ">");
    line(h, "To: <" + original.sender() + ">");
    line(
        h,
        "Subject: "
            + (failed
                ? "Undelivered Mail Returned to Sender"
                : "Delayed Mail (still being retried)"));
    line(h, "Date: " + DATE.format(now));
    line(h, "Message-ID: <" + UUID.randomUUID() + "@" + reportingMta + ">");
    line(h, "Auto-Submitted: auto-replied");
    multipartReport(h, "delivery-status", boundary);

    line(h, "--" + boundary);
    line(h, "Content-Description: Notification");
    line(h, "Content-Type: text/plain; charset=utf-8");
    line(h, "Content-Transfer-Encoding: 8bit");
    line(h, "");
    human(h, original, failures, failed);
    line(h, "");

    line(h, "--" + boundary);
    line(h, "Content-Description: Delivery report");
    line(h, "Content-Type: message/delivery-status");
    line(h, "");
    line(h, "Reporting-MTA: dns; " + reportingMta);
    if (original.dsnEnvid() != null)
      line(h, "Original-Envelope-Id: " + oneLine(original.dsnEnvid()));
    line(h, "X-Petrel-Queue-ID: " + original.id());
    line(h, "Arrival-Date: " + DATE.format(original.created()));
    for (Failure f : failures) {
      line(h, "");
      if (f.recipient().dsnOrcpt() != null)
        line(h, "Original-Recipient: " + oneLine(f.recipient().dsnOrcpt()));
      line(h, "Final-Recipient: rfc822; " + f.recipient().address());
      line(h, "Action: " + f.action());
      line(h, "Status: " + f.status());
      if (f.remoteMta() != null) line(h, "Remote-MTA: dns; " + oneLine(f.remoteMta()));
      if (f.code() != null) line(h, "Diagnostic-Code: smtp; " + diagnostic(f));
      if (f.lastAttempt() != null) line(h, "Last-Attempt-Date: " + DATE.format(f.lastAttempt()));
    }
    line(h, "");

    line(h, "--" + boundary);
    if (full) {
      line(h, "Content-Description: Undelivered message");
      line(h, "Content-Type: message/rfc822");
    } else {
      line(h, "Content-Description: Undelivered message headers");
      line(h, "Content-Type: text/rfc822-headers");
    }
    line(h, "Content-Transfer-Encoding: 8bit");
    line(h, "");
    out.write(h.toString().getBytes(StandardCharsets.UTF_8));
    if (full) copyAll(originalBody, out);
    else copyHeaders(originalBody, out);
    out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  private void human(StringBuilder h, StoredMessage m, List<Failure> failures, boolean failed) {
    line(h, "This is the mail system at " + reportingMta + ".");
    line(h, "");
    if (failed) {
      line(h, "Your message could not be delivered to the recipients below; delivery has");
      line(h, "ended and will not be tried again.");
    } else {
      line(h, "Your message has not been delivered yet to the recipients below; delivery is");
      line(h, "still being retried. You do not need to send it again.");
    }
    String subject = m.headers().get("Subject");
    if (subject != null) line(h, "Subject of your message: " + oneLine(subject));
    line(h, "Queue id: " + m.id());
    for (Failure f : failures) {
      line(h, "");
      line(h, "<" + f.recipient().address() + ">:");
      if (f.code() != null)
        line(
            h,
            "    "
                + (f.remoteMta() == null ? "the remote server" : f.remoteMta())
                + " said: "
                + diagnostic(f));
      if (f.explanation() != null) line(h, "    " + oneLine(f.explanation()));
    }
  }

  private static String diagnostic(Failure f) {
    StringBuilder d = new StringBuilder().append(f.code());
    if (f.enhanced() != null) d.append(' ').append(f.enhanced());
    if (f.text() != null && !f.text().isBlank()) d.append(' ').append(oneLine(f.text()));
    String s = d.toString();
    return s.length() > MAX_DIAGNOSTIC ? s.substring(0, MAX_DIAGNOSTIC) + "..." : s;
  }

  /** Multi-line replies and header values become one line: the fields allow no bare line ends. */
  private static String oneLine(String s) {
    return s.replaceAll("[\\r\\n\\t]+", " ").strip();
  }

  /**
   * The MIME header fields of a multipart/report (RFC 6522) of the given report type (as its
   * parameter value is written), the blank line that ends the header and the preamble.
   */
  static void multipartReport(StringBuilder h, String reportType, String boundary) {
    line(h, "MIME-Version: 1.0");
    line(
        h,
        "Content-Type: multipart/report; report-type="
            + reportType
            + ";\r\n\tboundary=\""
            + boundary
            + "\"");
    line(h, "");
    line(h, "This is a MIME-encapsulated message.");
    line(h, "");
  }

  private static void line(StringBuilder b, String s) {
    b.append(s).append("\r\n");
  }

  private static void copyAll(InputStream in, OutputStream out) throws IOException {
    in.transferTo(out);
  }

  /** Copies the header block (up to the blank line), bounded, each line ending with CRLF. */
  private static void copyHeaders(InputStream raw, OutputStream out) throws IOException {
    InputStream in = raw.markSupported() ? raw : new java.io.BufferedInputStream(raw);
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(256);
    int total = 0;
    int b;
    while (total < MAX_HEADER_BYTES) {
      b = in.read();
      if (b < 0 || b == '\n') {
        byte[] l = line.toByteArray();
        int n = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
        if (n == 0) return; // the blank line that ends the headers, or the end of the message
        out.write(l, 0, n);
        out.write('\r');
        out.write('\n');
        total += n + 2;
        line.reset();
        if (b < 0) return;
      } else {
        if (line.size() >= MAX_HEADER_BYTES) return; // not a header block after all
        line.write(b);
      }
    }
  }
}
