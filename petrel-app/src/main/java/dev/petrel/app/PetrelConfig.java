package dev.petrel.app;

import dev.petrel.accept.ListenerConfig;
import dev.petrel.deliver.RoutingConfig;
import dev.petrel.model.IpNetwork;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything {@code petrel serve} was told, typed and validated once at start-up (see {@link
 * ConfigLoader}); immutable afterwards.
 *
 * @param smtpsPort the implicit-TLS port, or -1 when off
 * @param listenAddress where to listen, or null for all addresses
 * @param tlsCert PEM certificate chain, or null to use the generated self-signed one
 * @param tlsKey PEM private key for {@code tlsCert}, or null
 * @param routing DNS server, static routes and relay host for delivery
 * @param paused whether delivery starts paused
 * @param httpPort the HTTP API's port, -1 when off
 * @param plans the plans accounts can be on, with their monthly limits
 * @param bounceDomain the domain of VERP return paths, lower case; its mail is read as bounces
 * @param allowAnySender whether accounts may send from domains they have not added
 * @param messageTimeout how long one message's data may take to arrive in all
 * @param sessionTimeout the longest SMTP session
 * @param maxJunkCommands junk commands per session between accepted messages
 * @param authLockout when failed logins lock an address or login, and for how long
 * @param diskReserve free bytes the data folder's disk keeps; below it new mail is refused
 * @param webhookTargets which internal networks webhooks may reach (none by default)
 * @param retention how long finished messages are kept after their last change; zero: for ever
 * @param throttle limits per destination and how slow-downs go (defaults, per-domain overrides)
 * @param messagesPerConnection transactions one outgoing connection carries at most
 * @param nodeName the name this node's leases carry; null or empty: {@link #node()}'s default
 * @param lease how long a claimed delivery is held before another node may take it over; null:
 *     {@link #DEFAULT_LEASE}
 * @param tlsReports SMTP TLS reporting (RFC 8460): on or off, who reports
 * @param store the URL of the store (see {@link dev.petrel.queue.Stores}); null or empty: the
 *     embedded store in the data folder
 * @param deliver whether this node runs delivery (false: it only accepts mail)
 * @param pollInterval the longest wait of the delivery loop between two looks for due work; null:
 *     {@link #DEFAULT_POLL_INTERVAL}
 */
public record PetrelConfig(
    Path dataDir,
    int smtpPort,
    int smtpsPort,
    int httpPort,
    InetAddress listenAddress,
    String hostname,
    List<IpNetwork> trustedNetworks,
    long maxMessageSize,
    int maxRecipients,
    int maxErrors,
    int maxConnections,
    int maxConnectionsPerIp,
    Path tlsCert,
    Path tlsKey,
    Duration commandTimeout,
    Duration dataTimeout,
    Duration shutdownTimeout,
    boolean authWithoutTls,
    boolean strictLineEndings,
    RoutingConfig routing,
    boolean paused,
    dev.petrel.accounts.Plans plans,
    String bounceDomain,
    boolean allowAnySender,
    Duration messageTimeout,
    Duration sessionTimeout,
    int maxJunkCommands,
    dev.petrel.accept.AuthLockout.Settings authLockout,
    long diskReserve,
    dev.petrel.model.OutboundPolicy webhookTargets,
    Duration retention,
    dev.petrel.deliver.ThrottleConfig throttle,
    int messagesPerConnection,
    String store,
    String nodeName,
    Duration lease,
    dev.petrel.deliver.TlsChecks tlsChecks,
    java.util.Map<String, dev.petrel.deliver.TlsPolicy> tlsPolicies,
    TlsReportSettings tlsReports,
    boolean deliver,
    Duration pollInterval) {

  /** The delivery loop looks for due work at least this often unless configured otherwise. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);

  /** Finished messages are kept this long unless configured otherwise. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

  /** A claimed delivery is held this long unless configured otherwise. */
  public static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);

  public PetrelConfig {
    trustedNetworks = List.copyOf(trustedNetworks);
    if (routing == null) routing = RoutingConfig.DEFAULTS;
    if (plans == null) plans = dev.petrel.accounts.Plans.DEFAULTS;
    if (webhookTargets == null) webhookTargets = dev.petrel.model.OutboundPolicy.STRICT;
    if (throttle == null) throttle = dev.petrel.deliver.ThrottleConfig.DEFAULTS;
    if (messagesPerConnection < 1)
      messagesPerConnection = dev.petrel.deliver.PoolConfig.DEFAULTS.maxMessagesPerConnection();
    if (bounceDomain == null || bounceDomain.isBlank()) bounceDomain = "bounces." + hostname;
    bounceDomain = bounceDomain.strip().toLowerCase(java.util.Locale.ROOT);
    if (messageTimeout == null) messageTimeout = ListenerConfig.Timeouts.DEFAULT_MESSAGE;
    if (sessionTimeout == null) sessionTimeout = ListenerConfig.Timeouts.DEFAULT_SESSION;
    if (authLockout == null) authLockout = dev.petrel.accept.AuthLockout.Settings.DEFAULTS;
    if (retention == null) retention = DEFAULT_RETENTION;
    if (lease == null) lease = DEFAULT_LEASE;
    if (tlsChecks == null) tlsChecks = dev.petrel.deliver.TlsChecks.defaults();
    tlsPolicies = tlsPolicies == null ? java.util.Map.of() : java.util.Map.copyOf(tlsPolicies);
    if (tlsReports == null) tlsReports = new TlsReportSettings(true, "", "");
    tlsReports = tlsReports.forHost(hostname);
    if (pollInterval == null) pollInterval = DEFAULT_POLL_INTERVAL;
    if (pollInterval.isZero() || pollInterval.isNegative())
      throw new IllegalArgumentException("--poll-interval must be longer than zero");
    if (lease.isZero() || lease.isNegative())
      throw new IllegalArgumentException("--lease must be longer than zero");
    if (retention.isNegative())
      throw new IllegalArgumentException("--retention must not be negative");
    if (diskReserve < 0) throw new IllegalArgumentException("--disk-reserve must not be negative");
    if ((tlsCert == null) != (tlsKey == null))
      throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both or none");
  }

  /** The URL of the store this server uses: {@link #store()}, else the data folder's. */
  public String storeUrl() {
    return store == null || store.isBlank() ? dev.petrel.queue.Stores.url(dataDir) : store.strip();
  }

  /**
   * The name this node's leases carry: {@link #nodeName()} when given; else, on a shared store, the
   * machine's host name, and for the embedded store (one node per data folder) the fixed name
   * {@code local}, which a restart in a new container keeps.
   */
  public String node() {
    if (nodeName != null && !nodeName.isBlank()) return nodeName.strip();
    if (store == null
        || store.isBlank()
        || store.strip().startsWith(dev.petrel.queue.Stores.SQLITE))
      return dev.petrel.queue.SqliteStoreOptions.LOCAL_NODE;
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return hostname;
    }
  }

  /** Whether finished messages are ever deleted. */
  public boolean prunes() {
    return !retention.isZero();
  }

  public boolean httpEnabled() {
    return httpPort >= 0;
  }

  public boolean smtpsEnabled() {
    return smtpsPort >= 0;
  }

  /** The settings the SMTP session needs. */
  public ListenerConfig listenerConfig() {
    return new ListenerConfig(
        hostname,
        maxMessageSize,
        maxRecipients,
        maxErrors,
        new ListenerConfig.Timeouts(commandTimeout, dataTimeout, messageTimeout, sessionTimeout),
        trustedNetworks,
        authWithoutTls,
        strictLineEndings,
        maxJunkCommands);
  }
}
