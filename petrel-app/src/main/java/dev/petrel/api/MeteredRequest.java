package dev.petrel.api;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
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
