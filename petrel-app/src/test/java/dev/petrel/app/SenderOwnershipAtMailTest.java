package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.accounts.Account;
import dev.petrel.domains.SenderPolicy;
import dev.petrel.peers.SmtpClient;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.report.SenderDomains;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code allow-any-sender = false}, MAIL from a domain the account has not added gets 553
 * 5.7.1; its own domain and the null sender are accepted. With the default, any domain is.
 */
class SenderOwnershipAtMailTest {

  @TempDir Path dir;

  @Test
  void onlyTheAccountsDomainsMaySendWhenTheOperatorSaysSo() throws Exception {
    try (SqliteMessageStore store =
        SqliteMessageStore.open(dir, SqliteStoreOptions.defaults(), InstantSource.system())) {
      store.accounts().createAccount(new Account("default", "free", Instant.now()));
      new SenderDomains(
              store.senderDomains(),
              new SenderPolicy(store.senderDomains(), false),
              null,
              "petrel.test",
              InstantSource.system())
          .add("default", "mine.test");
    }
    assertThat(mailReplies("false"))
        .containsExactly("250", "553 5.7.1 Sender domain notmine.test", "250");
    assertThat(mailReplies("true")).containsExactly("250", "250", "250");
  }

  private String[] mailReplies(String allowAny) throws Exception {
    Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
    flags.put(ConfigKey.DATA_DIR, dir.toString());
    flags.put(ConfigKey.SMTP_PORT, "0");
    flags.put(ConfigKey.LISTEN_ADDRESS, "127.0.0.1");
    flags.put(ConfigKey.HOSTNAME, "petrel.test");
    flags.put(ConfigKey.SHUTDOWN_TIMEOUT, "5s");
    flags.put(ConfigKey.PAUSED, "true");
    flags.put(ConfigKey.ALLOW_ANY_SENDER, allowAny);
    try (PetrelServer petrel =
            PetrelServer.start(
                ConfigLoader.resolve(flags, null, Map.of()).config(), InstantSource.system());
        SmtpClient c = new SmtpClient(petrel.smtpAddress().getPort(), Duration.ofSeconds(30))) {
      c.reply();
      c.command("EHLO client.test");
      String[] out = new String[3];
      out[0] = code(c.command("MAIL FROM:<a@Mine.Test>"));
      c.command("RSET");
      out[1] = code(c.command("MAIL FROM:<a@notmine.test>"));
      c.command("RSET");
      out[2] = code(c.command("MAIL FROM:<>"));
      return out;
    }
  }

  /** The code, or for a refusal its first words up to the domain. */
  private static String code(String reply) {
    if (reply.startsWith("250")) return "250";
    int end = reply.indexOf(" is not");
    return end > 0 ? reply.substring(0, end) : reply;
  }
}
