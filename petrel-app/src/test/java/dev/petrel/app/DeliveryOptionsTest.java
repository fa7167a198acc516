package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.app.ConfigLoader.ConfigException;
import dev.petrel.deliver.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** serve's delivery options in their three spellings: flags, configuration file, environment. */
class DeliveryOptionsTest {

  @TempDir Path tmp;

  private static PetrelConfig serve(Map<String, String> env, String... args) throws Exception {
    CommandLine cl = Main.commandLine();
    String[] all = new String[args.length + 1];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    cl.parseArgs(all);
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    return serve.configuration(env);
  }

  @Test
  void defaultsUseDnsAndDeliver() throws Exception {
    PetrelConfig c = serve(Map.of());
    assertThat(c.routing().dnsServer()).isNull();
    assertThat(c.routing().routes()).isEmpty();
    assertThat(c.routing().relayHost()).isNull();
    assertThat(c.paused()).isFalse();
  }

  @Test
  void flagsAreRepeatableForRoutes() throws Exception {
    PetrelConfig c =
        serve(
            Map.of(),
            "--route",
            "a.test=127.0.0.1:2526",
            "--route=.B.test=[::1]:25",
            "--dns-server",
            "127.0.0.1:5353",
            "--relay-host",
            "relay.test",
            "--paused");
    assertThat(c.routing().routes())
        .containsEntry("a.test", new HostPort("127.0.0.1", 2526))
        .containsEntry(".b.test", new HostPort("::1", 25))
        .hasSize(2);
    assertThat(c.routing().dnsServer()).isEqualTo(new HostPort("127.0.0.1", 5353));
    assertThat(c.routing().relayHost()).isEqualTo(new HostPort("relay.test", 25));
    assertThat(c.paused()).isTrue();
  }

  @Test
  void fileAndEnvironmentSeparateRoutesWithCommas() throws Exception {
    Path file = tmp.resolve("petrel.conf");
    Files.writeString(
        file, "route = a.test=127.0.0.1:2526, b.test=10.0.0.5:25\ndns-server = 10.0.0.53\n");
    PetrelConfig c = serve(Map.of("PETREL_PAUSED", "true"), "--config", file.toString());
    assertThat(c.routing().routes()).hasSize(2).containsKeys("a.test", "b.test");
    assertThat(c.routing().dnsServer()).isEqualTo(new HostPort("10.0.0.53", 53));
    assertThat(c.paused()).isTrue();
    PetrelConfig e = serve(Map.of("PETREL_RELAY_HOST", "smart.test:587"));
    assertThat(e.routing().relayHost()).isEqualTo(new HostPort("smart.test", 587));
  }

  @Test
  void dnssecResolverTurnsDaneOnFromEachSource() throws Exception {
    assertThat(serve(Map.of()).routing().dnssecResolver()).isNull();
    assertThat(serve(Map.of(), "--dnssec-resolver", "127.0.0.1:5354").routing().dnssecResolver())
        .isEqualTo(new HostPort("127.0.0.1", 5354));
    assertThat(serve(Map.of("PETREL_DNSSEC_RESOLVER", "[::1]")).routing().dnssecResolver())
        .isEqualTo(new HostPort("::1", 53));
    Path file = tmp.resolve("dane.conf");
    Files.writeString(file, "dnssec-resolver = 127.0.0.53\n");
    assertThat(serve(Map.of(), "--config", file.toString()).routing().dnssecResolver())
        .isEqualTo(new HostPort("127.0.0.53", 53));
    assertThatThrownBy(() -> serve(Map.of("PETREL_DNSSEC_RESOLVER", "127.0.0.1:0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--dnssec-resolver")
        .hasMessageContaining("environment variable PETREL_DNSSEC_RESOLVER");
  }

  @Test
  void badValuesSayWhichOptionAndWhy() {
    assertThatThrownBy(() -> serve(Map.of(), "--route", "a.test"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--route")
        .hasMessageContaining("DOMAIN=HOST:PORT");
    assertThatThrownBy(() -> serve(Map.of(), "--route", "a.test=h:1", "--route", "a.test=h:2"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("given twice");
    assertThatThrownBy(() -> serve(Map.of("PETREL_DNS_SERVER", "127.0.0.1:99999")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--dns-server")
        .hasMessageContaining("environment variable PETREL_DNS_SERVER");
    assertThatThrownBy(() -> serve(Map.of(), "--relay-host", "a:b:c"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--relay-host");
  }
}
