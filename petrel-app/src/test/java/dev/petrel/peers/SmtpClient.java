package dev.petrel.peers;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A deliberately plain SMTP client for tests that need exact control of the bytes on the wire:
 * commands out, whole (multi-line) replies in. No pipelining logic, no TLS.
 */
public final class SmtpClient implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public SmtpClient(int port, Duration readTimeout) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout((int) readTimeout.toMillis());
    socket.setTcpNoDelay(true);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Reads one reply; all lines of a multi-line reply, joined with \n. Null at end of stream. */
  public String reply() throws IOException {
    StringBuilder all = new StringBuilder();
    while (true) {
      String line = line();
      if (line == null) return all.isEmpty() ? null : all.toString();
      if (!all.isEmpty()) all.append('\n');
      all.append(line);
      if (line.length() < 4 || line.charAt(3) != '-') return all.toString();
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        byte[] bytes = b.toByteArray();
        int n =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
      }
      b.write(c);
    }
    return null;
  }

  public void send(String text) throws IOException {
    write(text.getBytes(StandardCharsets.UTF_8));
  }

  public void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends a command line (CRLF added) and returns the reply. */
  public String command(String line) throws IOException {
    send(line + "\r\n");
    return reply();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
