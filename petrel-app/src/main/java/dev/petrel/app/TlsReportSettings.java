package dev.petrel.app;

/**
 * SMTP TLS Reporting settings ({@code --tls-reports}, {@code --tls-report-organization}, {@code
 * --tls-report-contact}).
 *
 * @param enabled whether TLS sessions are counted and daily reports sent
 * @param organization the report's "organization-name"; empty: the hostname
 * @param contact the report's "contact-info"; empty: postmaster@hostname
 */
public record TlsReportSettings(boolean enabled, String organization, String contact) {

  /** The settings with their defaults filled in for a server called {@code hostname}. */
  public TlsReportSettings forHost(String hostname) {
    return new TlsReportSettings(
        enabled,
        organization == null || organization.isBlank() ? hostname : organization.strip(),
        contact == null || contact.isBlank() ? "postmaster@" + hostname : contact.strip());
  }
}
