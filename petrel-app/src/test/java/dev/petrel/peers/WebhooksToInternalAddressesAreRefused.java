package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real {@code petrel serve} process and a receiver written in Python on loopback, standing in for
 * an internal service that answers with a secret. By default curl's registration of a loopback URL
 * (literal or {@code localhost}) gets a 422 problem and the receiver hears nothing; with {@code
 * --webhook-allow-networks} the events arrive, and the delivery log of a path that answers 500
 * keeps the status but never the receiver's body.
 */
class WebhooksToInternalAddressesAreRefused {

  static final String SECRET = "SECRET-7d1e0b-internal";
  static final Pattern HTTP_PORT = Pattern.compile("http port (\\d+)");
  static final Pattern KEY = Pattern.compile("shown only this once\\): (\\S+)");

  @TempDir Path dir;
  Python.Server receiver;
  PetrelProcess petrel;
  Path requests;
  int receiverPort;

  @BeforeEach
  void startReceiver() throws Exception {
    Peers.require("curl");
    requests = dir.resolve("requests.log");
    receiver = Python.serve(dir, "/peers/banner_receiver.py", requests.toString(), SECRET);
    receiverPort = receiver.port();
  }

  @AfterEach
  void stop() throws Exception {
    if (petrel != null) petrel.close();
    if (receiver != null) receiver.close();
  }

  private static String find(Pattern p, PetrelProcess process) {
    await().atMost(Duration.ofSeconds(30)).until(() -> p.matcher(process.log()).find());
    Matcher m = p.matcher(process.log());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private List<String> received() throws Exception {
    return Files.exists(requests) ? Files.readAllLines(requests) : List.of();
  }

  @Test
  void loopbackIsRefusedByDefaultAndReachableWhenAllowed() throws Exception {
    // 1. default: registration refuses every form of a loopback receiver
    petrel =
        PetrelProcess.serveDelivering(List.of("-Xmx256m"), dir.resolve("a"), dir.resolve("a.log"));
    Http http = new Http(Integer.parseInt(find(HTTP_PORT, petrel)));
    String key = find(KEY, petrel);
    for (String url :
        List.of(
            "http://127.0.0.1:" + receiverPort + "/ok",
            "http://localhost:" + receiverPort + "/ok",
            "http://[::1]:" + receiverPort + "/ok",
            "http://[::ffff:127.0.0.1]:" + receiverPort + "/ok",
            "http://169.254.169.254/latest/meta-data/")) {
      Http.Answer a = post(http, key, url);
      JsonNode p = a.problem(422);
      assertThat(p.toString()).as(url).contains("/url").contains("may not reach");
    }
    assertThat(http.curl("GET", "/api/v1/webhooks", key, null).json().get("data").size()).isZero();
    petrel.close();

    // 2. the operator allows loopback: events arrive; a 500 is logged without its body
    petrel =
        PetrelProcess.serveDelivering(
            List.of("-Xmx256m"),
            dir.resolve("b"),
            dir.resolve("b.log"),
            "--webhook-allow-networks",
            "127.0.0.1/32");
    http = new Http(Integer.parseInt(find(HTTP_PORT, petrel)));
    key = find(KEY, petrel);
    String base = "http://127.0.0.1:" + receiverPort;
    String ok = register(http, key, base + "/ok");
    String failing = register(http, key, base + "/fail");
    Http.Answer sent =
        http.curl(
            "POST",
            "/api/v1/messages",
            key,
            "{\"from\": \"app@example.com\", \"to\": [\"ok@simulator.petrel.test\"],"
                + " \"subject\": \"Hi\", \"text\": \"Hello\"}",
            "Content-Type: application/json");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> received().contains("/ok") && received().contains("/fail"));
    final Http h = http;
    final String k = key;
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> deliveries(h, k, failing).size() > 0 && deliveries(h, k, ok).size() > 0);
    JsonNode failed = deliveries(http, key, failing).get(0);
    assertThat(failed.get("status").asInt()).isEqualTo(500);
    assertThat(failed.get("error").asString()).isEqualTo("http 500");
    assertThat(deliveries(http, key, ok).get(0).get("state").asString()).isEqualTo("delivered");
    assertThat(http.curl("GET", "/api/v1/webhooks/" + failing + "/deliveries", key, null).body())
        .doesNotContain(SECRET);
    assertThat(petrel.log()).doesNotContain(SECRET);
    // The log follows the message: the API send, then the failed try with the queue id.
    String queueId = sent.json().get("id").asString();
    assertThat(petrel.log()).contains("api queue=" + queueId + " account=");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                petrel.log().contains("webhooks: " + failing + " queue=" + queueId)
                    && petrel.log().contains("try 1 failed: http 500; next try at"));
  }

  private static Http.Answer post(Http http, String key, String url) {
    return http.curl(
        "POST",
        "/api/v1/webhooks",
        key,
        "{\"url\": \"" + url + "\"}",
        "Content-Type: application/json");
  }

  private static String register(Http http, String key, String url) {
    Http.Answer a = post(http, key, url);
    assertThat(a.status()).as(a.body()).isEqualTo(201);
    return a.json().get("id").asString();
  }

  private static JsonNode deliveries(Http http, String key, String id) {
    return http.curl("GET", "/api/v1/webhooks/" + id + "/deliveries", key, null).json().get("data");
  }
}
