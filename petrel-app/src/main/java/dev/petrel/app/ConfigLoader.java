package dev.petrel.app;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Builds the {@link PetrelConfig} from its three sources. A flag beats the environment, which beats
 * the configuration file, which beats the default. Every error names the option and where the bad
 * value came from, so start-up stops with a message a person can act on.
 *
 * <p>Unknown keys in the configuration file are errors; unknown {@code PETREL_*} environment
 * variables are not (the launcher and the test script use some of their own).
 */
public final class ConfigLoader {

  /** The environment variable that names a configuration file, like {@code --config}. */
  public static final String CONFIG_ENV = "PETREL_CONFIG";

  /** A configuration error: start-up stops with this message and exit status 2. */
  public static final class ConfigException extends Exception {
    public ConfigException(String message) {
      super(message);
    }
  }

  /** One value and where it came from, for error messages. */
  record Setting(String value, String source) {}

  private final Map<ConfigKey, Setting> settings;

  private ConfigLoader(Map<ConfigKey, Setting> settings) {
    this.settings = settings;
  }

  /**
   * Resolves every key from its sources.
   *
   * @param flags values given as flags (absent keys were not given)
   * @param configFile the {@code --config} flag, or null (then {@code PETREL_CONFIG} is used)
   * @param env the process environment
   */
  public static ConfigLoader resolve(
      Map<ConfigKey, String> flags, Path configFile, Map<String, String> env)
      throws ConfigException {
    Map<ConfigKey, Setting> s = new EnumMap<>(ConfigKey.class);
    for (ConfigKey k : ConfigKey.values()) s.put(k, new Setting(k.defaultValue(), "the default"));
    String fromEnv = env.get(CONFIG_ENV);
    Path file =
        configFile != null
            ? configFile
            : fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv.strip()) : null;
    if (file != null) {
      for (Map.Entry<String, String> e : readFile(file).entrySet()) {
        ConfigKey k =
            ConfigKey.byKey(e.getKey())
                .orElseThrow(
                    () ->
                        new ConfigException(
                            "unknown option '"
                                + e.getKey()
                                + "' in configuration file "
                                + file
                                + "; known: "
                                + known()));
        s.put(k, new Setting(e.getValue(), "configuration file " + file));
      }
    }
    for (ConfigKey k : ConfigKey.values()) {
      String v = env.get(k.envName());
      if (v != null) s.put(k, new Setting(v, "environment variable " + k.envName()));
    }
    flags.forEach((k, v) -> s.put(k, new Setting(v, k.flag())));
    return new ConfigLoader(s);
  }

  private static Map<String, String> readFile(Path file) throws ConfigException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read configuration file " + file + ": " + describe(e) + " (--config)");
    } catch (IllegalArgumentException e) {
      throw new ConfigException("malformed configuration file " + file + ": " + e.getMessage());
    }
    Map<String, String> out = new java.util.TreeMap<>();
    for (String name : p.stringPropertyNames()) out.put(name.strip(), p.getProperty(name).strip());
    return out;
  }

  private static String describe(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.toString();
  }

  private static String known() {
    TreeSet<String> names = new TreeSet<>();
    for (ConfigKey k : ConfigKey.values()) names.add(k.key());
    return String.join(", ", names);
  }

  /** The raw text of a key after resolution. */
  public String raw(ConfigKey key) {
    return settings.get(key).value();
  }

  private <T> T get(ConfigKey key, Function<String, T> parser) throws ConfigException {
    Setting s = settings.get(key);
    try {
      return parser.apply(s.value());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "invalid value '"
              + s.value()
              + "' for "
              + key.flag()
              + " (from "
              + s.source()
              + "): "
              + e.getMessage());
    }
  }

  /** The store's URL: {@code store}, else the embedded store in the data folder. */
  public String storeUrl() throws ConfigException {
    String s = store();
    return s == null ? dev.petrel.queue.Stores.url(dataDir()) : s;
  }

  /** {@code --node-name}: letters, digits and {@code . _ -}, at most 64; empty for the default. */
  static String nodeName(String text) {
    String v = text.strip();
    if (v.isEmpty()) return null;
    if (!v.matches("[A-Za-z0-9._-]{1,64}"))
      throw new IllegalArgumentException(
          "a node name is 1 to 64 letters, digits, dots, dashes or underscores");
    return v;
  }

  /**
   * {@code --store}: null for the embedded store in the data folder. The value holds a password, so
   * a refusal names its source and what is expected, never the value.
   */
  private String store() throws ConfigException {
    Setting s = settings.get(ConfigKey.STORE);
    String v = s.value().strip();
    if (v.isEmpty()) return null;
    if (v.startsWith(dev.petrel.queue.PostgresMessageStore.SCHEME)
        || v.startsWith(dev.petrel.queue.Stores.SQLITE)) return v;
    throw new ConfigException(
        "invalid value for "
            + ConfigKey.STORE.flag()
            + " (from "
            + s.source()
            + "): expected postgresql://HOST:PORT/DATABASE?user=U&password=P or sqlite:DIR");
  }

  private Path path(ConfigKey key) throws ConfigException {
    String v = get(key, String::strip);
    if (v.isEmpty()) return null;
    return get(key, t -> Path.of(t.strip())).toAbsolutePath().normalize();
  }

  /** Only the data folder, for the commands that need nothing else. */
  public Path dataDir() throws ConfigException {
    Path p = path(ConfigKey.DATA_DIR);
    if (p == null)
      throw new ConfigException(
          "invalid value '' for --data-dir (from "
              + settings.get(ConfigKey.DATA_DIR).source()
              + ")");
    return p;
  }

  /** The whole configuration for {@code serve}. */
  public PetrelConfig config() throws ConfigException {
    String host = get(ConfigKey.HOSTNAME, String::strip);
    host = host.isEmpty() ? localHostName() : get(ConfigKey.HOSTNAME, ConfigValues::hostname);
    long size = get(ConfigKey.MAX_MESSAGE_SIZE, ConfigValues::size);
    if (size < 1024)
      throw new ConfigException(
          "invalid value '"
              + raw(ConfigKey.MAX_MESSAGE_SIZE)
              + "' for --max-message-size (from "
              + settings.get(ConfigKey.MAX_MESSAGE_SIZE).source()
              + "): must be at least 1024 bytes");
    Path cert = path(ConfigKey.TLS_CERT);
    Path key = path(ConfigKey.TLS_KEY);
    if ((cert == null) != (key == null))
      throw new ConfigException(
          (cert == null
                  ? "--tls-key given without --tls-cert"
                  : "--tls-cert given without --tls-key")
              + ": give both, or neither for a self-signed certificate");
    int smtp = get(ConfigKey.SMTP_PORT, ConfigValues::port);
    int smtps = get(ConfigKey.SMTPS_PORT, ConfigValues::optionalPort);
    if (smtps > 0 && smtps == smtp)
      throw new ConfigException("--smtps-port " + smtps + " is the same as --smtp-port");
    return new PetrelConfig(
        dataDir(),
        smtp,
        smtps,
        get(ConfigKey.HTTP_PORT, ConfigValues::optionalPort),
        get(ConfigKey.LISTEN_ADDRESS, ConfigValues::address),
        host,
        get(ConfigKey.TRUSTED_NETWORKS, ConfigValues::networks),
        size,
        get(ConfigKey.MAX_RECIPIENTS, ConfigValues::positive),
        get(ConfigKey.MAX_ERRORS, ConfigValues::positive),
        get(ConfigKey.MAX_CONNECTIONS, ConfigValues::positive),
        get(ConfigKey.MAX_CONNECTIONS_PER_IP, ConfigValues::positive),
        cert,
        key,
        positiveDuration(ConfigKey.COMMAND_TIMEOUT),
        positiveDuration(ConfigKey.DATA_TIMEOUT),
        get(ConfigKey.SHUTDOWN_TIMEOUT, ConfigValues::duration),
        get(ConfigKey.AUTH_WITHOUT_TLS, ConfigValues::bool),
        get(ConfigKey.STRICT_LINE_ENDINGS, ConfigValues::bool),
        routing(),
        get(ConfigKey.PAUSED, ConfigValues::bool),
        plans(),
        bounceDomain(host),
        get(ConfigKey.ALLOW_ANY_SENDER, ConfigValues::bool),
        positiveDuration(ConfigKey.MESSAGE_TIMEOUT),
        positiveDuration(ConfigKey.SESSION_TIMEOUT),
        get(ConfigKey.MAX_JUNK_COMMANDS, ConfigValues::positive),
        new dev.petrel.accept.AuthLockout.Settings(
            get(ConfigKey.AUTH_LOCK_FAILURES, ConfigValues::positive),
            positiveDuration(ConfigKey.AUTH_LOCK_WINDOW),
            positiveDuration(ConfigKey.AUTH_LOCK_DURATION),
            dev.petrel.accept.AuthLockout.Settings.DEFAULT_MAX_TRACKED),
        get(ConfigKey.DISK_RESERVE, ConfigValues::size),
        get(ConfigKey.WEBHOOK_ALLOW_NETWORKS, dev.petrel.model.OutboundPolicy::parse),
        retention(),
        throttle(),
        get(ConfigKey.DESTINATION_MESSAGES_PER_CONNECTION, ConfigValues::positive),
        store(),
        get(ConfigKey.NODE_NAME, ConfigLoader::nodeName),
        positiveDuration(ConfigKey.LEASE),
        tlsChecks(),
        get(ConfigKey.TLS_POLICY, ConfigLoader::tlsPolicies),
        tlsReports(host),
        get(ConfigKey.DELIVER, ConfigValues::bool),
        positiveDuration(ConfigKey.POLL_INTERVAL));
  }

  /** {@code --tls-reports}, {@code --tls-report-organization}, {@code --tls-report-contact}. */
  TlsReportSettings tlsReports(String host) throws ConfigException {
    String on = raw(ConfigKey.TLS_REPORTS).strip().toLowerCase(java.util.Locale.ROOT);
    boolean enabled =
        switch (on) {
          case "on", "true", "yes" -> true;
          case "off", "false", "no" -> false;
          default ->
              throw new ConfigException(
                  "invalid value '"
                      + raw(ConfigKey.TLS_REPORTS)
                      + "' for --tls-reports (from "
                      + settings.get(ConfigKey.TLS_REPORTS).source()
                      + "): expected on or off");
        };
    String contact = raw(ConfigKey.TLS_REPORT_CONTACT).strip();
    if (contact.chars().anyMatch(c -> c < 0x20 || c > 0x7e))
      throw new ConfigException(
          "invalid value for --tls-report-contact (from "
              + settings.get(ConfigKey.TLS_REPORT_CONTACT).source()
              + "): printable ASCII only");
    String org = raw(ConfigKey.TLS_REPORT_ORGANIZATION).strip();
    if (org.chars().anyMatch(c -> c < 0x20 || c == 0x7f))
      throw new ConfigException(
          "invalid value for --tls-report-organization (from "
              + settings.get(ConfigKey.TLS_REPORT_ORGANIZATION).source()
              + "): no control characters");
    return new TlsReportSettings(enabled, org, contact).forHost(host);
  }

  /** {@code --mta-sts} and {@code --tls-ca-file}. */
  private dev.petrel.deliver.TlsChecks tlsChecks() throws ConfigException {
    Path ca = path(ConfigKey.TLS_CA_FILE);
    dev.petrel.deliver.TlsTrust trust =
        ca == null
            ? dev.petrel.deliver.TlsTrust.jdkDefault()
            : get(ConfigKey.TLS_CA_FILE, t -> dev.petrel.deliver.TlsTrust.withCaFile(ca));
    return dev.petrel.deliver.TlsChecks.defaults()
        .withMtaSts(get(ConfigKey.MTA_STS, ConfigValues::bool))
        .withTrust(trust);
  }

  /** {@code --tls-policy DOMAIN=POLICY}, repeated (comma-separated in the file and environment). */
  static java.util.Map<String, dev.petrel.deliver.TlsPolicy> tlsPolicies(String text) {
    java.util.Map<String, dev.petrel.deliver.TlsPolicy> out = new java.util.LinkedHashMap<>();
    for (String part : text.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) continue;
      int eq = p.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("'" + p + "' is not DOMAIN=POLICY");
      String domain = p.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT);
      String policy = p.substring(eq + 1).strip();
      try {
        out.put(domain, dev.petrel.deliver.TlsPolicy.of(policy));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "'" + policy + "' for " + domain + " is not none, opportunistic, required or verify");
      }
    }
    return out;
  }

  /** {@code --retention}: how long finished messages are kept; zero for ever. */
  public java.time.Duration retention() throws ConfigException {
    return get(ConfigKey.RETENTION, ConfigValues::retention);
  }

  /**
   * The per-destination limits: {@code --destination-connections}, {@code --destination-rate}, the
   * {@code --slow-down-*} settings, and {@code --destination-limit} overrides built on them.
   */
  private dev.petrel.deliver.ThrottleConfig throttle() throws ConfigException {
    int connections = get(ConfigKey.DESTINATION_CONNECTIONS, ConfigValues::positive);
    double rate = get(ConfigKey.DESTINATION_RATE, ThrottleOptions::rate);
    double minRate = get(ConfigKey.SLOW_DOWN_MIN_RATE, ThrottleOptions::finiteRate);
    java.time.Duration step = get(ConfigKey.SLOW_DOWN_STEP, ThrottleOptions::positiveDuration);
    java.time.Duration max = get(ConfigKey.SLOW_DOWN_MAX, ThrottleOptions::positiveDuration);
    // A rate below the default slowest one brings it down with it; a slowest rate given faster
    // than the rate is an error.
    if (minRate > rate && settings.get(ConfigKey.SLOW_DOWN_MIN_RATE).source().equals("the default"))
      minRate = rate;
    if (minRate > rate)
      throw new ConfigException(
          "--slow-down-min-rate "
              + raw(ConfigKey.SLOW_DOWN_MIN_RATE).strip()
              + " (from "
              + settings.get(ConfigKey.SLOW_DOWN_MIN_RATE).source()
              + ") is faster than --destination-rate "
              + raw(ConfigKey.DESTINATION_RATE).strip()
              + " (from "
              + settings.get(ConfigKey.DESTINATION_RATE).source()
              + "): a slow-down cannot go faster than the rate itself");
    var defaults =
        new dev.petrel.deliver.DestinationLimits(connections, rate, minRate, step, max, 0);
    var overrides = get(ConfigKey.DESTINATION_LIMIT, t -> ThrottleOptions.overrides(t, defaults));
    return new dev.petrel.deliver.ThrottleConfig(defaults, overrides);
  }

  private dev.petrel.accounts.Plans plans() throws ConfigException {
    try {
      return dev.petrel.accounts.Plans.parse(raw(ConfigKey.PLANS));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ConfigKey.PLANS.flag() + ": " + e.getMessage());
    }
  }

  /**
   * {@code --dns-server}, {@code --dnssec-resolver}, {@code --route} (comma-separated when
   * repeated), {@code --relay-host} and {@code --deliver-allow-networks}.
   */
  private dev.petrel.deliver.RoutingConfig routing() throws ConfigException {
    var r =
        dev.petrel.deliver.RoutingConfig.DEFAULTS.withOutbound(
            get(ConfigKey.DELIVER_ALLOW_NETWORKS, dev.petrel.model.OutboundPolicy::parse));
    String dns = raw(ConfigKey.DNS_SERVER).strip();
    if (!dns.isEmpty()) r = r.withDnsServer(get(ConfigKey.DNS_SERVER, t -> hostPort(t, 53)));
    String dnssec = raw(ConfigKey.DNSSEC_RESOLVER).strip();
    if (!dnssec.isEmpty())
      r = r.withDnssecResolver(get(ConfigKey.DNSSEC_RESOLVER, t -> hostPort(t, 53)));
    String relay = raw(ConfigKey.RELAY_HOST).strip();
    if (!relay.isEmpty()) r = r.withRelayHost(get(ConfigKey.RELAY_HOST, t -> hostPort(t, 25)));
    String routes = raw(ConfigKey.ROUTE).strip();
    if (!routes.isEmpty())
      r =
          r.withRoutes(
              get(
                  ConfigKey.ROUTE,
                  t ->
                      dev.petrel.deliver.RoutingConfig.parseRoutes(
                          java.util.Arrays.stream(t.split(","))
                              .map(String::strip)
                              .filter(x -> !x.isEmpty())
                              .toList())));
    return r;
  }

  /** {@code --bounce-domain}: a domain name (no address literal), or bounces.HOSTNAME. */
  private String bounceDomain(String host) throws ConfigException {
    String v = raw(ConfigKey.BOUNCE_DOMAIN).strip();
    if (v.isEmpty()) {
      // an address literal as the host name gives no domain to put under it
      return host.startsWith("[") ? "bounces.localhost" : "bounces." + host;
    }
    return get(
        ConfigKey.BOUNCE_DOMAIN,
        t -> {
          String d = ConfigValues.hostname(t);
          if (d.startsWith("[") || !d.contains("."))
            throw new IllegalArgumentException("not a domain name with a dot");
          return d.toLowerCase(java.util.Locale.ROOT);
        });
  }

  private static dev.petrel.deliver.HostPort hostPort(String text, int defaultPort) {
    return dev.petrel.deliver.HostPort.parse(text.strip(), defaultPort);
  }

  private java.time.Duration positiveDuration(ConfigKey key) throws ConfigException {
    return get(
        key,
        t -> {
          java.time.Duration d = ConfigValues.duration(t);
          if (d.isZero()) throw new IllegalArgumentException("must be longer than zero");
          return d;
        });
  }

  private static String localHostName() {
    try {
      return ConfigValues.hostname(InetAddress.getLocalHost().getHostName());
    } catch (IOException | IllegalArgumentException e) {
      return "localhost";
    }
  }
}
