package dev.petrel.app;

import dev.petrel.accept.CredentialStore;
import dev.petrel.app.ConfigLoader.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code petrel credentials}: SMTP logins (AUTH PLAIN and LOGIN), stored hashed. */
@Command(
    name = "credentials",
    mixinStandardHelpOptions = true,
    description = "Manage SMTP logins. Passwords are generated, printed once, and stored hashed.",
    subcommands = {
      CredentialsCommand.Add.class,
      CredentialsCommand.ListUsers.class,
      CredentialsCommand.Remove.class
    })
final class CredentialsCommand implements Runnable {

  /** Where the logins live inside the data folder. */
  static final String FILE_NAME = "smtp-credentials";

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a subcommand: add, list, remove");
  }

  static CredentialStore store(Path dataDir) {
    return new CredentialStore(dataDir.resolve(FILE_NAME));
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Create an SMTP login and print its generated password (shown only this once).",
        "A running petrel serve accepts it at once."
      })
  static final class Add implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin DataDirOptions data;

    @Parameters(
        paramLabel = "[ACCOUNT] USER",
        arity = "1..2",
        description = {
          "The account the login's mail belongs to (default: default), then the login name,",
          "e.g. acme app@example.com."
        })
    java.util.List<String> names;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String account = names.size() == 2 ? names.get(0) : dev.petrel.model.Envelope.DEFAULT_ACCOUNT;
      String user = names.getLast();
      try {
        dev.petrel.queue.Account.checkName(account);
        CredentialStore.checkUserName(user);
      } catch (IllegalArgumentException e) {
        err.println("petrel credentials add: " + e.getMessage());
        return Main.EXIT_USAGE;
      }
      try {
        Path dir = data.resolve();
        String password = store(dir).add(account, user);
        out.println("account:  " + account);
        out.println("user:     " + user);
        out.println("password: " + password);
        out.println(
            "Keep the password now: it is stored only as a hash and cannot be shown again.");
        out.flush();
        return 0;
      } catch (ConfigException e) {
        err.println("petrel credentials add: " + e.getMessage());
        return Main.EXIT_USAGE;
      } catch (CredentialStore.UserExistsException e) {
        err.println("petrel credentials add: " + e.getMessage());
        return 1;
      } catch (IOException e) {
        err.println("petrel credentials add: cannot write the credentials file: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the SMTP logins.")
  static final class ListUsers implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin DataDirOptions data;

    @Override
    public Integer call() {
      try {
        for (String u : store(data.resolve()).users()) spec.commandLine().getOut().println(u);
        spec.commandLine().getOut().flush();
        return 0;
      } catch (ConfigException e) {
        spec.commandLine().getErr().println("petrel credentials list: " + e.getMessage());
        return Main.EXIT_USAGE;
      } catch (IOException e) {
        spec.commandLine()
            .getErr()
            .println(
                "petrel credentials list: cannot read the credentials file: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Remove an SMTP login; a running server refuses it from then on.")
  static final class Remove implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin DataDirOptions data;

    @Parameters(paramLabel = "USER")
    String user;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        if (!store(data.resolve()).remove(user)) {
          err.println("petrel credentials remove: no login named '" + user + "'");
          return 1;
        }
        spec.commandLine().getOut().println("removed " + user);
        spec.commandLine().getOut().flush();
        return 0;
      } catch (ConfigException e) {
        err.println("petrel credentials remove: " + e.getMessage());
        return Main.EXIT_USAGE;
      } catch (IOException e) {
        err.println("petrel credentials remove: " + e.getMessage());
        return 1;
      }
    }
  }
}
