package dev.petrel.queue;

/**
 * Counters of the store's writer since it was opened.
 *
 * @param transactions database transactions committed (each one fsync of the WAL)
 * @param messages messages committed; {@code messages / transactions} is how well commits group
 * @param writes all writes done, messages included (holds, releases, deletes...)
 */
public record StoreStats(long transactions, long messages, long writes) {}
