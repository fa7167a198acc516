package dev.petrel.app;

import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code petrel sink}: the mailbox simulator as a standalone SMTP test server, so other people's
 * applications can meet every reply at every phase on demand. Runs until stopped.
 */
@Command(
    name = "sink",
    mixinStandardHelpOptions = true,
    description = {
      "Run the mailbox simulator as a standalone SMTP server: the recipient's local part chooses"
          + " the reply, e.g. rcpt-550-5.1.1@x, data-552-5.3.4@x, greylist@x, rate-421@x,"
          + " disconnect@x, timeout-after-data@x, slow@x, ok@x; a sender mail-CODE-ENH@x chooses"
          + " the reply to MAIL.",
      "Replies before any address is known are chosen per server with --connect-reply and"
          + " --ehlo-reply (e.g. 421-4.3.2)."
    })
final class SinkCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", description = "Port to listen on (default 2526; 0 picks a free one).")
  int port = 2526;

  @Option(names = "--listen-address", description = "Address to listen on (default 127.0.0.1).")
  String listenAddress = "127.0.0.1";

  @Option(names = "--connect-reply", description = "Greeting reply instead of 220, e.g. 421-4.3.2.")
  String connectReply;

  @Option(names = "--ehlo-reply", description = "Reply to EHLO instead of 250, e.g. 554-5.7.1.")
  String ehloReply;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (port < 0 || port > 65535) {
      err.println("petrel sink: --port must be 0 to 65535, not " + port);
      return Main.EXIT_USAGE;
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(listenAddress);
    } catch (UnknownHostException e) {
      err.println("petrel sink: --listen-address: unknown address '" + listenAddress + "'");
      return Main.EXIT_USAGE;
    }
    SimulatorOptions options = SimulatorOptions.DEFAULTS;
    try {
      if (connectReply != null) options = options.withConnectReply(connectReply);
      if (ehloReply != null) options = options.withEhloReply(ehloReply);
    } catch (IllegalArgumentException e) {
      err.println("petrel sink: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    SimulatorServer server = new SimulatorServer(options);
    int bound = server.start(address, port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop();
                  stopped.countDown();
                }));
    err.println("petrel sink: smtp listening on " + address.getHostAddress() + ":" + bound);
    err.flush();
    stopped.await();
    return 0;
  }
}
