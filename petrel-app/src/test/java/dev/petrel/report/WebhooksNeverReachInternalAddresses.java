package dev.petrel.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.petrel.accounts.Account;
import dev.petrel.model.OutboundPolicy;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.status.StatusEngine;
import dev.petrel.webhooks.Webhook;
import dev.petrel.webhooks.WebhookDelivery;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher's side of the SSRF protection: every try resolves and checks the host again and
 * connects to exactly the address it checked, so a loopback receiver (standing in for an internal
 * service) gets no connection unless the operator allowed loopback; and what an internal service
 * answers never reaches the delivery log.
 */
class WebhooksNeverReachInternalAddresses {

  static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
  static final String SECRET = "SECRET-BANNER-4f9a1c";
  static final InetAddress PUBLIC = InetAddress.ofLiteral("93.184.215.14");
  static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");

  @TempDir Path dir;
  final List<HttpServer> servers = new ArrayList<>();
  final List<String> hosts = new CopyOnWriteArrayList<>();
  final AtomicInteger requests = new AtomicInteger();
  WebhookDispatcher dispatcher;

  @AfterEach
  void stop() {
    if (dispatcher != null) dispatcher.stop(Duration.ofSeconds(1));
    servers.forEach(s -> s.stop(0));
  }

  SqliteMessageStore open() throws Exception {
    SqliteMessageStore s =
        SqliteMessageStore.open(
            dir, SqliteStoreOptions.defaults().withReserveBytes(0), InstantSource.system());
    s.accounts().createAccount(new Account("acme", "free", T));
    return s;
  }

  /** An internal service: answers {@code status} with a secret in its body, counts requests. */
  int receiver(int status, String location) throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        x -> {
          x.getRequestBody().readAllBytes();
          requests.incrementAndGet();
          hosts.add(x.getRequestHeaders().getFirst("Host"));
          if (location != null) x.getResponseHeaders().add("Location", location);
          byte[] body = ("internal service says " + SECRET).getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(status, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    server.start();
    servers.add(server);
    return server.getAddress().getPort();
  }

  WebhookDelivery firstTry(SqliteMessageStore store, String url, WebhookTargets targets)
      throws Exception {
    return firstTry(store, url, targets, (SSLSocketFactory) SSLSocketFactory.getDefault());
  }

  WebhookDelivery firstTry(
      SqliteMessageStore store, String url, WebhookTargets targets, SSLSocketFactory tls)
      throws Exception {
    store
        .webhooks()
        .createWebhook(
            new Webhook("wh_1", "acme", url, WebhookSigner.newSecret(), List.of(), false, T));
    store.accounts().addEvent(T, "acme", "quota.warning", null, "{}");
    dispatcher =
        new WebhookDispatcher(
            store.webhooks(),
            store,
            StatusEngine.standard(),
            () -> T,
            new WebhookDispatcher.Settings(
                List.of(Duration.ofHours(1)),
                Duration.ofMillis(50),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                10),
            targets,
            tls);
    dispatcher.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !store.webhooks().deliveries("wh_1", 10).isEmpty());
    return store.webhooks().deliveries("wh_1", 10).getFirst();
  }

  @Test
  void aLoopbackUrlIsRefusedByDefaultAndNotConnected() throws Exception {
    int port = receiver(200, null);
    try (SqliteMessageStore store = open()) {
      WebhookDelivery d =
          firstTry(store, "http://127.0.0.1:" + port + "/hook", WebhookTargets.strict());
      assertThat(d.status()).isNull();
      assertThat(d.error()).isEqualTo("refused: internal address (loopback)");
      assertThat(d.state()).isEqualTo(WebhookDelivery.State.PENDING);
    }
    assertThat(requests).hasValue(0);
  }

  @Test
  void aNameThatRebindsToLoopbackAfterRegistrationIsRefusedAtTheTry() throws Exception {
    int port = receiver(200, null);
    // public when the webhook is registered, loopback from then on (DNS rebinding)
    AtomicInteger lookups = new AtomicInteger();
    WebhookTargets targets =
        new WebhookTargets(
            OutboundPolicy.STRICT,
            host -> List.of(lookups.getAndIncrement() == 0 ? PUBLIC : LOOPBACK));
    String url = "http://rebind.example:" + port + "/hook";
    assertThat(targets.refusal(url)).as("registration sees a public address").isNull();
    try (SqliteMessageStore store = open()) {
      WebhookDelivery d = firstTry(store, url, targets);
      assertThat(d.error()).isEqualTo("refused: internal address (loopback)");
    }
    assertThat(lookups.get()).isGreaterThanOrEqualTo(2);
    assertThat(requests).hasValue(0);
  }

  @Test
  void aNameWithOnePublicAndOneInternalAddressIsRefusedAsAWhole() throws Exception {
    WebhookTargets targets =
        new WebhookTargets(OutboundPolicy.STRICT, host -> List.of(PUBLIC, LOOPBACK));
    assertThat(targets.refusal("https://mixed.example/hook"))
        .isEqualTo(
            "mixed.example resolves to 127.0.0.1, a loopback address, which webhooks may not"
                + " reach (the operator can allow networks with --webhook-allow-networks)");
  }

  @Test
  void theTryConnectsToTheCheckedAddressWithTheUrlsHostName() throws Exception {
    int port = receiver(204, null);
    // the name exists only in this resolver: the request can only arrive if the dispatcher
    // connects to the address the check returned, instead of resolving the name again
    WebhookTargets targets =
        new WebhookTargets(
            OutboundPolicy.parse("127.0.0.1/32"),
            host -> {
              if (!host.equals("hooks.internal.test")) throw new UnknownHostException(host);
              return List.of(LOOPBACK);
            });
    try (SqliteMessageStore store = open()) {
      WebhookDelivery d = firstTry(store, "http://hooks.internal.test:" + port + "/h", targets);
      assertThat(d.status()).isEqualTo(204);
      assertThat(d.error()).isNull();
      assertThat(d.state()).isEqualTo(WebhookDelivery.State.DELIVERED);
    }
    assertThat(hosts).containsExactly("hooks.internal.test:" + port);
  }

  @Test
  void aFailedAnswerKeepsItsStatusButNotItsBody() throws Exception {
    int port = receiver(500, null);
    try (SqliteMessageStore store = open()) {
      WebhookDelivery d =
          firstTry(
              store,
              "http://127.0.0.1:" + port + "/hook",
              new WebhookTargets(OutboundPolicy.parse("127.0.0.1"), WebhookTargets.SYSTEM));
      assertThat(d.status()).isEqualTo(500);
      assertThat(d.error()).isEqualTo("http 500");
    }
    assertThat(requests).hasValue(1);
  }

  @Test
  void aServiceThatIsNotHttpIsNotQuoted() throws Exception {
    try (ServerSocket banner = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        SqliteMessageStore store = open()) {
      Thread.ofVirtual()
          .start(
              () -> {
                try (Socket s = banner.accept()) {
                  OutputStream out = s.getOutputStream();
                  out.write(("SSH-2.0-OpenSSH_9.6 " + SECRET + "\r\n").getBytes());
                  out.flush();
                  s.getInputStream().readAllBytes();
                } catch (Exception e) {
                  // the test looks at the log
                }
              });
      WebhookDelivery d =
          firstTry(
              store,
              "http://127.0.0.1:" + banner.getLocalPort() + "/",
              new WebhookTargets(OutboundPolicy.parse("127.0.0.1"), WebhookTargets.SYSTEM));
      assertThat(d.status()).isNull();
      assertThat(d.error()).isEqualTo("bad answer: not HTTP/1.x").doesNotContain(SECRET);
    }
  }

  @Test
  void aRedirectIsNotFollowed() throws Exception {
    int inside = receiver(200, null);
    int port = receiver(302, "http://127.0.0.1:" + inside + "/admin");
    try (SqliteMessageStore store = open()) {
      WebhookDelivery d =
          firstTry(
              store,
              "http://127.0.0.1:" + port + "/hook",
              new WebhookTargets(OutboundPolicy.parse("127.0.0.1/32"), WebhookTargets.SYSTEM));
      assertThat(d.status()).isEqualTo(302);
      assertThat(d.error()).isEqualTo("http 302");
    }
    assertThat(requests).as("only the first receiver was asked").hasValue(1);
    assertThat(hosts).containsExactly("127.0.0.1:" + port);
  }

  @Test
  void registrationRefusesLiteralsAndNamesOfInternalAddresses() {
    WebhookTargets strict = WebhookTargets.strict();
    assertThat(strict.refusal("http://127.0.0.1:8080/")).startsWith("127.0.0.1 is a loopback");
    assertThat(strict.refusal("http://[::1]/")).startsWith("::1 is a loopback");
    assertThat(strict.refusal("http://169.254.169.254/latest/meta-data/"))
        .startsWith("169.254.169.254 is a link-local address");
    assertThat(strict.refusal("http://[::ffff:10.0.0.1]/")).contains("private");
    assertThat(strict.refusal("http://localhost:8080/")).startsWith("localhost resolves to");
    // other spellings of loopback and "this host" are judged by the address they stand for
    assertThat(strict.refusal("http://2130706433:8080/")).contains("127.0.0.1, a loopback");
    assertThat(strict.refusal("http://0:8080/")).contains("0.0.0.0, an unspecified");
    assertThat(strict.refusal("http://no-such-host.invalid/")).as("checked again later").isNull();
    assertThat(
            new WebhookTargets(OutboundPolicy.parse("127.0.0.0/8, ::1"), WebhookTargets.SYSTEM)
                .refusal("http://localhost:8080/"))
        .isNull();
    assertThat(WebhookTargets.host(URI.create("http://[::1]:80/"))).isEqualTo("::1");
  }

  /** An HTTPS receiver on loopback presenting {@code cert}. */
  HttpsServer httpsReceiver(TestCertificate cert, HttpHandler handler) throws Exception {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(cert.serverContext()));
    server.createContext("/", handler);
    server.start();
    servers.add(server);
    return server;
  }

  @Test
  void overHttpsTheCertificateIsCheckedAgainstTheUrlsNameNotTheAddress() throws Exception {
    TestCertificate cert = TestCertificate.forName("hooks.test");
    HttpsServer server =
        httpsReceiver(
            cert,
            x -> {
              x.getRequestBody().readAllBytes();
              requests.incrementAndGet();
              hosts.add(x.getRequestHeaders().getFirst("Host"));
              x.sendResponseHeaders(204, -1);
              x.close();
            });
    int port = server.getAddress().getPort();
    WebhookTargets targets =
        new WebhookTargets(OutboundPolicy.parse("127.0.0.1/32"), host -> List.of(LOOPBACK));
    try (SqliteMessageStore store = open()) {
      WebhookDelivery d =
          firstTry(store, "https://hooks.test:" + port + "/h", targets, cert.clientFactory());
      assertThat(d.status()).isEqualTo(204);
      assertThat(d.state()).isEqualTo(WebhookDelivery.State.DELIVERED);
    }
    assertThat(hosts).containsExactly("hooks.test:" + port);
  }

  @Test
  void overHttpsACertificateForAnotherNameFails() throws Exception {
    TestCertificate cert = TestCertificate.forName("hooks.test");
    HttpsServer server = httpsReceiver(cert, x -> x.close());
    WebhookTargets targets =
        new WebhookTargets(OutboundPolicy.parse("127.0.0.1/32"), host -> List.of(LOOPBACK));
    try (SqliteMessageStore store = open()) {
      WebhookDelivery d =
          firstTry(
              store,
              "https://other.test:" + server.getAddress().getPort() + "/h",
              targets,
              cert.clientFactory());
      assertThat(d.status()).isNull();
      assertThat(d.error()).isEqualTo("tls: handshake or certificate failed");
    }
    assertThat(requests).hasValue(0);
  }
}
