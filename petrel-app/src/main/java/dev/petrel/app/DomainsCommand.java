package dev.petrel.app;

import dev.petrel.deliver.DnsJavaLookup;
import dev.petrel.domains.SenderDomain;
import dev.petrel.domains.SenderPolicy;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.Store;
import dev.petrel.report.DomainCheck;
import dev.petrel.report.DomainChecker;
import dev.petrel.report.DomainRecords;
import dev.petrel.report.SenderDomains;
import dev.petrel.report.StatusJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.InstantSource;
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
 * {@code petrel domains}: the sender domains of accounts, their DKIM keys and the DNS records to
 * publish. The operator sees every account's domains.
 */
@Command(
    name = "domains",
    mixinStandardHelpOptions = true,
    description = "Add sender domains, show the DNS records to publish, and check them.",
    subcommands = {
      DomainsCommand.Add.class,
      DomainsCommand.ListDomains.class,
      DomainsCommand.Show.class,
      DomainsCommand.Check.class,
      DomainsCommand.Remove.class
    })
final class DomainsCommand implements Runnable {

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a subcommand: add, list, show, check, remove");
  }

  /**
   * The sender-domain service as {@code serve} and these commands use it: the store's domains, who
   * may send from them, and DNS checks through the configured resolver (5 s per lookup).
   */
  static SenderDomains senderDomains(Store store, PetrelConfig config, InstantSource clock) {
    DnsJavaLookup dns =
        new DnsJavaLookup(config.routing().dnsServer(), Duration.ofSeconds(5), true);
    return new SenderDomains(
        store.senderDomains(),
        new SenderPolicy(store.senderDomains(), config.allowAnySender()),
        new DomainChecker(DomainChecker.Dns.of(dns), config.hostname()),
        config.hostname(),
        clock);
  }

  /** What every subcommand shares: the data folder, the server's name and DNS server, output. */
  abstract static class Action implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin DataDirOptions data;

    @Option(
        names = "--hostname",
        paramLabel = "NAME",
        description = "This server's name, which SPF should allow (default: serve's hostname).")
    String hostname;

    @Option(
        names = "--dns-server",
        paramLabel = "HOST:PORT",
        description = "DNS server for checks (default: serve's --dns-server, else the system's).")
    String dnsServer;

    @Option(names = "--json", description = "Print JSON (one object per line for list).")
    boolean json;

    abstract int run(SenderDomains domains, PrintWriter out, PrintWriter err)
        throws StorageException;

    String name() {
      return "petrel domains " + spec.name();
    }

    @Override
    public Integer call() {
      Map<ConfigKey, String> flags = data.flags();
      if (hostname != null) flags.put(ConfigKey.HOSTNAME, hostname);
      if (dnsServer != null) flags.put(ConfigKey.DNS_SERVER, dnsServer);
      return data.withStore(
          spec,
          name(),
          flags,
          (config, store, out, err) ->
              run(senderDomains(store, config, InstantSource.system()), out, err));
    }

    /** The domain the person typed, normalized; null after saying why when it is not one. */
    String domain(String text, PrintWriter err) {
      try {
        return SenderDomain.normalize(text);
      } catch (IllegalArgumentException e) {
        err.println(name() + ": " + e.getMessage());
        return null;
      }
    }

    int notFound(String domain, PrintWriter err) {
      err.println(name() + ": " + domain + " is not a sender domain (add it with domains add)");
      return 1;
    }

    void printInfo(SenderDomains.Info info, PrintWriter out) {
      if (json) {
        out.println(StatusJson.line(info.json()));
        return;
      }
      SenderDomain d = info.domain();
      out.println(
          d.domain()
              + "  account "
              + d.account()
              + "  "
              + (d.isVerified() ? "verified since " + d.verified() : "not verified"));
      out.println("Publish these TXT records in the domain's DNS zone:");
      for (DomainRecords.Record r : info.records())
        out.println(
            "  ; "
                + r.kind().id()
                + (r.kind().required() ? " (required for signing)" : " (recommended)")
                + "\n  "
                + r.zoneLine());
      if (!d.isVerified())
        out.println(
            "Then run: petrel domains check "
                + d.domain()
                + " (mail is DKIM-signed once both DKIM keys are found).");
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add a sender domain to an account: makes its DKIM keys, prints the records.")
  static final class Add extends Action {
    @Parameters(index = "0", paramLabel = "ACCOUNT")
    String account;

    @Parameters(index = "1", paramLabel = "DOMAIN")
    String domain;

    @Override
    int run(SenderDomains domains, PrintWriter out, PrintWriter err) throws StorageException {
      try {
        printInfo(domains.add(account, domain), out);
        return 0;
      } catch (SenderDomains.DomainTakenException e) {
        err.println(name() + ": " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List sender domains (of one account, or of all).")
  static final class ListDomains extends Action {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ACCOUNT")
    String account;

    @Override
    int run(SenderDomains domains, PrintWriter out, PrintWriter err) throws StorageException {
      List<SenderDomains.Info> all = domains.list(account);
      for (SenderDomains.Info i : all) {
        if (json) {
          out.println(StatusJson.line(i.json()));
          continue;
        }
        SenderDomain d = i.domain();
        out.println(
            d.domain()
                + "  "
                + d.account()
                + "  "
                + (d.isVerified() ? "verified" : "not verified")
                + (d.checked() == null ? "  never checked" : "  checked " + d.checked()));
      }
      if (!json && all.isEmpty()) out.println("No sender domains.");
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a sender domain and the DNS records to publish for it.")
  static final class Show extends Action {
    @Parameters(paramLabel = "DOMAIN")
    String domain;

    @Override
    int run(SenderDomains domains, PrintWriter out, PrintWriter err) throws StorageException {
      String d = domain(domain, err);
      if (d == null) return Main.EXIT_USAGE;
      Optional<SenderDomains.Info> info = domains.find(null, d);
      if (info.isEmpty()) return notFound(d, err);
      printInfo(info.get(), out);
      return 0;
    }
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Look up the domain's SPF, DKIM and DMARC records and say what is missing or wrong.",
        "Exit status 0 when both DKIM keys are published (the domain is verified), 1 otherwise."
      })
  static final class Check extends Action {
    @Parameters(paramLabel = "DOMAIN")
    String domain;

    @Override
    int run(SenderDomains domains, PrintWriter out, PrintWriter err) throws StorageException {
      String d = domain(domain, err);
      if (d == null) return Main.EXIT_USAGE;
      Optional<DomainCheck> c = domains.check(null, d);
      if (c.isEmpty()) return notFound(d, err);
      DomainCheck check = c.get();
      if (json) out.println(StatusJson.line(check.json()));
      else {
        Boolean v = check.verified();
        out.println(
            d
                + ": "
                + (v == null
                    ? "not decided (a lookup failed; try again)"
                    : v
                        ? "verified: its mail is DKIM-signed"
                        : "not verified: mail is not signed"));
        for (DomainCheck.Result r : check.results()) {
          out.printf(
              "  %-8s %-13s %s%n",
              r.status().id(), r.kind().id(), QueueFormat.clean(r.explanation()));
          if (r.status() != DomainCheck.Status.OK) {
            out.println("           at:       " + r.name());
            for (String f : r.found()) out.println("           found:    " + QueueFormat.clean(f));
            out.println("           expected: " + r.expected());
          }
        }
      }
      return Boolean.TRUE.equals(check.verified()) ? 0 : 1;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Remove a sender domain of an account; its mail is no longer signed.")
  static final class Remove extends Action {
    @Parameters(index = "0", paramLabel = "ACCOUNT")
    String account;

    @Parameters(index = "1", paramLabel = "DOMAIN")
    String domain;

    @Override
    int run(SenderDomains domains, PrintWriter out, PrintWriter err) throws StorageException {
      String d = domain(domain, err);
      if (d == null) return Main.EXIT_USAGE;
      if (!domains.remove(account, d)) return notFound(d, err);
      out.println("removed " + d);
      return 0;
    }
  }
}
