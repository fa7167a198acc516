package dev.petrel.accept;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * The client's side of the session as the session reads it, with two bounds on every read: an idle
 * time (the socket's read timeout) and an absolute deadline. A socket timeout alone restarts with
 * each octet, so a client sending one octet every few seconds could hold a session (and a
 * connection slot) forever; the deadline cannot be stretched that way. Before each blocking read
 * the socket timeout is set to whichever bound comes first.
 *
 * <p>The session sets the bounds for what it waits for next (a command line, message data); see
 * {@link SessionContext#awaitCommand()} and {@link SessionContext#awaitData()}.
 */
final class ReadDeadline extends InputStream {

  /**
   * A deadline passed: the session answers 421 4.4.2 with {@link #replyText()} and ends. A {@link
   * SocketTimeoutException}, so code that handles read timeouts handles this too.
   */
  static final class Expired extends SocketTimeoutException {
    private final String replyText;

    Expired(String reason, String replyText) {
      super(reason);
      this.replyText = replyText;
    }

    /** What the client is told after {@code 421 4.4.2 <hostname>}. */
    String replyText() {
      return replyText;
    }
  }

  private final Connection connection;
  private final InstantSource clock;
  private InputStream in;
  private Duration idle;
  private Instant deadline = Instant.MAX;
  private String reason = "";
  private String replyText = "";
  private Duration applied;

  ReadDeadline(Connection connection, InstantSource clock) {
    this.connection = connection;
    this.clock = clock;
    this.in = connection.input();
  }

  /** Reads from the connection's current stream (the decrypted one after STARTTLS). */
  void rebind() {
    this.in = connection.input();
    this.applied = null; // a new (TLS) socket: set its timeout before the first read
  }

  /**
   * Bounds the reads from now on.
   *
   * @param idle the longest wait for one read
   * @param deadline when reading must be over, whatever the pauses
   * @param reason for the log, when the deadline passes
   * @param replyText for the client, when the deadline passes
   */
  void bound(Duration idle, Instant deadline, String reason, String replyText) {
    this.idle = idle;
    this.deadline = deadline;
    this.reason = reason;
    this.replyText = replyText;
  }

  /** The deadline now in force. */
  Instant deadline() {
    return deadline;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Duration left = Duration.between(clock.instant(), deadline);
    if (!left.isPositive()) throw new Expired(reason, replyText);
    boolean deadlineFirst = idle == null || left.compareTo(idle) < 0;
    Duration wait = deadlineFirst ? left : idle;
    if (!wait.equals(applied)) {
      connection.setReadTimeout(wait);
      applied = wait;
    }
    try {
      return in.read(b, off, len);
    } catch (SocketTimeoutException e) {
      if (deadlineFirst && !(e instanceof Expired)) throw new Expired(reason, replyText);
      throw e;
    }
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }
}
