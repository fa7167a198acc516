package dev.petrel.app;

import dev.petrel.accounts.Account;
import dev.petrel.accounts.AccountStore;
import dev.petrel.accounts.ApiKey;
import dev.petrel.accounts.Plans;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.StorageException;
import dev.petrel.report.MessageJson;
import dev.petrel.report.StatusJson;
import java.io.PrintWriter;
import java.time.InstantSource;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code petrel accounts} and {@code petrel keys}: the operator's side of accounts, plans and keys.
 * Both open the store of the data folder, so they work while {@code petrel serve} runs.
 */
final class AccountsCommand {

  private AccountsCommand() {}

  /** Opens the store, runs an action, maps failures to exit statuses with a clear message. */
  abstract static class StoreAction implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin DataDirOptions data;

    abstract int run(AccountStore accounts, PrintWriter out, PrintWriter err)
        throws StorageException;

    String name() {
      return "petrel " + spec.parent().name() + " " + spec.name();
    }

    @Override
    public Integer call() {
      return StoreCommand.run(
          name(),
          data,
          SqliteStoreOptions.defaults(),
          spec,
          (store, out, err) -> {
            try {
              return run(store.accounts(), out, err);
            } catch (IllegalArgumentException e) {
              err.println(name() + ": " + e.getMessage());
              return Main.EXIT_USAGE;
            }
          });
    }
  }

  @Command(
      name = "accounts",
      mixinStandardHelpOptions = true,
      description = "Create and list accounts (each with a plan and a monthly quota).",
      subcommands = {Create.class, ListAccounts.class, SetPlan.class})
  static final class Accounts implements Runnable {
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "name a subcommand: create, list, plan");
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an account.")
  static final class Create extends StoreAction {
    @Parameters(paramLabel = "NAME", description = "Lower-case letters, digits, '.', '-', '_'.")
    String account;

    @Option(
        names = "--plan",
        paramLabel = "PLAN",
        defaultValue = Plans.FREE,
        description = "Its plan (default ${DEFAULT-VALUE}); see the plans setting.")
    String plan;

    @Override
    int run(AccountStore accounts, PrintWriter out, PrintWriter err) throws StorageException {
      Plans plans = plans();
      if (!plans.has(plan)) {
        err.println(name() + ": no plan named '" + plan + "'; plans: " + plans.limits().keySet());
        return Main.EXIT_USAGE;
      }
      Account a = new Account(account, plan, InstantSource.system().instant());
      if (!accounts.createAccount(a)) {
        err.println(name() + ": an account named '" + account + "' already exists");
        return 1;
      }
      out.println("created account " + account + " on plan " + plan);
      return 0;
    }

    Plans plans() {
      try {
        return ConfigLoader.resolve(Map.of(), null, System.getenv()).config().plans();
      } catch (Exception e) {
        return Plans.DEFAULTS;
      }
    }
  }

  @Command(
      name = "plan",
      mixinStandardHelpOptions = true,
      description = "Move an account to another plan.")
  static final class SetPlan extends StoreAction {
    @Parameters(index = "0", paramLabel = "NAME")
    String account;

    @Parameters(index = "1", paramLabel = "PLAN")
    String plan;

    @Override
    int run(AccountStore accounts, PrintWriter out, PrintWriter err) throws StorageException {
      if (!accounts.setPlan(account, plan)) {
        err.println(name() + ": no account named '" + account + "'");
        return 1;
      }
      out.println("account " + account + " is now on plan " + plan);
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List accounts with their plan and this month's use.")
  static final class ListAccounts extends StoreAction {
    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Override
    int run(AccountStore accounts, PrintWriter out, PrintWriter err) throws StorageException {
      YearMonth month = YearMonth.now(ZoneOffset.UTC);
      for (Account a : accounts.accounts()) {
        long used = accounts.usage(a.name(), month);
        if (json) {
          Map<String, Object> o = new LinkedHashMap<>();
          o.put("name", a.name());
          o.put("plan", a.plan());
          o.put("created", MessageJson.instant(a.created()));
          o.put("used_this_month", used);
          out.println(StatusJson.MAPPER.writeValueAsString(o));
        } else out.println(a.name() + "  plan=" + a.plan() + "  used this month: " + used);
      }
      return 0;
    }
  }

  @Command(
      name = "keys",
      mixinStandardHelpOptions = true,
      description = "Create, list and revoke API keys.",
      subcommands = {CreateKey.class, ListKeys.class, RevokeKey.class})
  static final class Keys implements Runnable {
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "name a subcommand: create, list, revoke");
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create an API key for an account and print it (shown only this once).")
  static final class CreateKey extends StoreAction {
    @Parameters(paramLabel = "ACCOUNT")
    String account;

    @Override
    int run(AccountStore accounts, PrintWriter out, PrintWriter err) throws StorageException {
      if (accounts.findAccount(account).isEmpty()) {
        err.println(name() + ": no account named '" + account + "'");
        return 1;
      }
      ApiKey.Created k = accounts.createKey(account, InstantSource.system().instant());
      out.println("account: " + account);
      out.println("key id:  " + k.key().id());
      out.println("key:     " + k.secret());
      out.println("Keep the key now: it is stored only as a hash and cannot be shown again.");
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List an account's keys.")
  static final class ListKeys extends StoreAction {
    @Parameters(paramLabel = "ACCOUNT")
    String account;

    @Override
    int run(AccountStore accounts, PrintWriter out, PrintWriter err) throws StorageException {
      for (ApiKey k : accounts.keys(account))
        out.println(
            k.id()
                + "  created "
                + MessageJson.instant(k.created())
                + (k.revoked() == null ? "" : "  revoked " + MessageJson.instant(k.revoked())));
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an API key.")
  static final class RevokeKey extends StoreAction {
    @Parameters(index = "0", paramLabel = "ACCOUNT")
    String account;

    @Parameters(index = "1", paramLabel = "KEY-ID")
    String id;

    @Override
    int run(AccountStore accounts, PrintWriter out, PrintWriter err) throws StorageException {
      if (!accounts.revokeKey(account, id, InstantSource.system().instant())) {
        err.println(name() + ": account '" + account + "' has no working key '" + id + "'");
        return 1;
      }
      out.println("revoked " + id);
      return 0;
    }
  }
}
