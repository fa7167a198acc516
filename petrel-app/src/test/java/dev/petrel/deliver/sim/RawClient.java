package dev.petrel.deliver.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A bare SMTP client for talking to the simulator line by line in tests. */
final class RawClient implements AutoCloseable {

  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;

  RawClient(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(10_000);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    out = socket.getOutputStream();
  }

  /** The whole next reply, lines joined by "\n"; null when the server closed. */
  String reply() throws IOException {
    StringBuilder b = new StringBuilder();
    while (true) {
      String line = in.readLine();
      if (line == null) return b.isEmpty() ? null : b.toString();
      if (!b.isEmpty()) b.append('\n');
      b.append(line);
      if (line.length() < 4 || line.charAt(3) == ' ') return b.toString();
    }
  }

  void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  String command(String line) throws IOException {
    send(line + "\r\n");
    return reply();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
