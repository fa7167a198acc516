package dev.petrel.api;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A request whose body is charged to the {@link BodyBudget.Lease} its route admitted it with, as
 * the bytes are read: a body of unknown length (chunked) pays for itself chunk by chunk and is
 * stopped with 429 or 503 when the budget runs out, instead of growing on the heap unchecked.
 */
final class MeteredRequest extends HttpServletRequestWrapper {

  /** The request attribute that holds the lease; set by the route's admission check. */
  static final String LEASE = "petrel.body-lease";

  private ServletInputStream in;

  MeteredRequest(HttpServletRequest request) {
    super(request);
  }

  /** The lease admitted for this request, or null when its body was not admitted. */
  BodyBudget.Lease lease() {
    return getAttribute(LEASE) instanceof BodyBudget.Lease l ? l : null;
  }

  /**
   * After a refusal that came before the body was read (401, 429, 503...): reads the rest of the
   * body and throws it away, a buffer at a time, so that a client that sends its whole body before
   * reading the answer (no {@code Expect: 100-continue}, like Python's http.client) gets the answer
   * instead of a broken pipe. Nothing is kept, and nothing is charged to the budget. A client that
   * asked to be told before sending was never told to go on, so there is nothing to skip; a body
   * over the limit is not skipped either (the connection is closed instead).
   */
  void skipUnread(HttpServletResponse response) {
    long length = getContentLengthLong();
    boolean unknownLength = length < 0 && getHeader("Transfer-Encoding") != null;
    if ((length <= 0 && !unknownLength) || length > ApiServer.MAX_REQUEST_BYTES) return;
    if (in == null && "100-continue".equalsIgnoreCase(getHeader("Expect"))) return;
    try {
      ServletInputStream body = super.getInputStream();
      if (body.isFinished()) return;
      response.flushBuffer();
      long read = in == null ? 0 : ((Metered) in).read;
      byte[] buf = new byte[64 * 1024];
      int n;
      while (read <= ApiServer.MAX_REQUEST_BYTES && (n = body.read(buf)) >= 0) read += n;
    } catch (IOException | IllegalStateException e) {
      // the client went away, or the body cannot be read: Jetty closes the connection
    }
  }

  @Override
  public ServletInputStream getInputStream() throws IOException {
    if (in == null) in = new Metered(super.getInputStream());
    return in;
  }

  private final class Metered extends ServletInputStream {
    private final ServletInputStream body;
    private long read;

    Metered(ServletInputStream body) {
      this.body = body;
    }

    private int counted(int n) {
      if (n > 0) {
        read += n;
        BodyBudget.Lease lease = lease();
        // A body read on a route that admitted none is not API input; nothing charges it.
        if (lease != null) lease.cover(read);
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      int b = body.read();
      if (b >= 0) counted(1);
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      return counted(body.read(buf, off, len));
    }

    @Override
    public boolean isFinished() {
      return body.isFinished();
    }

    @Override
    public boolean isReady() {
      return body.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      body.setReadListener(listener);
    }
  }
}
