package dev.petrel.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * A TLS report as mail (RFC 8460 §5.3): a multipart/report of report-type {@code tlsrpt} with a
 * short note for people and the gzip-compressed JSON as an {@code application/tlsrpt+gzip}
 * attachment named as §5.1 asks ({@code submitter!policy-domain!begin!end.json.gz}); the subject
 * and the {@code TLS-Report-Domain} and {@code TLS-Report-Submitter} fields say what it is about.
 * https://www.rfc-editor.org/rfc/rfc8460#section-5.3
 */
public final class TlsReportMail {

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private TlsReportMail() {}

  /** The report compressed with gzip, as sent by mail and over HTTPS (RFC 8460 §5.1). */
  public static byte[] gzip(String json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The attachment's file name (RFC 8460 §5.1). */
  public static String fileName(String submitter, String policyDomain, LocalDate day) {
    long[] range = TlsReportJson.epochRange(day);
    return submitter + "!" + policyDomain + "!" + range[0] + "!" + range[1] + ".json.gz";
  }

  /**
   * The whole message (header and body, CRLF line ends).
   *
   * @param from the From address (the report contact, or postmaster of this host)
   * @param to the rua address
   * @param submitter this server's host name ("Submitter", TLS-Report-Submitter)
   */
  public static byte[] write(
      String from,
      String to,
      String submitter,
      String policyDomain,
      LocalDate day,
      String reportId,
      String json,
      Instant now) {
    String boundary = "=_petrel-tlsrpt-" + UUID.randomUUID();
    StringBuilder h = new StringBuilder();
    line(h, "From: <" + from + ">");
    line(h, "To: <" + to + ">");
    line(h, "Date: " + DATE.format(now));
    line(
        h,
        "Subject: Report Domain: "
            + policyDomain
            + " Submitter: "
            + submitter
            + " Report-ID: <"
            + reportId
            + ">");
    line(h, "Message-ID: <" + UUID.randomUUID() + "@" + submitter + ">");
    line(h, "TLS-Report-Domain: " + policyDomain);
    line(h, "TLS-Report-Submitter: " + submitter);
    line(h, "Auto-Submitted: auto-generated");
    DsnWriter.multipartReport(h, "\"tlsrpt\"", boundary);
    line(h, "--" + boundary);
    line(h, "Content-Type: text/plain; charset=us-ascii");
    line(h, "Content-Transfer-Encoding: 7bit");
    line(h, "");
    line(h, "This is an aggregate SMTP TLS report (RFC 8460) from " + submitter + ".");
    line(h, "It counts the TLS sessions this server set up, or failed to set up, with the");
    line(h, "mail servers of " + policyDomain + " on " + day + " (UTC).");
    line(h, "");
    line(h, "--" + boundary);
    String name = fileName(submitter, policyDomain, day);
    line(h, "Content-Type: application/tlsrpt+gzip; name=\"" + name + "\"");
    line(h, "Content-Transfer-Encoding: base64");
    line(h, "Content-Disposition: attachment; filename=\"" + name + "\"");
    line(h, "");
    String b64 =
        Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(gzip(json));
    line(h, b64);
    line(h, "");
    line(h, "--" + boundary + "--");
    return h.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void line(StringBuilder b, String s) {
    b.append(s).append("\r\n");
  }
}
