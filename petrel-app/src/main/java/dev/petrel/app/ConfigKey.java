package dev.petrel.app;

import java.util.Locale;
import java.util.Optional;

/**
 * Every setting {@code petrel serve} knows. One name serves three sources: the flag {@code --NAME},
 * the line {@code NAME = value} in the {@code --config} file, and the environment variable {@code
 * PETREL_NAME} (upper case, dashes as underscores).
 */
public enum ConfigKey {
  DATA_DIR("data-dir", "./petrel-data", "Data folder: queue store, TLS certificate, credentials."),
  STORE(
      "store",
      "",
      "Where the queue is: postgresql://HOST:PORT/DB?user=U&password=P, or empty for the embedded"
          + " store in the data folder."),
  NODE_NAME(
      "node-name",
      "",
      "This node's name in its delivery leases; give each node on one database its own. Empty:"
          + " the machine's host name with --store, local for the embedded store."),
  LEASE(
      "lease",
      "5m",
      "How long a node holds a claimed delivery before another node may take it over."),
  DELIVER(
      "deliver",
      "true",
      "Whether this node delivers mail; false: it only accepts, and other nodes on the same"
          + " store deliver."),
  POLL_INTERVAL(
      "poll-interval",
      "500ms",
      "Longest wait of the delivery loop between looks for due work (retries, expired leases);"
          + " new mail wakes it at once, from other nodes too."),
  SMTP_PORT("smtp-port", "2525", "SMTP port (STARTTLS offered); 0 picks a free port."),
  SMTPS_PORT("smtps-port", "off", "Implicit-TLS SMTP port (like 465), or off."),
  HTTP_PORT("http-port", "8080", "HTTP port of the API, health and metrics; 0 picks one; off."),
  PLANS(
      "plans",
      "free=2000,unlimited=none",
      "Plans: NAME=recipients a month (or none), comma-separated."),
  LISTEN_ADDRESS("listen-address", "", "Address to listen on; empty means all addresses."),
  HOSTNAME("hostname", "", "Name in the greeting and Received header; empty: this machine's name."),
  TRUSTED_NETWORKS(
      "trusted-networks",
      "127.0.0.0/8,::1/128",
      "CIDR list allowed to relay without AUTH (like Postfix's mynetworks)."),
  MAX_MESSAGE_SIZE(
      "max-message-size", "25MiB", "Largest message: bytes, or with KB/MB/GB (SI), KiB/MiB/GiB."),
  MAX_RECIPIENTS("max-recipients", "1000", "Recipients per message; more get 452 4.5.3."),
  MAX_ERRORS("max-errors", "10", "Errors per session before 421 4.7.0 and close."),
  MAX_JUNK_COMMANDS(
      "max-junk-commands",
      "100",
      "NOOP/RSET/HELP/VRFY/refused commands per session between accepted messages; then 421"
          + " 4.7.0."),
  MAX_CONNECTIONS("max-connections", "1000", "Concurrent connections in all; more get 421 4.3.2."),
  MAX_CONNECTIONS_PER_IP(
      "max-connections-per-ip", "100", "Concurrent connections per client IP; more get 421 4.7.0."),
  TLS_CERT("tls-cert", "", "PEM certificate chain; without it a self-signed one is generated."),
  TLS_KEY("tls-key", "", "PEM private key of --tls-cert (PKCS#8, PKCS#1 or SEC1, unencrypted)."),
  COMMAND_TIMEOUT(
      "command-timeout", "5m", "A whole command line must arrive within this (RFC 5321: 5m)."),
  DATA_TIMEOUT("data-timeout", "3m", "How long to wait for each block of message data."),
  MESSAGE_TIMEOUT(
      "message-timeout",
      "30m",
      "A message's whole data (DATA, or one BDAT chunk) must arrive within this."),
  SESSION_TIMEOUT(
      "session-timeout", "1h", "Longest SMTP session; the next command after it gets 421 4.4.2."),
  AUTH_LOCK_FAILURES(
      "auth-lock-failures",
      "10",
      "Failed logins from one address, or for one login, that lock it (454 4.7.0)."),
  AUTH_LOCK_WINDOW("auth-lock-window", "15m", "How far back failed logins count."),
  AUTH_LOCK_DURATION(
      "auth-lock-duration", "15m", "How long a lock refuses every AUTH, right password too."),
  DISK_RESERVE(
      "disk-reserve",
      "100MiB",
      "Free space the data folder's disk keeps; below it new mail gets 452 4.3.1. 0: none."),
  SHUTDOWN_TIMEOUT(
      "shutdown-timeout", "30s", "On SIGTERM, how long in-flight sessions may take to finish."),
  AUTH_WITHOUT_TLS(
      "auth-without-tls", "false", "Offer AUTH before TLS to clients outside trusted networks."),
  STRICT_LINE_ENDINGS(
      "strict-line-endings", "false", "Reject lines ending in a bare LF instead of normalising."),
  DNS_SERVER("dns-server", "", "DNS server for MX lookups (HOST:PORT); empty: the system's."),
  DNSSEC_RESOLVER(
      "dnssec-resolver",
      "",
      "DNS resolver trusted to validate DNSSEC (HOST:PORT), asked for TLSA records: turns DANE on;"
          + " empty: DANE off."),
  ROUTE(
      "route",
      "",
      "Static route DOMAIN=HOST:PORT overriding DNS (.DOMAIN covers subdomains); repeat the flag,"
          + " or separate with commas in the file and environment."),
  RELAY_HOST("relay-host", "", "Send all mail without a static route through HOST:PORT."),
  PAUSED(
      "paused", "false", "Start with delivery paused (queue resume starts it); acceptance runs."),
  BOUNCE_DOMAIN(
      "bounce-domain",
      "",
      "Domain of the VERP return paths (bounces+TOKEN@DOMAIN) whose mail is read as bounces;"
          + " empty: bounces.HOSTNAME."),
  ALLOW_ANY_SENDER(
      "allow-any-sender",
      "true",
      "Let accounts send from any domain; false: only from their sender domains (553 5.7.1)."),
  WEBHOOK_ALLOW_NETWORKS(
      "webhook-allow-networks",
      "",
      "CIDR list of internal networks webhooks may reach (loopback, private...); empty: none."),
  DELIVER_ALLOW_NETWORKS(
      "deliver-allow-networks",
      "",
      "CIDR list of internal networks mail found by DNS or address literal may go to; empty: none."),
  RETENTION(
      "retention",
      "30d",
      "How long finished messages are kept after their last change, then deleted (statistics"
          + " and suppressions stay); 0 or forever: kept for ever."),
  DESTINATION_CONNECTIONS(
      "destination-connections", "20", "Simultaneous deliveries (connections) per destination."),
  DESTINATION_MESSAGES_PER_CONNECTION(
      "destination-messages-per-connection",
      "100",
      "Messages one outgoing connection carries before it is closed."),
  DESTINATION_RATE(
      "destination-rate",
      "none",
      "Messages started per destination at most: N/s, N/min or N/h; none: no limit."),
  SLOW_DOWN_MIN_RATE(
      "slow-down-min-rate",
      "1/min",
      "Slowest rate a destination is brought to by replies asking to slow down (421, 4.7.x"
          + " rate limits)."),
  SLOW_DOWN_STEP(
      "slow-down-step",
      "1m",
      "After a slow-down, each step without another gives back one connection and a tenth of the"
          + " rate."),
  SLOW_DOWN_MAX(
      "slow-down-max",
      "10m",
      "A slow-down ends at the latest this long after the last reply asking for it."),
  TLS_REPORTS(
      "tls-reports",
      "on",
      "SMTP TLS reports (RFC 8460): count outgoing TLS sessions and send each receiving domain"
          + " that asks for them a daily report; on or off."),
  TLS_REPORT_ORGANIZATION(
      "tls-report-organization", "", "Organization name in TLS reports; empty: the hostname."),
  TLS_REPORT_CONTACT(
      "tls-report-contact",
      "",
      "Contact in TLS reports (an address or URL); empty: postmaster@HOSTNAME."),
  MTA_STS(
      "mta-sts",
      "on",
      "Look up recipient domains' MTA-STS policies (RFC 8461) and deliver as they ask: on or off."),
  TLS_CA_FILE(
      "tls-ca-file",
      "",
      "PEM file of CA certificates trusted besides the JDK's, for MTA-STS policy fetches and MX"
          + " certificate checks."),
  TLS_POLICY(
      "tls-policy",
      "",
      "STARTTLS policy of one recipient domain, winning over MTA-STS:"
          + " DOMAIN=none|opportunistic|required|verify; repeat the flag."),
  DESTINATION_LIMIT(
      "destination-limit",
      "",
      "Limits of one domain: DOMAIN:connections=N,messages-per-connection=N,rate=R,min-rate=R,"
          + "step=DURATION,max=DURATION (any of them, the rest as the defaults); repeat the flag.");

  private final String key;
  private final String defaultValue;
  private final String description;

  ConfigKey(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The name in the configuration file. */
  public String key() {
    return key;
  }

  public String flag() {
    return "--" + key;
  }

  public String envName() {
    return "PETREL_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  public static Optional<ConfigKey> byKey(String key) {
    for (ConfigKey k : values()) if (k.key.equals(key)) return Optional.of(k);
    return Optional.empty();
  }
}
