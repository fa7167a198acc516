package dev.petrel.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The report mail of RFC 8460 §5.3: its subject and TLS-Report fields, a multipart/report of type
 * tlsrpt, and an application/tlsrpt+gzip attachment named as §5.1 says that holds the report.
 */
class TlsReportMailTest {

  static final LocalDate DAY = LocalDate.parse("2026-12-06");
  static final String JSON = "{\"organization-name\":\"Example Mail\",\"report-id\":\"r-1\"}";

  final String mail =
      new String(
          TlsReportMail.write(
              "tls@mta.example",
              "reports@example.org",
              "mta.example",
              "example.org",
              DAY,
              "2026-12-06_example.org@mta.example",
              JSON,
              Instant.parse("2026-12-07T00:05:00Z")),
          StandardCharsets.US_ASCII);

  /** The top header fields, unfolded. */
  Map<String, String> header() {
    Map<String, String> h = new LinkedHashMap<>();
    String block = mail.substring(0, mail.indexOf("\r\n\r\n")).replace("\r\n\t", " ");
    for (String line : block.split("\r\n")) {
      int colon = line.indexOf(':');
      h.put(line.substring(0, colon), line.substring(colon + 1).strip());
    }
    return h;
  }

  @Test
  void everyLineEndsWithCrLfAndIsShort() {
    for (String line : mail.split("\r\n", -1)) {
      assertThat(line).doesNotContain("\n").doesNotContain("\r");
      assertThat(line.length()).isLessThanOrEqualTo(998);
    }
  }

  @Test
  void headerSaysWhatTheReportIsAbout() {
    Map<String, String> h = header();
    assertThat(h.get("Subject"))
        .isEqualTo(
            "Report Domain: example.org Submitter: mta.example Report-ID:"
                + " <2026-12-06_example.org@mta.example>");
    assertThat(h.get("TLS-Report-Domain")).isEqualTo("example.org");
    assertThat(h.get("TLS-Report-Submitter")).isEqualTo("mta.example");
    assertThat(h.get("From")).isEqualTo("<tls@mta.example>");
    assertThat(h.get("To")).isEqualTo("<reports@example.org>");
    assertThat(h.get("Date")).isEqualTo("Mon, 7 Dec 2026 00:05:00 GMT");
    assertThat(h.get("MIME-Version")).isEqualTo("1.0");
    assertThat(h.get("Content-Type")).startsWith("multipart/report; report-type=\"tlsrpt\";");
  }

  @Test
  void theAttachmentIsTheGzippedReport() throws Exception {
    String type = header().get("Content-Type");
    String boundary = type.substring(type.indexOf("boundary=\"") + 10, type.length() - 1);
    List<String> parts = new ArrayList<>(List.of(mail.split("\r\n--" + boundary)));
    assertThat(parts.getLast()).startsWith("--");
    String attachment = parts.get(2);
    String head = attachment.substring(0, attachment.indexOf("\r\n\r\n"));
    String name = "mta.example!example.org!1796515200!1796601599.json.gz";
    assertThat(head)
        .contains("Content-Type: application/tlsrpt+gzip")
        .contains("Content-Transfer-Encoding: base64")
        .contains("Content-Disposition: attachment; filename=\"" + name + "\"");
    byte[] gz =
        Base64.getMimeDecoder().decode(attachment.substring(attachment.indexOf("\r\n\r\n") + 4));
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(JSON);
    }
  }
}
