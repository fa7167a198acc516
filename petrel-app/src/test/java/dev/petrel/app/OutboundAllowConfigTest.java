package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.model.IpNetwork;
import dev.petrel.model.OutboundPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code webhook-allow-networks} and {@code deliver-allow-networks} from their three sources. */
class OutboundAllowConfigTest {

  @TempDir Path tmp;

  @Test
  void nothingInternalIsAllowedByDefault() throws Exception {
    PetrelConfig c = ConfigLoader.resolve(Map.of(), null, Map.of()).config();
    assertThat(c.webhookTargets()).isEqualTo(OutboundPolicy.STRICT);
    assertThat(c.routing().outbound()).isEqualTo(OutboundPolicy.STRICT);
  }

  @Test
  void flagsFileAndEnvironmentGiveTheNetworks() throws Exception {
    Path file = tmp.resolve("petrel.conf");
    Files.writeString(file, "deliver-allow-networks = 10.0.0.0/8, fd00::/8\n");
    PetrelConfig c =
        ConfigLoader.resolve(
                Map.of(ConfigKey.WEBHOOK_ALLOW_NETWORKS, "127.0.0.1/32 ::1"),
                file,
                Map.of("PETREL_UNRELATED", "x"))
            .config();
    assertThat(c.webhookTargets().allowed())
        .containsExactly(IpNetwork.parse("127.0.0.1/32"), IpNetwork.parse("::1/128"));
    assertThat(c.routing().outbound().allowed())
        .containsExactly(IpNetwork.parse("10.0.0.0/8"), IpNetwork.parse("fd00::/8"));
    PetrelConfig env =
        ConfigLoader.resolve(
                Map.of(), null, Map.of("PETREL_DELIVER_ALLOW_NETWORKS", "192.168.0.0/16"))
            .config();
    assertThat(env.routing().outbound().allowed())
        .containsExactly(IpNetwork.parse("192.168.0.0/16"));
  }

  @Test
  void aBadNetworkStopsStartUpNamingTheOption() {
    assertThatThrownBy(
            () ->
                ConfigLoader.resolve(
                        Map.of(ConfigKey.WEBHOOK_ALLOW_NETWORKS, "localhost"), null, Map.of())
                    .config())
        .isInstanceOf(ConfigLoader.ConfigException.class)
        .hasMessage(
            "invalid value 'localhost' for --webhook-allow-networks (from"
                + " --webhook-allow-networks): not an IP network: 'localhost'");
    assertThatThrownBy(
            () ->
                ConfigLoader.resolve(
                        Map.of(), null, Map.of("PETREL_DELIVER_ALLOW_NETWORKS", "10.0.0.0/40"))
                    .config())
        .hasMessageContaining("--deliver-allow-networks (from environment variable")
        .hasMessageContaining("prefix length out of range");
  }
}
