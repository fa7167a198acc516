package dev.petrel.app;

import dev.petrel.accept.CredentialStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

  /**
   * Where older versions kept the logins inside the data folder; such a file is imported into the
   * store by the first start (or credentials command) of this version, then renamed.
   */
  static final String FILE_NAME = "smtp-credentials";

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a subcommand: add, list, remove");
  }

  /**
   * The logins of the store, after importing the data folder's old logins file if one is left.
   *
   * @throws IOException when an old file is there but cannot be imported
   */
  static CredentialStore open(Path dataDir, Store store) throws IOException {
    CredentialStore.importFile(dataDir.resolve(FILE_NAME), store.logins());
    return new CredentialStore(store.logins());
  }

  /** Runs a subcommand's work on the data folder's logins. */
  @FunctionalInterface
  interface Work {
    int run(CredentialStore logins, PrintWriter out, PrintWriter err) throws IOException;
  }

  static int run(String name, DataDirOptions data, CommandSpec spec, Work work) {
    return StoreCommand.run(
        name,
        data,
        SqliteStoreOptions.defaults(),
        spec,
        (store, out, err) -> work.run(open(data.resolve(), store), out, err));
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
      PrintWriter err = spec.commandLine().getErr();
      String account = names.size() == 2 ? names.get(0) : dev.petrel.model.Envelope.DEFAULT_ACCOUNT;
      String user = names.getLast();
      try {
        dev.petrel.accounts.Account.checkName(account);
        CredentialStore.checkUserName(user);
      } catch (IllegalArgumentException e) {
        err.println("petrel credentials add: " + e.getMessage());
        return Main.EXIT_USAGE;
      }
      return CredentialsCommand.run(
          "petrel credentials add",
          data,
          spec,
          (logins, o, e) -> {
            String password;
            try {
              password = logins.add(account, user);
            } catch (CredentialStore.UserExistsException x) {
              e.println("petrel credentials add: " + x.getMessage());
              return 1;
            }
            o.println("account:  " + account);
            o.println("user:     " + user);
            o.println("password: " + password);
            o.println(
                "Keep the password now: it is stored only as a hash and cannot be shown again.");
            return 0;
          });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the SMTP logins.")
  static final class ListUsers implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin DataDirOptions data;

    @Override
    public Integer call() {
      return CredentialsCommand.run(
          "petrel credentials list",
          data,
          spec,
          (logins, out, err) -> {
            for (String u : logins.users()) out.println(u);
            return 0;
          });
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
      return CredentialsCommand.run(
          "petrel credentials remove",
          data,
          spec,
          (logins, out, err) -> {
            if (!logins.remove(user)) {
              err.println("petrel credentials remove: no login named '" + user + "'");
              return 1;
            }
            out.println("removed " + user);
            return 0;
          });
    }
  }
}
