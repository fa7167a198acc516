package dev.petrel.app;

import dev.petrel.queue.StorageException;
import dev.petrel.queue.Store;
import dev.petrel.queue.TlsReportStore;
import dev.petrel.report.StatusJson;
import dev.petrel.report.TlsReporter;
import java.io.PrintWriter;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code petrel tls-reports}: the SMTP TLS reports (RFC 8460) of every account's mail: the daily
 * session counts per policy domain, the reports made of them and where they went; and sending a
 * day's reports now. Works on the store directly, also while {@code petrel serve} runs.
 */
@Command(
    name = "tls-reports",
    mixinStandardHelpOptions = true,
    description = "List and show SMTP TLS reports (RFC 8460); send a day's reports now.",
    subcommands = {
      TlsReportsCommand.ListReports.class,
      TlsReportsCommand.Show.class,
      TlsReportsCommand.Send.class
    })
final class TlsReportsCommand implements Runnable {

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a subcommand: list, show, send");
  }

  /** Opens the store of the configuration, runs the action, maps failures to statuses. */
  abstract static class Action implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin DataDirOptions data;

    @Option(names = "--json", description = "Print JSON (one object per line).")
    boolean json;

    abstract int run(PetrelConfig config, Store store, PrintWriter out, PrintWriter err)
        throws StorageException;

    /** Settings this subcommand takes as flags (beyond the data folder). */
    void flags(Map<ConfigKey, String> flags) {}

    String name() {
      return "petrel tls-reports " + spec.name();
    }

    @Override
    public Integer call() {
      Map<ConfigKey, String> flags = data.flags();
      flags(flags);
      return data.withStore(spec, name(), flags, this::run);
    }

    static LocalDate day(String text, String what) {
      try {
        return LocalDate.parse(text.strip());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            what + " '" + text + "' is not a day (YYYY-MM-DD, UTC)", e);
      }
    }
  }

  /** The totals of one day and policy domain, with its report if one was made. */
  record DayTotal(
      LocalDate day,
      String policyDomain,
      long successful,
      long failed,
      Map<String, Long> results,
      TlsReportStore.Report report) {

    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("day", day.toString());
      m.put("policy_domain", policyDomain);
      m.put("successful_sessions", successful);
      m.put("failed_sessions", failed);
      m.put("results", results);
      m.put("report_id", report == null ? null : report.id());
      m.put("rua", report == null || report.rua().isEmpty() ? null : report.rua());
      m.put("outcome", report == null ? null : report.outcome());
      return m;
    }
  }

  /** Totals per day and domain of the sessions given (any accounts), with their reports. */
  static List<DayTotal> totals(
      List<TlsReportStore.SessionCount> sessions, List<TlsReportStore.Report> reports) {
    Map<String, TlsReportStore.Report> byKey = new LinkedHashMap<>();
    for (TlsReportStore.Report r : reports) byKey.put(r.day() + " " + r.policyDomain(), r);
    Map<String, long[]> counts = new LinkedHashMap<>();
    Map<String, Map<String, Long>> results = new LinkedHashMap<>();
    for (TlsReportStore.SessionCount s : sessions) {
      String key = s.day() + " " + s.policyDomain();
      long[] n = counts.computeIfAbsent(key, k -> new long[2]);
      n[s.successful() ? 0 : 1] += s.count();
      results
          .computeIfAbsent(key, k -> new LinkedHashMap<>())
          .merge(s.successful() ? "successful" : s.result(), s.count(), Long::sum);
    }
    List<DayTotal> out = new java.util.ArrayList<>();
    counts.forEach(
        (key, n) -> {
          int space = key.indexOf(' ');
          out.add(
              new DayTotal(
                  LocalDate.parse(key.substring(0, space)),
                  key.substring(space + 1),
                  n[0],
                  n[1],
                  results.get(key),
                  byKey.get(key)));
        });
    out.sort(
        java.util.Comparator.comparing(DayTotal::day)
            .reversed()
            .thenComparing(DayTotal::policyDomain));
    return out;
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Per day and policy domain: sessions counted, results, and the report sent.")
  static final class ListReports extends Action {
    @Option(names = "--from", paramLabel = "DAY", description = "First day (default 30 days ago).")
    String from;

    @Option(names = "--to", paramLabel = "DAY", description = "Last day (default today, UTC).")
    String to;

    @Option(names = "--account", paramLabel = "NAME", description = "Only this account's mail.")
    String account;

    @Override
    int run(PetrelConfig config, Store store, PrintWriter out, PrintWriter err)
        throws StorageException {
      LocalDate last = to == null ? LocalDate.now(ZoneOffset.UTC) : day(to, "--to");
      LocalDate first = from == null ? last.minusDays(30) : day(from, "--from");
      if (first.isAfter(last))
        throw new IllegalArgumentException("--from " + first + " is after --to " + last);
      List<DayTotal> totals =
          totals(
              store.tlsReports().sessions(account, first, last, null),
              store.tlsReports().reports(first, last, 100_000));
      if (!json && totals.isEmpty())
        out.println("no TLS sessions counted from " + first + " to " + last);
      for (DayTotal t : totals) {
        if (json) {
          out.println(StatusJson.line(t.json()));
          continue;
        }
        out.println(
            t.day()
                + "  "
                + t.policyDomain()
                + "  successful "
                + t.successful()
                + ", failed "
                + t.failed()
                + (t.results().size() > 1 || t.failed() > 0 ? "  " + t.results() : "")
                + "  "
                + (t.report() == null
                    ? "report not sent yet"
                    : "report " + t.report().id() + ": " + t.report().outcome()));
      }
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "A report as sent (its JSON), with where it went.")
  static final class Show extends Action {
    @Parameters(paramLabel = "REPORT-ID", description = "The report's id (see list).")
    String id;

    @Override
    int run(PetrelConfig config, Store store, PrintWriter out, PrintWriter err)
        throws StorageException {
      Optional<TlsReportStore.Report> r = store.tlsReports().report(id.strip());
      if (r.isEmpty()) {
        err.println(name() + ": no TLS report with id '" + id + "'");
        return 1;
      }
      TlsReportStore.Report report = r.get();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", report.id());
        m.put("day", report.day().toString());
        m.put("policy_domain", report.policyDomain());
        m.put("created", dev.petrel.report.MessageJson.instant(report.created()));
        m.put("rua", report.rua().isEmpty() ? null : report.rua());
        m.put("outcome", report.outcome());
        m.put("report", StatusJson.MAPPER.readTree(report.json()));
        out.println(StatusJson.line(m));
        return 0;
      }
      out.println("Report:  " + report.id());
      out.println("Day:     " + report.day() + " (UTC)");
      out.println("Domain:  " + report.policyDomain());
      out.println("Made:    " + dev.petrel.report.MessageJson.instant(report.created()));
      out.println("Sent to: " + (report.rua().isEmpty() ? "(no TLSRPT record)" : report.rua()));
      out.println("Outcome: " + report.outcome());
      out.println(
          StatusJson.MAPPER
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(StatusJson.MAPPER.readTree(report.json())));
      return 0;
    }
  }

  @Command(
      name = "send",
      mixinStandardHelpOptions = true,
      description =
          "Send a day's reports now (serve sends each finished day's on its own): one per policy"
              + " domain with sessions that day, unless sent before.")
  static final class Send extends Action {
    @Option(
        names = "--day",
        required = true,
        paramLabel = "DAY",
        description = "The UTC day (YYYY-MM-DD); today sends what was counted so far.")
    String day;

    @Option(names = "--hostname", paramLabel = "NAME", description = "As serve's --hostname.")
    String hostname;

    @Option(names = "--dns-server", paramLabel = "HOST:PORT", description = "As serve's.")
    String dnsServer;

    @Option(
        names = "--webhook-allow-networks",
        paramLabel = "CIDR,...",
        description = "As serve's.")
    String allowNetworks;

    @Option(names = "--tls-report-organization", paramLabel = "NAME", description = "As serve's.")
    String organization;

    @Option(names = "--tls-report-contact", paramLabel = "ADDRESS", description = "As serve's.")
    String contact;

    @Override
    void flags(Map<ConfigKey, String> flags) {
      if (hostname != null) flags.put(ConfigKey.HOSTNAME, hostname);
      if (dnsServer != null) flags.put(ConfigKey.DNS_SERVER, dnsServer);
      if (allowNetworks != null) flags.put(ConfigKey.WEBHOOK_ALLOW_NETWORKS, allowNetworks);
      if (organization != null) flags.put(ConfigKey.TLS_REPORT_ORGANIZATION, organization);
      if (contact != null) flags.put(ConfigKey.TLS_REPORT_CONTACT, contact);
    }

    @Override
    int run(PetrelConfig config, Store store, PrintWriter out, PrintWriter err)
        throws StorageException {
      LocalDate d = day(day, "--day");
      if (d.isAfter(LocalDate.now(ZoneOffset.UTC)))
        throw new IllegalArgumentException("--day " + d + " has not begun yet (UTC)");
      TlsReporter reporter = PetrelServer.tlsReporter(config, store, InstantSource.system(), null);
      List<TlsReporter.Outcome> outcomes = reporter.send(d);
      if (!json && outcomes.isEmpty()) out.println("no TLS sessions counted on " + d);
      for (TlsReporter.Outcome o : outcomes) {
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("policy_domain", o.policyDomain());
          m.put("report_id", o.reportId());
          m.put("sent", o.sent());
          m.put("outcome", o.text());
          out.println(StatusJson.line(m));
        } else
          out.println(
              o.policyDomain()
                  + "  "
                  + o.reportId()
                  + "  "
                  + (o.sent() ? "" : "(not now) ")
                  + o.text());
      }
      return 0;
    }
  }
}
