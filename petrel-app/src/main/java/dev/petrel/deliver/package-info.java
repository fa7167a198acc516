/**
 * Delivery: routing, the SMTP client, connection reuse and per-destination limits. It reports facts
 * and never writes the store; the scheduler decides what the facts mean for the queue.
 *
 * <p>The entry point is {@link dev.petrel.deliver.Deliverer#deliver(DeliveryJob)}: one message to
 * the recipients of one domain, returning a {@link dev.petrel.deliver.TransferResult} with one
 * {@link dev.petrel.deliver.RecipientResult} per recipient — an {@link dev.petrel.deliver.Outcome}
 * and the {@link dev.petrel.deliver.Attempt} that decided it (time, server, TLS, phase, the reply
 * and the status engine's classification).
 *
 * <p>Routing ({@link dev.petrel.deliver.Router}): static routes, then a relay host, then MX records
 * through dnsjava ({@link dev.petrel.deliver.MxResolver}); a domain that cannot be routed gets its
 * result without a connection (null MX: 556 5.1.10; NXDOMAIN: 5.1.2; DNS failure: 4.4.3).
 *
 * <p>Transfer ({@code SmtpConnection}, {@code MailTransaction}): blocking sockets on the caller's
 * (virtual) thread, per-phase timeouts ({@link dev.petrel.deliver.SmtpTimeouts}), EHLO with HELO
 * fallback, STARTTLS by {@link dev.petrel.deliver.TlsPolicy}, PIPELINING, SIZE, 8BITMIME, SMTPUTF8,
 * optional CHUNKING, DSN parameters. Connections are pooled per server address.
 *
 * <p>TLS ({@link dev.petrel.deliver.TlsRequirements}): before each MX host, a {@link
 * dev.petrel.deliver.TlsRequirement} says whether STARTTLS is tried or a must and how the
 * certificate is checked afterwards, from the operator's per-domain policy, DANE (with a
 * DNSSEC-validating resolver configured: {@link dev.petrel.deliver.DaneLookup} finds secure TLSA
 * records, {@code DaneCheck} matches the certificate against them), MTA-STS ({@link
 * dev.petrel.deliver.MtaSts}) or the default; each attempt carries the resulting {@link
 * dev.petrel.deliver.TlsFacts}, and each TLS session is told to {@link
 * dev.petrel.deliver.DeliveryObserver#tlsSession} for TLS reports.
 *
 * <p>The mailbox simulator lives in {@link dev.petrel.deliver.sim}.
 */
package dev.petrel.deliver;
