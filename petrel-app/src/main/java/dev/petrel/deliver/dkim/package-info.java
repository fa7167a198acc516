/**
 * DKIM signing of outgoing mail (RFC 6376, with Ed25519 from RFC 8463): relaxed canonicalization,
 * reading a stored message's header section, keys and their DNS records, and the signer that makes
 * the {@code DKIM-Signature} fields. Pure: it depends on the JDK only and knows nothing of the
 * queue; the application decides which messages are signed with which keys.
 */
package dev.petrel.deliver.dkim;
