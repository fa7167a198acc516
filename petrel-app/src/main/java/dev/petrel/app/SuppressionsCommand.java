package dev.petrel.app;

import dev.petrel.model.EmailAddress;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.Suppression;
import dev.petrel.report.SuppressionFile;
import dev.petrel.report.Suppressions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code petrel suppressions}: the addresses an account does not send to. Delivery adds dead
 * addresses by itself; an operator lists, adds and removes them here.
 */
@Command(
    name = "suppressions",
    mixinStandardHelpOptions = true,
    description = "List, add and remove suppressed addresses (mail to them is not sent).",
    subcommands = {
      SuppressionsCommand.ListEntries.class,
      SuppressionsCommand.Add.class,
      SuppressionsCommand.Remove.class,
      SuppressionsCommand.Export.class,
      SuppressionsCommand.Import.class
    })
final class SuppressionsCommand implements Runnable {

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a subcommand: list, add, remove, export, import");
  }

  abstract static class ListAction implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin DataDirOptions data;

    @Option(
        names = "--account",
        paramLabel = "NAME",
        defaultValue = "default",
        description = "Whose list (default ${DEFAULT-VALUE}).")
    String account;

    abstract int run(Suppressions list, PrintWriter out, PrintWriter err) throws StorageException;

    String name() {
      return "petrel suppressions " + spec.name();
    }

    @Override
    public Integer call() {
      return StoreCommand.run(
          name(),
          data,
          SqliteStoreOptions.existingFolder(),
          spec,
          (store, out, err) -> run(new Suppressions(store), out, err));
    }

    /** The address a person typed; null (after saying why) when it is not one. */
    EmailAddress address(String text, PrintWriter err) {
      try {
        return EmailAddress.parse(text.strip());
      } catch (IllegalArgumentException e) {
        err.println(name() + ": not an email address: '" + text + "' (" + e.getMessage() + ")");
        return null;
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List suppressed addresses, oldest first.")
  static final class ListEntries extends ListAction {
    @Option(
        names = "--json",
        description = "One JSON object per line: address, reason, source, created, account.")
    boolean json;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "10000",
        description = "At most N entries (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    int run(Suppressions list, PrintWriter out, PrintWriter err) throws StorageException {
      if (limit < 1) {
        err.println(name() + ": --limit must be at least 1");
        return Main.EXIT_USAGE;
      }
      List<Suppression> all = list.list(account, limit);
      for (Suppression s : all) {
        if (json) out.println(QueueFormat.json(json(s)));
        else
          out.println(
              QueueFormat.clean(
                  s.address()
                      + "  "
                      + s.reason()
                      + "  "
                      + instant(s.created())
                      + (s.source() == null ? "" : "  " + s.source())));
      }
      if (!json && all.isEmpty()) out.println("No suppressed addresses.");
      return 0;
    }

    static Map<String, Object> json(Suppression s) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("address", s.address());
      o.put("reason", s.reason());
      o.put("source", s.source());
      o.put("created", instant(s.created()));
      o.put("account", s.account());
      return o;
    }

    private static String instant(Instant t) {
      return t.truncatedTo(ChronoUnit.MILLIS).toString();
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add an address: mail to it is no longer sent.")
  static final class Add extends ListAction {
    @Parameters(paramLabel = "ADDRESS")
    String address;

    @Option(
        names = "--reason",
        paramLabel = "R",
        description = "Why (default " + Suppressions.MANUAL + ").")
    String reason;

    @Override
    int run(Suppressions list, PrintWriter out, PrintWriter err) throws StorageException {
      EmailAddress a = address(address, err);
      if (a == null) return Main.EXIT_USAGE;
      boolean added = list.add(account, a, reason, Instant.now());
      out.println((added ? "suppressed " : "updated ") + Suppression.key(a.toString()));
      return 0;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Remove an address: mail to it is sent again.")
  static final class Remove extends ListAction {
    @Parameters(paramLabel = "ADDRESS")
    String address;

    @Override
    int run(Suppressions list, PrintWriter out, PrintWriter err) throws StorageException {
      EmailAddress a = address(address, err);
      if (a == null) return Main.EXIT_USAGE;
      if (list.remove(account, a)) {
        out.println("removed " + Suppression.key(a.toString()));
        return 0;
      }
      err.println(name() + ": " + Suppression.key(a.toString()) + " is not on the list");
      return 1;
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Write the whole list to standard output as CSV (with a header) or JSON.")
  static final class Export extends ListAction {
    @Option(
        names = "--format",
        paramLabel = "csv|json",
        defaultValue = "csv",
        converter = FormatName.class,
        description = "csv (address,reason,source,created) or json (an array); default csv.")
    SuppressionFile.Format f;

    @Override
    int run(Suppressions list, PrintWriter out, PrintWriter err) throws StorageException {
      byte[] file = SuppressionFile.write(list.list(account, Integer.MAX_VALUE), f);
      out.print(new String(file, StandardCharsets.UTF_8));
      if (f == SuppressionFile.Format.JSON) out.println();
      return 0;
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Add every address of a CSV or JSON file (as export writes, or one address per line) to the"
            + " list, all or none: a file with any bad entry stores nothing and each problem is"
            + " listed. '-' reads standard input."
      })
  static final class Import extends ListAction {
    @Parameters(paramLabel = "FILE")
    String file;

    @Option(
        names = "--format",
        paramLabel = "csv|json",
        converter = FormatName.class,
        description = "csv or json; default: from the file name (.json is json), else csv.")
    SuppressionFile.Format format;

    @Override
    int run(Suppressions list, PrintWriter out, PrintWriter err) throws StorageException {
      SuppressionFile.Format f =
          format != null
              ? format
              : file.toLowerCase(java.util.Locale.ROOT).endsWith(".json")
                  ? SuppressionFile.Format.JSON
                  : SuppressionFile.Format.CSV;
      SuppressionFile.Parsed parsed;
      try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
        parsed = SuppressionFile.read(in, f);
      } catch (IOException e) {
        err.println(name() + ": cannot read " + file + ": " + e);
        return Main.EXIT_INPUT;
      }
      if (!parsed.ok()) {
        for (SuppressionFile.Problem p : parsed.problems())
          err.println(name() + ": " + file + " " + p);
        err.println(name() + ": nothing imported (" + parsed.problems().size() + " problems)");
        return Main.EXIT_USAGE;
      }
      var entries =
          SuppressionFile.toSuppressions(
              account,
              parsed.entries(),
              "imported from " + Path.of(file).getFileName(),
              Instant.now());
      int added = list.addAll(entries);
      out.println(
          "imported "
              + entries.size()
              + " addresses: "
              + added
              + " new, "
              + (entries.size() - added)
              + " already on the list (updated)");
      return 0;
    }
  }

  /** {@code --format csv|json}; picocli reports anything else as a usage error (exit status 2). */
  static final class FormatName implements CommandLine.ITypeConverter<SuppressionFile.Format> {
    @Override
    public SuppressionFile.Format convert(String value) {
      try {
        return SuppressionFile.Format.of(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
