/**
 * Accounts: who may send, and how much. {@link dev.petrel.accounts.Account} and its {@link
 * dev.petrel.accounts.ApiKey}s, the plans an operator offers ({@link dev.petrel.accounts.Plans})
 * and the monthly {@link dev.petrel.accounts.Quotas} checked against them, SMTP logins ({@link
 * dev.petrel.accounts.LoginStore}), and {@link dev.petrel.accounts.AccountStore}, the role of the
 * store that keeps them.
 *
 * <p>The store keeps accounts in the same database as the queue (a message's recipients are counted
 * against its account in the transaction that commits it), so the SQL behind these interfaces lives
 * with the queue's ({@code dev.petrel.queue}), which {@code Store.accounts()} and {@code
 * Store.logins()} hand out.
 */
package dev.petrel.accounts;
