package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.app.ConfigLoader.ConfigException;
import dev.petrel.model.IpNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

  @TempDir Path tmp;

  private static PetrelConfig load(Map<ConfigKey, String> flags, Map<String, String> env)
      throws ConfigException {
    return ConfigLoader.resolve(flags, null, env).config();
  }

  @Test
  void defaultsWorkOnAFreshMachine() throws Exception {
    PetrelConfig c = load(Map.of(), Map.of());
    assertThat(c.dataDir()).isEqualTo(Path.of("petrel-data").toAbsolutePath());
    assertThat(c.smtpPort()).isEqualTo(2525);
    assertThat(c.smtpsEnabled()).isFalse();
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.maxMessageSize()).isEqualTo(25L * 1024 * 1024);
    assertThat(c.maxRecipients()).isEqualTo(1000);
    assertThat(c.trustedNetworks())
        .containsExactly(IpNetwork.parse("127.0.0.0/8"), IpNetwork.parse("::1/128"));
    assertThat(c.tlsCert()).isNull();
    assertThat(c.listenAddress()).isNull();
    assertThat(c.hostname()).isNotBlank();
    assertThat(c.commandTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.listenerConfig().timeouts().dataBlock()).isEqualTo(Duration.ofMinutes(3));
  }

  @Test
  void flagBeatsEnvironmentWhichBeatsFileWhichBeatsDefault() throws Exception {
    Path file = tmp.resolve("petrel.conf");
    Files.writeString(
        file,
        "# comment\nsmtp-port = 2600\nmax-recipients: 50\nhostname=file.example\n"
            + "max-connections 7\n");
    Map<String, String> env =
        Map.of("PETREL_SMTP_PORT", "2700", "PETREL_MAX_RECIPIENTS", "60", "PETREL_UNRELATED", "x");
    PetrelConfig c = ConfigLoader.resolve(Map.of(ConfigKey.SMTP_PORT, "2800"), file, env).config();
    assertThat(c.smtpPort()).isEqualTo(2800);
    assertThat(c.maxRecipients()).isEqualTo(60);
    assertThat(c.hostname()).isEqualTo("file.example");
    assertThat(c.maxConnections()).isEqualTo(7);
    assertThat(c.maxConnectionsPerIp()).isEqualTo(100);
  }

  @Test
  void tlsSettingsReachDeliveryAndBadValuesAreNamed() throws Exception {
    PetrelConfig d = load(Map.of(), Map.of());
    assertThat(d.tlsChecks().mtaSts()).isTrue();
    assertThat(d.tlsChecks().trust().caFile()).isNull();
    assertThat(d.tlsPolicies()).isEmpty();
    assertThat(load(Map.of(ConfigKey.MTA_STS, "off"), Map.of()).tlsChecks().mtaSts()).isFalse();
    assertThat(
            load(Map.of(), Map.of("PETREL_TLS_POLICY", "a.test=verify, B.test=none")).tlsPolicies())
        .containsEntry("a.test", dev.petrel.deliver.TlsPolicy.VERIFY)
        .containsEntry("b.test", dev.petrel.deliver.TlsPolicy.NONE);
    assertThatThrownBy(() -> load(Map.of(ConfigKey.TLS_POLICY, "a.test=strict"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--tls-policy")
        .hasMessageContaining("'strict' for a.test is not none, opportunistic, required or verify");
    assertThatThrownBy(() -> load(Map.of(ConfigKey.MTA_STS, "sometimes"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--mta-sts");
    Path notPem = Files.writeString(tmp.resolve("ca.pem"), "not a certificate\n");
    assertThatThrownBy(() -> load(Map.of(ConfigKey.TLS_CA_FILE, notPem.toString()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--tls-ca-file")
        .hasMessageContaining("ca.pem");
  }

  @Test
  void retentionIsThirtyDaysByDefaultTakesDaysAndZeroOrForeverKeepsEverything() throws Exception {
    assertThat(load(Map.of(), Map.of()).retention()).isEqualTo(java.time.Duration.ofDays(30));
    assertThat(load(Map.of(), Map.of()).prunes()).isTrue();
    assertThat(load(Map.of(ConfigKey.RETENTION, "7d"), Map.of()).retention())
        .isEqualTo(java.time.Duration.ofDays(7));
    assertThat(load(Map.of(), Map.of("PETREL_RETENTION", "12h")).retention())
        .isEqualTo(java.time.Duration.ofHours(12));
    for (String off : new String[] {"0", "forever", "FOREVER", "off"})
      assertThat(load(Map.of(ConfigKey.RETENTION, off), Map.of()).prunes()).as(off).isFalse();
    assertThatThrownBy(() -> load(Map.of(ConfigKey.RETENTION, "a month"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--retention")
        .hasMessageContaining("'a month'")
        .hasMessageContaining("forever");
  }

  @Test
  void storeIsTheDataFoldersUnlessAPostgresqlUrlIsGivenAndAWrongOneIsRefusedWithoutItsPassword()
      throws Exception {
    PetrelConfig embedded = load(Map.of(ConfigKey.DATA_DIR, tmp.toString()), Map.of());
    assertThat(embedded.store()).isNull();
    assertThat(embedded.storeUrl()).isEqualTo(dev.petrel.queue.Stores.url(embedded.dataDir()));
    String pg = "postgresql://db.example:5432/petrel?user=petrel&password=s3cret";
    assertThat(load(Map.of(), Map.of("PETREL_STORE", pg)).storeUrl()).isEqualTo(pg);
    assertThatThrownBy(
            () ->
                load(
                    Map.of(ConfigKey.STORE, "mysql://db.example/petrel?password=s3cret"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--store")
        .hasMessageContaining("from --store")
        .hasMessageContaining("postgresql://")
        .message()
        .doesNotContain("s3cret");
  }

  @Test
  void theNodeNameIsLocalForTheEmbeddedStoreTheHostNameOnASharedOneOrAsGiven() throws Exception {
    assertThat(load(Map.of(), Map.of()).node()).isEqualTo("local");
    String pg = "postgresql://db.example:5432/petrel?user=petrel&password=s3cret";
    assertThat(load(Map.of(ConfigKey.STORE, pg), Map.of()).node())
        .isEqualTo(java.net.InetAddress.getLocalHost().getHostName());
    assertThat(load(Map.of(ConfigKey.STORE, pg), Map.of("PETREL_NODE_NAME", "mx-2")).node())
        .isEqualTo("mx-2");
    assertThatThrownBy(() -> load(Map.of(ConfigKey.NODE_NAME, "two words"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--node-name")
        .hasMessageContaining("'two words'");
  }

  @Test
  void theLeaseIsFiveMinutesByDefaultComesFromFlagFileOrEnvironmentAndMustBeLongerThanZero()
      throws Exception {
    assertThat(load(Map.of(), Map.of()).lease()).isEqualTo(Duration.ofMinutes(5));
    assertThat(load(Map.of(ConfigKey.LEASE, "30s"), Map.of()).lease())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(load(Map.of(), Map.of("PETREL_LEASE", "10m")).lease())
        .isEqualTo(Duration.ofMinutes(10));
    Path file = tmp.resolve("lease.conf");
    Files.writeString(file, "lease = 2m\n");
    assertThat(ConfigLoader.resolve(Map.of(), file, Map.of()).config().lease())
        .isEqualTo(Duration.ofMinutes(2));
    for (String bad : new String[] {"0", "0s", "-5m", "five minutes", ""})
      assertThatThrownBy(() -> load(Map.of(ConfigKey.LEASE, bad), Map.of()))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("--lease")
          .hasMessageContaining("'" + bad + "'");
  }

  @Test
  void configFileCanComeFromTheEnvironment() throws Exception {
    Path file = tmp.resolve("p.properties");
    Files.writeString(file, "data-dir=" + tmp.resolve("d") + "\n");
    PetrelConfig c =
        ConfigLoader.resolve(Map.of(), null, Map.of("PETREL_CONFIG", file.toString())).config();
    assertThat(c.dataDir()).isEqualTo(tmp.resolve("d"));
  }

  @Test
  void unknownKeyInTheFileIsNamed() throws Exception {
    Path file = tmp.resolve("petrel.conf");
    Files.writeString(file, "smtp-prot=25\n");
    assertThatThrownBy(() -> ConfigLoader.resolve(Map.of(), file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown option 'smtp-prot'")
        .hasMessageContaining(file.toString());
  }

  @Test
  void missingConfigFileIsNamed() {
    Path file = tmp.resolve("nope.conf");
    assertThatThrownBy(() -> ConfigLoader.resolve(Map.of(), file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nope.conf")
        .hasMessageContaining("no such file");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "SMTP_PORT|70000|--smtp-port",
        "SMTP_PORT|abc|--smtp-port",
        "SMTPS_PORT|-5|--smtps-port",
        "MAX_MESSAGE_SIZE|25 parsecs|--max-message-size",
        "MAX_MESSAGE_SIZE|100|--max-message-size",
        "MAX_RECIPIENTS|0|--max-recipients",
        "MAX_CONNECTIONS|-1|--max-connections",
        "MAX_CONNECTIONS_PER_IP|many|--max-connections-per-ip",
        "TRUSTED_NETWORKS|10.0.0.0/33|--trusted-networks",
        "TRUSTED_NETWORKS|example.com|--trusted-networks",
        "LISTEN_ADDRESS|localhost|--listen-address",
        "HOSTNAME|bad host|--hostname",
        "COMMAND_TIMEOUT|0|--command-timeout",
        "DATA_TIMEOUT|soon|--data-timeout",
        "AUTH_WITHOUT_TLS|maybe|--auth-without-tls",
        "MESSAGE_TIMEOUT|0|--message-timeout",
        "SESSION_TIMEOUT|forever|--session-timeout",
        "MAX_JUNK_COMMANDS|0|--max-junk-commands",
        "AUTH_LOCK_FAILURES|0|--auth-lock-failures",
        "AUTH_LOCK_WINDOW|0|--auth-lock-window",
        "AUTH_LOCK_DURATION|-1m|--auth-lock-duration",
        "DISK_RESERVE|-5|--disk-reserve",
        "DISK_RESERVE|lots|--disk-reserve",
      })
  void invalidValueNamesTheOptionAndWhereItCameFrom(ConfigKey key, String value, String flag) {
    assertThatThrownBy(() -> load(Map.of(key, value), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(flag)
        .hasMessageContaining("'" + value + "'")
        .hasMessageContaining("from " + flag);
    assertThatThrownBy(() -> load(Map.of(), Map.of(key.envName(), value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(flag)
        .hasMessageContaining("environment variable " + key.envName());
  }

  @ParameterizedTest
  @CsvSource({
    "26214400, 26214400",
    "25MiB, 26214400",
    "25mib, 26214400",
    "25M, 26214400",
    "25MB, 25000000",
    "25 MB, 25000000",
    "100KB, 100000",
    "64KiB, 65536",
    "1GiB, 1073741824",
    "2048B, 2048"
  })
  void messageSizeTakesBytesOrUnits(String text, long bytes) throws Exception {
    assertThat(load(Map.of(ConfigKey.MAX_MESSAGE_SIZE, text), Map.of()).maxMessageSize())
        .isEqualTo(bytes);
  }

  @ParameterizedTest
  @CsvSource({"300, 300", "300s, 300", "5m, 300", "PT5M, 300", "1h, 3600", "1500ms, 1"})
  void durationsTakeUnits(String text, long seconds) throws Exception {
    assertThat(load(Map.of(ConfigKey.COMMAND_TIMEOUT, text), Map.of()).commandTimeout())
        .hasSeconds(seconds);
  }

  @Test
  void smtpsPortIsOffUnlessGiven() throws Exception {
    assertThat(load(Map.of(ConfigKey.SMTPS_PORT, "4650"), Map.of()).smtpsPort()).isEqualTo(4650);
    assertThat(load(Map.of(ConfigKey.SMTPS_PORT, "off"), Map.of()).smtpsEnabled()).isFalse();
    assertThatThrownBy(
            () -> load(Map.of(ConfigKey.SMTPS_PORT, "2600", ConfigKey.SMTP_PORT, "2600"), Map.of()))
        .hasMessageContaining("--smtps-port 2600 is the same as --smtp-port");
  }

  @Test
  void trustedNetworksTakeCommasOrSpacesAndMayBeEmpty() throws Exception {
    assertThat(
            load(
                    Map.of(ConfigKey.TRUSTED_NETWORKS, "10.0.0.0/8, 192.0.2.7 2001:db8::/32"),
                    Map.of())
                .trustedNetworks())
        .containsExactly(
            IpNetwork.parse("10.0.0.0/8"),
            IpNetwork.parse("192.0.2.7/32"),
            IpNetwork.parse("2001:db8::/32"));
    assertThat(load(Map.of(ConfigKey.TRUSTED_NETWORKS, ""), Map.of()).trustedNetworks()).isEmpty();
  }

  @Test
  void certificateAndKeyGoTogether() {
    assertThatThrownBy(() -> load(Map.of(ConfigKey.TLS_CERT, "/etc/c.pem"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--tls-cert given without --tls-key");
    assertThatThrownBy(() -> load(Map.of(ConfigKey.TLS_KEY, "/etc/k.pem"), Map.of()))
        .hasMessageContaining("--tls-key given without --tls-cert");
  }

  @Test
  void dataDirAloneIgnoresTheOtherKeys() throws Exception {
    ConfigLoader l =
        ConfigLoader.resolve(
            Map.of(), null, Map.of("PETREL_DATA_DIR", tmp.toString(), "PETREL_SMTP_PORT", "x"));
    assertThat(l.dataDir()).isEqualTo(tmp);
    assertThatThrownBy(l::config).hasMessageContaining("--smtp-port");
  }

  @Test
  void listenerConfigCarriesTheLimits() throws Exception {
    PetrelConfig c =
        load(
            Map.of(
                ConfigKey.MAX_RECIPIENTS, "5",
                ConfigKey.MAX_MESSAGE_SIZE, "2MiB",
                ConfigKey.HOSTNAME, "mx.example.org",
                ConfigKey.STRICT_LINE_ENDINGS, "true"),
            Map.of());
    var l = c.listenerConfig();
    assertThat(l.maxRecipients()).isEqualTo(5);
    assertThat(l.maxMessageSize()).isEqualTo(2 * 1024 * 1024);
    assertThat(l.hostname()).isEqualTo("mx.example.org");
    assertThat(l.strictLineEndings()).isTrue();
    assertThat(l.authWithoutTls()).isFalse();
  }

  @Test
  void listenerDefencesHaveTheirDefaultsAndCanBeSet() throws Exception {
    PetrelConfig d = load(Map.of(), Map.of());
    assertThat(d.listenerConfig().maxJunkCommands()).isEqualTo(100);
    assertThat(d.listenerConfig().timeouts().message()).isEqualTo(Duration.ofMinutes(30));
    assertThat(d.listenerConfig().timeouts().session()).isEqualTo(Duration.ofHours(1));
    assertThat(d.authLockout())
        .isEqualTo(
            new dev.petrel.accept.AuthLockout.Settings(
                10, Duration.ofMinutes(15), Duration.ofMinutes(15), 10_000));
    assertThat(d.diskReserve()).isEqualTo(100L * 1024 * 1024);
    PetrelConfig c =
        load(
            Map.of(
                ConfigKey.MAX_JUNK_COMMANDS, "7",
                ConfigKey.MESSAGE_TIMEOUT, "10m",
                ConfigKey.SESSION_TIMEOUT, "2h",
                ConfigKey.AUTH_LOCK_FAILURES, "3",
                ConfigKey.AUTH_LOCK_WINDOW, "1h",
                ConfigKey.AUTH_LOCK_DURATION, "30s",
                ConfigKey.DISK_RESERVE, "1GiB"),
            Map.of());
    assertThat(c.listenerConfig().maxJunkCommands()).isEqualTo(7);
    assertThat(c.listenerConfig().timeouts().message()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.listenerConfig().timeouts().session()).isEqualTo(Duration.ofHours(2));
    assertThat(c.authLockout().maxFailures()).isEqualTo(3);
    assertThat(c.authLockout().window()).isEqualTo(Duration.ofHours(1));
    assertThat(c.authLockout().lockDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.diskReserve()).isEqualTo(1024L * 1024 * 1024);
  }
}
