package dev.petrel.app;

import dev.petrel.app.ConfigLoader.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@code petrel serve}: runs Petrel until SIGTERM or Ctrl-C. Its options are generated from {@link
 * ConfigKey}, so the flags, the configuration file and the environment always know the same keys.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run Petrel: accept mail over SMTP and HTTP, deliver it, serve the API and dashboard.",
      "Every option can also be set in the --config file (key = value, same names without the"
          + " dashes) or as an environment variable PETREL_KEY (upper case, dashes as"
          + " underscores). Flags win over the environment, which wins over the file."
    })
final class ServeCommand implements Callable<Integer> {

  private CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (properties: key = value; env PETREL_CONFIG).")
  Path config;

  /** Adds one option per configuration key when picocli builds the command. */
  @CommandLine.Spec
  void spec(CommandSpec spec) {
    this.spec = spec;
    for (ConfigKey k : ConfigKey.values()) {
      OptionSpec.Builder b =
          OptionSpec.builder(k.flag())
              .type(String.class)
              .description(
                  k.description()
                      + " Default: "
                      + (k.defaultValue().isEmpty() ? "none" : k.defaultValue())
                      + ". Env "
                      + k.envName()
                      + ".");
      if (k.defaultValue().equals("false")) b.arity("0..1").fallbackValue("true");
      else if (k == ConfigKey.ROUTE
          || k == ConfigKey.DESTINATION_LIMIT
          || k == ConfigKey.TLS_POLICY)
        b.type(List.class).auxiliaryTypes(String.class).arity("1").paramLabel(label(k));
      else b.paramLabel(label(k));
      spec.addOption(b.build());
    }
  }

  private static String label(ConfigKey k) {
    return switch (k) {
      case DATA_DIR -> "DIR";
      case STORE -> "URL";
      case NODE_NAME -> "NAME";
      case SMTP_PORT, SMTPS_PORT, HTTP_PORT -> "PORT";
      case LISTEN_ADDRESS -> "ADDRESS";
      case HOSTNAME, BOUNCE_DOMAIN, TLS_REPORT_ORGANIZATION -> "NAME";
      case TLS_REPORTS -> "on|off";
      case TLS_REPORT_CONTACT -> "ADDRESS";
      case TRUSTED_NETWORKS -> "CIDR,...";
      case MAX_MESSAGE_SIZE, DISK_RESERVE -> "SIZE";
      case TLS_CERT, TLS_KEY, TLS_CA_FILE -> "PEM";
      case MTA_STS -> "on|off";
      case TLS_POLICY -> "DOMAIN=POLICY";
      case COMMAND_TIMEOUT,
          DATA_TIMEOUT,
          MESSAGE_TIMEOUT,
          SESSION_TIMEOUT,
          AUTH_LOCK_WINDOW,
          AUTH_LOCK_DURATION,
          SHUTDOWN_TIMEOUT,
          LEASE,
          POLL_INTERVAL,
          RETENTION,
          SLOW_DOWN_STEP,
          SLOW_DOWN_MAX ->
          "DURATION";
      case DESTINATION_RATE, SLOW_DOWN_MIN_RATE -> "RATE";
      case DESTINATION_LIMIT -> "DOMAIN:KEY=VALUE,...";
      case DNS_SERVER, DNSSEC_RESOLVER, RELAY_HOST -> "HOST:PORT";
      case ROUTE -> "DOMAIN=HOST:PORT";
      default -> "N";
    };
  }

  /** The configuration from this command line, the environment and the config file. */
  PetrelConfig configuration(Map<String, String> env) throws ConfigException {
    Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
    for (ConfigKey k : ConfigKey.values()) {
      OptionSpec o = spec.findOption(k.flag());
      if (o == null || o.getValue() == null) continue;
      Object v = o.getValue();
      if (v instanceof List<?> list) {
        if (!list.isEmpty())
          flags.put(k, String.join(",", list.stream().map(String::valueOf).toList()));
      } else flags.put(k, v.toString());
    }
    return ConfigLoader.resolve(flags, config, env).config();
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PetrelConfig c;
    try {
      c = configuration(System.getenv());
    } catch (ConfigException e) {
      err.println("petrel serve: " + e.getMessage());
      err.flush();
      return Main.EXIT_USAGE;
    }
    // The hook exists before start-up begins: a SIGTERM that arrives while the server is still
    // starting (its SMTP port may already answer) waits for start-up, then stops it cleanly.
    nameTheNodeInLogs(c.node());
    AtomicReference<PetrelServer> running = new AtomicReference<>();
    CountDownLatch startupDone = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    startupDone.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  PetrelServer s = running.get();
                  if (s != null) s.stop();
                  flushLogs();
                  stopped.countDown();
                },
                "petrel-shutdown"));
    try {
      running.set(PetrelServer.start(c, InstantSource.system()));
    } catch (PetrelServer.StartupException e) {
      err.println("petrel serve: " + e.getMessage());
      err.flush();
      flushLogs();
      return 1;
    } finally {
      startupDone.countDown();
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * Gives the log the node's name: a property of the logging context, which JSON lines carry
   * ({@code "context":{"properties":{"node":...}}}), so lines of several nodes shipped to one place
   * stay apart.
   */
  private static void nameTheNodeInLogs(String node) {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx)
      ctx.putProperty("node", node);
  }

  /** Empties the asynchronous log queue; the JVM is about to end. */
  private static void flushLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx)
      ctx.stop();
  }
}
