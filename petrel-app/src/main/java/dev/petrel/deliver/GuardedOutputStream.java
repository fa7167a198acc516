package dev.petrel.deliver;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A socket's output with a time limit per write. Java sockets have read timeouts only; a server
 * that stops reading would block a write for ever. Each write arms a timer that closes the socket
 * when it fires, and the write then fails with {@link SocketTimeoutException}.
 */
final class GuardedOutputStream extends FilterOutputStream {

  /** One timer thread for all connections; tasks are tiny (close a socket). */
  static final ScheduledExecutorService TIMER = timer();

  private final Socket socket;
  private volatile Duration timeout;
  private volatile boolean fired;

  GuardedOutputStream(OutputStream out, Socket socket, Duration timeout) {
    super(out);
    this.socket = socket;
    this.timeout = timeout;
  }

  void setTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ScheduledFuture<?> alarm = arm();
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw fired ? timedOut(e) : e;
    } finally {
      alarm.cancel(false);
    }
  }

  @Override
  public void flush() throws IOException {
    ScheduledFuture<?> alarm = arm();
    try {
      out.flush();
    } catch (IOException e) {
      throw fired ? timedOut(e) : e;
    } finally {
      alarm.cancel(false);
    }
  }

  private ScheduledFuture<?> arm() {
    return TIMER.schedule(
        () -> {
          fired = true;
          try {
            socket.close();
          } catch (IOException ignored) {
            // closing is all we can do
          }
        },
        timeout.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private SocketTimeoutException timedOut(IOException cause) {
    SocketTimeoutException t =
        new SocketTimeoutException("write timed out after " + timeout.toSeconds() + " s");
    t.initCause(cause);
    return t;
  }

  private static ScheduledExecutorService timer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "petrel-smtp-write-timer");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }
}
