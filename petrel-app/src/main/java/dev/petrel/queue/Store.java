package dev.petrel.queue;

import dev.petrel.accounts.AccountStore;
import dev.petrel.accounts.LoginStore;
import dev.petrel.domains.SenderDomainStore;
import dev.petrel.webhooks.WebhookStore;

/**
 * A whole store, as the application sees it whatever back end holds it: the queue ({@link
 * MessageStore}: intake, delivery, queries and operations, suppressions, statistics) and the roles
 * kept beside it in the same database, so that a count or an event is written in the same
 * transaction as the message it belongs to. Opened by {@link Stores#open}.
 */
public interface Store extends MessageStore {

  /** Accounts, keys, monthly usage, idempotency keys and events. */
  AccountStore accounts();

  /** Sender domains and their DKIM keys. */
  SenderDomainStore senderDomains();

  /** Webhooks, their outbox and delivery logs. */
  WebhookStore webhooks();

  /** SMTP logins (their password hashes). */
  LoginStore logins();

  /** Secrets of the installation shared by every node, such as the VERP key. */
  SecretStore secrets();

  /** SMTP TLS Reporting (RFC 8460): session counts and the daily reports made of them. */
  TlsReportStore tlsReports();

  /** The MTA-STS policy kept for a recipient domain, if any (expired ones included). */
  java.util.Optional<KeptPolicy> keptPolicy(String domain) throws StorageException;

  /** Keeps a fetched MTA-STS policy, replacing the domain's previous one. */
  void keepPolicy(KeptPolicy policy) throws StorageException;

  /** Counters of the store's writes so far. */
  StoreStats stats();

  /** Finishes the writes already taken and closes; never fails (problems are logged). */
  @Override
  void close();
}
