/**
 * Sender domains: the domains an account has added to send from ({@link
 * dev.petrel.domains.SenderDomain}, with its DKIM key and the result of its last DNS check), who
 * may send as which domain ({@link dev.petrel.domains.SenderPolicy}), and {@link
 * dev.petrel.domains.SenderDomainStore}, the role of the store that keeps them.
 *
 * <p>Their SQL lives with the queue's ({@code dev.petrel.queue}, handed out by {@code
 * Store.senderDomains()}); checking their DNS records and signing with their keys is reporting's
 * and delivery's work ({@code dev.petrel.report}).
 */
package dev.petrel.domains;
