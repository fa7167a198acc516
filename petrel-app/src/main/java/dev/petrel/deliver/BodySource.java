package dev.petrel.deliver;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens the message body (as stored: header and body, un-stuffed) for reading from the start. A
 * delivery may open it more than once (a transaction per group of recipients, a retry over a new
 * connection); each stream is closed by the client.
 */
@FunctionalInterface
public interface BodySource {

  /**
   * @throws IOException when the body cannot be read; the recipients are then deferred (4.3.0)
   */
  InputStream open() throws IOException;
}
