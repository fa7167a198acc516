package dev.petrel.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A steady SMTP load on a running Petrel: a few clients on virtual threads send numbered messages,
 * a few per connection, until told to stop or until the number asked for was sent. Each message
 * carries its tag in an {@value #HEADER} header, so a sink's copy names the message it came from;
 * the tags Petrel acknowledged with 250 are kept with their queue ids. A server that dies under the
 * clients ends their sessions quietly: only what got its 250 counts.
 */
final class MailLoad implements AutoCloseable {

  static final String HEADER = "X-Load-Tag";
  private static final Pattern TAG = Pattern.compile("(?m)^" + HEADER + ": (\\S+)\\r?$");
  private static final Duration IO = Duration.ofSeconds(30);

  private final int port;
  private final String run;
  private final int limit;
  private final IntFunction<String> recipient;
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> clients = new ArrayList<>();

  /**
   * Starts {@code clients} clients sending at most {@code limit} messages in all to Petrel on
   * {@code port}; message {@code n} goes to {@code recipient.apply(n)}. {@code run} prefixes tags.
   */
  MailLoad(int port, String run, int clients, int limit, IntFunction<String> recipient) {
    this.port = port;
    this.run = run;
    this.limit = limit;
    this.recipient = recipient;
    for (int i = 0; i < clients; i++) this.clients.add(Thread.ofVirtual().start(this::client));
  }

  /** The tag of a sink's copy of a message, or null when it has none. */
  static String tagOf(String message) {
    Matcher m = TAG.matcher(message);
    return m.find() ? m.group(1) : null;
  }

  /** Tag to queue id of every message Petrel acknowledged with 250 so far. */
  Map<String, String> acknowledged() {
    return acknowledged;
  }

  /** True while clients are still sending. */
  boolean running() {
    return clients.stream().anyMatch(Thread::isAlive);
  }

  /** Waits for the clients to finish (all messages sent, or stopped). */
  void await(Duration guard) throws InterruptedException {
    for (Thread t : clients)
      if (!t.join(guard)) throw new AssertionError("a load client is still sending after " + guard);
  }

  private void client() {
    while (!stop.get()) {
      try (SmtpClient c = new SmtpClient(port, IO)) {
        if (!c.reply().startsWith("220")) return;
        if (!c.command("EHLO load.test").startsWith("250")) return;
        for (int i = 0; i < 5; i++) {
          if (stop.get()) return;
          int n = started.incrementAndGet();
          if (n > limit) return;
          String tag = run + "-" + n;
          String body =
              HEADER
                  + ": "
                  + tag
                  + "\r\nMessage-ID: <"
                  + tag
                  + "@load.test>\r\nSubject: load "
                  + n
                  + "\r\n\r\nmessage "
                  + tag
                  + "\r\n";
          if (!c.command("MAIL FROM:<load@load.test>").startsWith("250")) return;
          if (!c.command("RCPT TO:<" + recipient.apply(n) + ">").startsWith("250")) return;
          if (!c.command("DATA").startsWith("354")) return;
          c.write(body.getBytes(StandardCharsets.US_ASCII));
          String reply = c.command(".");
          if (reply == null) return;
          if (reply.startsWith("250 2.0.0 Ok: queued as "))
            acknowledged.put(tag, reply.substring("250 2.0.0 Ok: queued as ".length()).strip());
        }
      } catch (IOException serverGone) {
        // killed under us: whatever was not acknowledged does not count
        if (stop.get()) return;
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Stops the clients after the message each is sending. */
  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    await(Duration.ofSeconds(60));
  }
}
