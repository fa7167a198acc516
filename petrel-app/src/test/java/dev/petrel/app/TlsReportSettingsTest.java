package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.app.ConfigLoader.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS report settings from flags, the environment and the file, with their defaults. */
class TlsReportSettingsTest {

  @TempDir Path tmp;

  static PetrelConfig load(Map<ConfigKey, String> flags, Map<String, String> env, Path file)
      throws ConfigException {
    return ConfigLoader.resolve(flags, file, env).config();
  }

  @Test
  void onByDefaultWithTheHostnameAsOrganizationAndPostmasterAsContact() throws Exception {
    TlsReportSettings s =
        load(Map.of(ConfigKey.HOSTNAME, "mta.example.com"), Map.of(), null).tlsReports();
    assertThat(s.enabled()).isTrue();
    assertThat(s.organization()).isEqualTo("mta.example.com");
    assertThat(s.contact()).isEqualTo("postmaster@mta.example.com");
  }

  @Test
  void eachSourceSetsThem() throws Exception {
    Path file =
        Files.writeString(tmp.resolve("petrel.conf"), "tls-report-organization = Acme Mail\n");
    PetrelConfig c =
        load(
            Map.of(ConfigKey.TLS_REPORTS, "off"),
            Map.of("PETREL_TLS_REPORT_CONTACT", "mailto:tls@acme.example"),
            file);
    assertThat(c.tlsReports())
        .isEqualTo(new TlsReportSettings(false, "Acme Mail", "mailto:tls@acme.example"));
  }

  @Test
  void aValueThatIsNeitherOnNorOffIsRefusedWithItsSource() {
    assertThatThrownBy(() -> load(Map.of(), Map.of("PETREL_TLS_REPORTS", "sometimes"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'sometimes'")
        .hasMessageContaining("--tls-reports")
        .hasMessageContaining("PETREL_TLS_REPORTS")
        .hasMessageContaining("on or off");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(ConfigKey.TLS_REPORT_CONTACT, "tls@acme.example\r\nBcc: x"),
                    Map.of(),
                    null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--tls-report-contact");
  }
}
