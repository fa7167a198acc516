package dev.petrel.api;

import dev.petrel.web.Dashboard;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The servlet filter every HTTP request passes through before Javalin: it puts the security headers
 * on every answer (API, dashboard, errors alike), meters the request body against the memory budget
 * ({@link MeteredRequest}), gives the request's memory back once it is answered, however the answer
 * ended, and then skips what the answer left of the body unread.
 *
 * <p>Headers: {@code X-Content-Type-Options: nosniff} (no content sniffing, WHATWG Fetch
 * https://fetch.spec.whatwg.org/#x-content-type-options-header), {@code Referrer-Policy:
 * no-referrer} (https://www.w3.org/TR/referrer-policy/), a Content Security Policy (CSP Level 3,
 * https://www.w3.org/TR/CSP3/) that lets the dashboard load only its own scripts, styles and API,
 * and forbids everything, framing included, for any other answer; {@code Cache-Control: no-store}
 * (RFC 9111 §5.2.2.5) on every answer but the dashboard's files, since API answers carry keys,
 * webhook secrets and account data.
 */
final class EveryRequest implements Filter {

  /** For JSON, problem documents and plain text: nothing may be loaded, run or framed. */
  static final String API_POLICY =
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    headers(request.getRequestURI(), response);
    MeteredRequest metered = new MeteredRequest(request);
    try {
      chain.doFilter(metered, response);
    } finally {
      BodyBudget.Lease lease = metered.lease();
      if (lease != null) lease.close();
      metered.skipUnread(response);
    }
  }

  static void headers(String path, HttpServletResponse response) {
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("X-Frame-Options", "DENY");
    if (Dashboard.serves(path)) {
      response.setHeader("Content-Security-Policy", Dashboard.CONTENT_SECURITY_POLICY);
    } else {
      response.setHeader("Content-Security-Policy", API_POLICY);
      response.setHeader("Cache-Control", "no-store");
    }
  }
}
