package dev.petrel.accept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket layer with a small line-echo session standing in for the SMTP session: limits,
 * STARTTLS, implicit TLS, stopping.
 */
class SmtpServerTest {

  @TempDir static Path dir;
  static TlsMaterial tls;

  private SmtpServer server;
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void certificate() throws Exception {
    tls = TlsMaterial.selfSigned(dir, "localhost", InstantSource.system());
  }

  @AfterEach
  void stop() {
    if (server != null) server.stop(Duration.ZERO);
  }

  /**
   * Greets, then answers each line: STARTTLS (handshake), QUIT, SLOW (waits for the latch, then
   * replies), anything else echoed; after stop begins, 421 4.3.2.
   */
  private SmtpServer.SessionFactory echo(CountDownLatch slow) {
    return (Connection c, BooleanSupplier shuttingDown) ->
        () -> {
          try {
            // Buffered like the real session: a read takes whatever has arrived, and STARTTLS
            // drops what is left in the buffer.
            InputStream in = new BufferedInputStream(c.input());
            reply(c, "220 test ready" + (c.secure() ? " secure" : ""));
            c.setReadTimeout(Duration.ofSeconds(30));
            while (true) {
              String line = readLine(in);
              if (line == null) return;
              seen.add(line);
              if (shuttingDown.getAsBoolean()) {
                reply(c, "421 4.3.2 shutting down");
                return;
              }
              switch (line) {
                case "QUIT" -> {
                  reply(c, "221 2.0.0 bye");
                  return;
                }
                case "STARTTLS" -> {
                  reply(c, "220 2.0.0 go ahead");
                  c.startTls();
                  in = new BufferedInputStream(c.input());
                  reply(c, "220 again " + c.tlsDescription());
                }
                case "SLOW" -> {
                  slow.await(30, TimeUnit.SECONDS);
                  reply(c, "250 2.0.0 slow done");
                }
                default -> reply(c, "250 " + line);
              }
            }
          } catch (IOException | InterruptedException e) {
            // connection gone
          }
        };
  }

  private static void reply(Connection c, String text) throws IOException {
    c.output().write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
    c.output().flush();
  }

  /** Reads one CRLF line. */
  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') return sb.toString().stripTrailing();
      sb.append((char) b);
    }
    return null;
  }

  private SmtpServer start(int max, int perIp, boolean smtps, CountDownLatch slow)
      throws IOException {
    List<SmtpServer.Listener> ls = new ArrayList<>();
    ls.add(
        new SmtpServer.Listener(
            "smtp", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false));
    if (smtps)
      ls.add(
          new SmtpServer.Listener(
              "smtps", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), true));
    server =
        new SmtpServer(
            ls,
            new SmtpServer.Limits(max, perIp, Duration.ofSeconds(10)),
            tls,
            "test.example",
            echo(slow),
            ListenerObserver.NONE);
    server.start();
    return server;
  }

  private Client connect(String listener) throws IOException {
    return new Client(
        new Socket(InetAddress.getLoopbackAddress(), server.address(listener).getPort()));
  }

  static final class Client implements AutoCloseable {
    Socket socket;
    BufferedReader in;
    OutputStream out;

    Client(Socket s) throws IOException {
      use(s);
    }

    void use(Socket s) throws IOException {
      socket = s;
      s.setSoTimeout(20_000);
      in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      out = s.getOutputStream();
    }

    String line() throws IOException {
      return in.readLine();
    }

    void send(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void runsASessionPerConnection() throws Exception {
    start(10, 10, false, new CountDownLatch(0));
    try (Client a = connect("smtp");
        Client b = connect("smtp")) {
      assertThat(a.line()).isEqualTo("220 test ready");
      assertThat(b.line()).isEqualTo("220 test ready");
      a.send("NOOP\r\n");
      b.send("QUIT\r\n");
      assertThat(a.line()).isEqualTo("250 NOOP");
      assertThat(b.line()).isEqualTo("221 2.0.0 bye");
      assertThat(b.line()).isNull();
    }
  }

  @Test
  void connectionsOverThePerAddressLimitGet421_4_7_0() throws Exception {
    start(10, 2, false, new CountDownLatch(0));
    try (Client a = connect("smtp");
        Client b = connect("smtp");
        Client c = connect("smtp")) {
      assertThat(a.line()).startsWith("220");
      assertThat(b.line()).startsWith("220");
      assertThat(c.line())
          .isEqualTo(
              "421 4.7.0 test.example Too many connections from your address, try again later");
      assertThat(c.line()).isNull();
      a.send("QUIT\r\n");
      assertThat(a.line()).startsWith("221");
      await().atMost(Duration.ofSeconds(20)).until(() -> server.activeSessions() == 1);
      try (Client d = connect("smtp")) {
        assertThat(d.line()).isEqualTo("220 test ready");
      }
    }
  }

  @Test
  void connectionsOverTheGlobalLimitGet421_4_3_2() throws Exception {
    start(1, 5, false, new CountDownLatch(0));
    try (Client a = connect("smtp");
        Client b = connect("smtp")) {
      assertThat(a.line()).startsWith("220");
      assertThat(b.line())
          .isEqualTo("421 4.3.2 test.example Too many connections, try again later");
      assertThat(b.line()).isNull();
    }
  }

  @Test
  void startTlsUpgradesAndDropsWhatWasSentBeforeTheHandshake() throws Exception {
    start(10, 10, false, new CountDownLatch(0));
    try (Client c = connect("smtp")) {
      assertThat(c.line()).isEqualTo("220 test ready");
      // A command injected after STARTTLS in the same packet must not be read after the upgrade.
      c.send("STARTTLS\r\nINJECTED\r\n");
      assertThat(c.line()).isEqualTo("220 2.0.0 go ahead");
      SSLSocket ssl =
          (SSLSocket)
              TrustAllTls.context()
                  .getSocketFactory()
                  .createSocket(c.socket, "localhost", c.socket.getPort(), true);
      ssl.startHandshake();
      c.use(ssl);
      assertThat(c.line()).startsWith("220 again TLSv1.3 TLS_");
      c.send("AFTER\r\n");
      assertThat(c.line()).isEqualTo("250 AFTER");
    }
    assertThat(seen).containsExactly("STARTTLS", "AFTER");
  }

  @Test
  void plainTextSentAfterStartTlsBreaksTheHandshakeAndIsNeverACommand() throws Exception {
    start(10, 10, false, new CountDownLatch(0));
    try (Client c = connect("smtp")) {
      assertThat(c.line()).isEqualTo("220 test ready");
      c.send("STARTTLS\r\n");
      assertThat(c.line()).isEqualTo("220 2.0.0 go ahead");
      c.send("INJECTED\r\n"); // arrives where the TLS ClientHello should
      try {
        while (c.socket.getInputStream().read() >= 0) {} // the server's alert, then the close
      } catch (IOException reset) {
        // closed by the server
      }
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> server.activeSessions() == 0);
    assertThat(seen).containsExactly("STARTTLS");
  }

  @Test
  void implicitTlsListenerHandshakesBeforeTheSession() throws Exception {
    start(10, 10, true, new CountDownLatch(0));
    try (SSLSocket ssl =
        (SSLSocket)
            TrustAllTls.context()
                .getSocketFactory()
                .createSocket(
                    InetAddress.getLoopbackAddress(), server.address("smtps").getPort())) {
      Client c = new Client(ssl);
      assertThat(c.line()).isEqualTo("220 test ready secure");
      c.send("QUIT\r\n");
      assertThat(c.line()).startsWith("221");
    }
  }

  @Test
  void plainTextOnTheImplicitTlsPortIsClosedWithoutASession() throws Exception {
    start(10, 10, true, new CountDownLatch(0));
    try (Client c = connect("smtps")) {
      c.send("EHLO plain\r\n\r\n\r\n");
      c.socket.setSoTimeout(20_000);
      int b;
      while ((b = c.socket.getInputStream().read()) >= 0) {
        assertThat(b).isNotEqualTo('2'); // never a greeting in clear text
      }
    } catch (IOException reset) {
      // closed by the server: fine
    }
    assertThat(seen).isEmpty();
  }

  @Test
  void stopLetsInFlightWorkFinishAndRefusesNewCommands() throws Exception {
    CountDownLatch slow = new CountDownLatch(1);
    start(10, 10, false, slow);
    try (Client busy = connect("smtp");
        Client idle = connect("smtp")) {
      assertThat(busy.line()).startsWith("220");
      assertThat(idle.line()).startsWith("220");
      busy.send("SLOW\r\n");
      await().atMost(Duration.ofSeconds(20)).until(() -> seen.contains("SLOW"));
      Thread stopper = Thread.ofVirtual().start(() -> server.stop(Duration.ofSeconds(30)));
      await().atMost(Duration.ofSeconds(20)).until(server::shuttingDown);
      idle.send("NOOP\r\n");
      assertThat(idle.line()).isEqualTo("421 4.3.2 shutting down");
      // New connections are no longer accepted.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                try (Socket s = new Socket()) {
                  s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), 1000);
                  return false;
                } catch (IOException refused) {
                  return true;
                }
              });
      slow.countDown();
      assertThat(busy.line()).isEqualTo("250 2.0.0 slow done");
      busy.send("QUIT\r\n");
      assertThat(busy.line()).isEqualTo("421 4.3.2 shutting down");
      stopper.join(Duration.ofSeconds(30));
      assertThat(stopper.isAlive()).isFalse();
      assertThat(server.activeSessions()).isZero();
    }
  }

  @Test
  void sessionsStillOpenAfterTheGracePeriodAreCutOff() throws Exception {
    start(10, 10, false, new CountDownLatch(0));
    try (Client c = connect("smtp")) {
      assertThat(c.line()).startsWith("220");
      c.send("NOOP\r\n");
      assertThat(c.line()).isEqualTo("250 NOOP");
      c.send("HALF A LINE"); // the session now blocks reading the rest
      server.stop(Duration.ofMillis(100));
      assertThat(server.activeSessions()).isZero();
      assertThat(c.line()).isNull();
    } catch (IOException reset) {
      assertThat(server.activeSessions()).isZero();
    }
  }

  @Test
  void aSecondServerOnTheSamePortFailsNamingTheAddress() throws Exception {
    start(10, 10, false, new CountDownLatch(0));
    int port = server.address("smtp").getPort();
    SmtpServer other =
        new SmtpServer(
            List.of(
                new SmtpServer.Listener(
                    "smtp", new InetSocketAddress(InetAddress.getLoopbackAddress(), port), false)),
            new SmtpServer.Limits(1, 1, Duration.ofSeconds(1)),
            null,
            "x",
            echo(new CountDownLatch(0)),
            ListenerObserver.NONE);
    org.assertj.core.api.Assertions.assertThatThrownBy(other::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot listen on 127.0.0.1:" + port);
  }
}
