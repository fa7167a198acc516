package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.report.StatusJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Calls Petrel's HTTP API with curl, a client Petrel did not write, and reads what came back. */
final class Http {

  /** One answer: status, headers (lower-case names) and body. */
  record Answer(int status, Map<String, String> headers, String body) {
    JsonNode json() {
      return StatusJson.MAPPER.readTree(body);
    }

    /** Checks that the answer is an RFC 9457 problem document with this status. */
    JsonNode problem(int expected) {
      assertThat(status).as(body).isEqualTo(expected);
      assertThat(headers.get("content-type")).startsWith("application/problem+json");
      JsonNode p = json();
      assertThat(p.get("status").asInt()).isEqualTo(expected);
      assertThat(p.get("type").asString()).startsWith("https://");
      assertThat(p.get("title").asString()).isNotBlank();
      assertThat(p.get("detail").asString()).isNotBlank();
      return p;
    }
  }

  private final int port;

  Http(int port) {
    this.port = port;
  }

  /**
   * Runs curl: {@code method path}, with the key (or none), extra headers and a body (null for
   * none; a string starting with {@code @} names a file, as curl reads it).
   */
  Answer curl(String method, String path, String key, String body, String... headers) {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            Peers.require("curl"),
            "-sS",
            "-i",
            "-X",
            method,
            "--max-time",
            "60",
            "http://127.0.0.1:" + port + path));
    if (key != null) cmd.addAll(List.of("-H", "Authorization: Bearer " + key));
    for (String h : headers) cmd.addAll(List.of("-H", h));
    if (body != null) cmd.addAll(List.of("--data-binary", body));
    Exec.Result r = Exec.run(Duration.ofSeconds(120), cmd);
    assertThat(r.exit()).as(r.err()).isZero();
    return parse(r.out());
  }

  static Answer parse(String raw) {
    String text = raw;
    // curl -i prints interim 100 Continue answers first
    while (text.startsWith("HTTP/1.1 100")) text = text.substring(text.indexOf("\r\n\r\n") + 4);
    int end = text.indexOf("\r\n\r\n");
    String head = end < 0 ? text : text.substring(0, end);
    String body = end < 0 ? "" : text.substring(end + 4);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0)
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(),
            lines[i].substring(colon + 1).trim());
    }
    return new Answer(
        status, headers, new String(body.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
  }
}
