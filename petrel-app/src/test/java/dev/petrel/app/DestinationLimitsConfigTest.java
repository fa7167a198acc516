package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.deliver.DestinationLimits;
import dev.petrel.deliver.ThrottleConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * The per-destination limits and slow-down settings: defaults, the three sources, overrides per
 * domain (repeated flags, the file), and a precise refusal with exit status 2 for bad values.
 */
class DestinationLimitsConfigTest {

  @TempDir Path dir;

  /** The configuration {@code petrel serve ARGS} would run with (nothing is started). */
  private PetrelConfig serve(Map<String, String> env, String... args) throws Exception {
    CommandLine cl = Main.commandLine();
    String[] all = new String[args.length + 1];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    CommandLine.ParseResult parsed = cl.parseArgs(all);
    ServeCommand serve = (ServeCommand) parsed.subcommand().commandSpec().userObject();
    return serve.configuration(env);
  }

  @Test
  void defaults() throws Exception {
    PetrelConfig c = serve(Map.of());
    DestinationLimits d = c.throttle().defaults();
    assertThat(d.maxConnections()).isEqualTo(20);
    assertThat(d.rateLimited()).isFalse();
    assertThat(d.minMessagesPerSecond()).isEqualTo(1.0 / 60);
    assertThat(d.recoveryInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(d.maxSlowDown()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.messagesPerConnection()).isEqualTo(100);
    assertThat(c.throttle().overrides()).isEmpty();
    // The built-in defaults of delivery are the documented ones.
    assertThat(d).isEqualTo(DestinationLimits.DEFAULTS);
  }

  @Test
  void flagsSetTheDefaultsAndRepeatedOverridesBuildOnThem() throws Exception {
    PetrelConfig c =
        serve(
            Map.of(),
            "--destination-connections",
            "8",
            "--destination-messages-per-connection",
            "25",
            "--destination-rate",
            "600/min",
            "--slow-down-min-rate",
            "2/min",
            "--slow-down-step",
            "30s",
            "--slow-down-max",
            "1h",
            "--destination-limit",
            "Gmail.com:connections=5,messages-per-connection=50,rate=10/s",
            "--destination-limit",
            "yahoo.com:max=30m,step=2m,min-rate=1/h");
    ThrottleConfig t = c.throttle();
    assertThat(t.defaults())
        .isEqualTo(
            new DestinationLimits(
                8, 10.0, 2.0 / 60, Duration.ofSeconds(30), Duration.ofHours(1), 0));
    assertThat(c.messagesPerConnection()).isEqualTo(25);
    assertThat(t.limitsFor("gmail.com"))
        .isEqualTo(
            new DestinationLimits(
                5, 10.0, 2.0 / 60, Duration.ofSeconds(30), Duration.ofHours(1), 50));
    assertThat(t.limitsFor("yahoo.com"))
        .isEqualTo(
            new DestinationLimits(
                8, 10.0, 1.0 / 3600, Duration.ofMinutes(2), Duration.ofMinutes(30), 0));
    assertThat(t.limitsFor("other.test")).isEqualTo(t.defaults());
    // A key kept per local part has its domain's limits.
    assertThat(t.limitsFor("gmail.com/rate-421").maxConnections()).isEqualTo(5);
  }

  @Test
  void theFileAndTheEnvironmentSayTheSame() throws Exception {
    Path conf = dir.resolve("petrel.conf");
    Files.writeString(
        conf,
        """
        destination-connections = 4
        slow-down-max = 20m
        destination-limit = a.test:connections=2, b.test:rate=1/s,step=5m
        """);
    PetrelConfig c = serve(Map.of("PETREL_SLOW_DOWN_STEP", "90s"), "--config", conf.toString());
    assertThat(c.throttle().defaults().maxConnections()).isEqualTo(4);
    assertThat(c.throttle().defaults().maxSlowDown()).isEqualTo(Duration.ofMinutes(20));
    assertThat(c.throttle().defaults().recoveryInterval()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.throttle().limitsFor("a.test").maxConnections()).isEqualTo(2);
    assertThat(c.throttle().limitsFor("b.test").maxMessagesPerSecond()).isEqualTo(1.0);
    assertThat(c.throttle().limitsFor("b.test").recoveryInterval())
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(c.throttle().limitsFor("b.test").maxConnections()).isEqualTo(4);
  }

  @Test
  void aSlowRateBringsTheDefaultSlowestRateDownWithIt() throws Exception {
    PetrelConfig c = serve(Map.of(), "--destination-rate", "1/h");
    assertThat(c.throttle().defaults().maxMessagesPerSecond()).isEqualTo(1.0 / 3600);
    assertThat(c.throttle().defaults().minMessagesPerSecond()).isEqualTo(1.0 / 3600);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "--destination-connections|0|invalid value '0' for --destination-connections (from"
            + " --destination-connections): must be at least 1",
        "--destination-messages-per-connection|many|invalid value 'many' for"
            + " --destination-messages-per-connection (from"
            + " --destination-messages-per-connection): not a whole number",
        "--destination-rate|fast|invalid value 'fast' for --destination-rate (from"
            + " --destination-rate): not a rate (e.g. 10/s, 600/min, 100/h, none)",
        "--destination-rate|0/s|a rate must be more than zero",
        "--slow-down-min-rate|none|--slow-down-min-rate (from --slow-down-min-rate): must be a"
            + " rate (e.g. 1/min), not none",
        "--slow-down-step|0|invalid value '0' for --slow-down-step (from --slow-down-step): must"
            + " be longer than zero",
        "--slow-down-max|soon|invalid value 'soon' for --slow-down-max (from --slow-down-max):"
            + " not a duration",
        "--destination-limit|gmail.com:conections=5|gmail.com: unknown key 'conections' (keys:"
            + " connections, messages-per-connection, rate, min-rate, step, max)",
        "--destination-limit|connections=5|'connections=5' names no domain",
        "--destination-limit|gmail.com:connections=0|gmail.com: connections=0: must be at least 1",
        "--destination-limit|gmail.com:|gmail.com: give at least one key=value",
        "--destination-limit|gmail.com:rate=1/h,min-rate=1/s|gmail.com: the slowest rate must be"
            + " positive and at most the rate",
        "--destination-limit|gmail.com:step|gmail.com: 'step' is not key=value",
      })
  void badValuesStopServeWithExitStatus2(String flag, String value, String message) {
    var r =
        CredentialsCommandTest.run(
            "serve", "--data-dir", dir.resolve("data").toString(), flag, value);
    assertThat(r.status()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).startsWith("petrel serve: ").contains(message);
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void aSlowestRateFasterThanTheRateIsRefused() {
    var r =
        CredentialsCommandTest.run(
            "serve",
            "--data-dir",
            dir.resolve("data").toString(),
            "--destination-rate",
            "1/h",
            "--slow-down-min-rate",
            "1/min");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "--slow-down-min-rate 1/min (from --slow-down-min-rate) is faster than"
                + " --destination-rate 1/h (from --destination-rate)");
  }

  @Test
  void aBadValueInTheFileNamesTheFile() throws Exception {
    Path conf = dir.resolve("petrel.conf");
    Files.writeString(conf, "destination-limit = gmail.com:max=-5m\n");
    var r =
        CredentialsCommandTest.run(
            "serve", "--data-dir", dir.resolve("data").toString(), "--config", conf.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .contains("for --destination-limit (from configuration file " + conf + ")")
        .contains("gmail.com: max=-5m:");
  }
}
