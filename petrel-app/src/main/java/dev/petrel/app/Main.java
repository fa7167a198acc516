package dev.petrel.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code petrel} command: the composition root that wires the parts together. */
@Command(
    name = "petrel",
    mixinStandardHelpOptions = true,
    version = "petrel 0.1.0",
    description = "Petrel: email delivery that explains every SMTP reply.",
    subcommands = {
      ExplainCommand.class,
      BounceCommand.class,
      ServeCommand.class,
      QueueCommand.class,
      SuppressionsCommand.class,
      DomainsCommand.class,
      CredentialsCommand.class,
      AccountsCommand.Accounts.class,
      AccountsCommand.Keys.class,
      SinkCommand.class,
      BackupCommand.class,
      StoreCommand.StoreGroup.class,
      TlsReportsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  /** Exit status when an input could not be read (the others were still processed). */
  public static final int EXIT_INPUT = 1;

  /** Exit status for a usage error. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
  }

  public static void main(String[] args) {
    String format = System.getenv("PETREL_LOG_FORMAT");
    if (format != null && !format.equals("text") && !format.equals("json")) {
      // Checked before anything logs: logback would otherwise drop every line without a word.
      System.err.println("petrel: PETREL_LOG_FORMAT must be text or json, not '" + format + "'");
      System.exit(EXIT_USAGE);
    }
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit status (for tests). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The command line with its exit statuses set, for tests that capture its output. */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    // picocli's defaults are our contract: 2 for invalid input, 1 for a failed execution.
    cl.getCommandSpec().exitCodeOnInvalidInput(EXIT_USAGE);
    cl.getCommandSpec().exitCodeOnExecutionException(EXIT_INPUT);
    return cl;
  }
}
