/**
 * The queue: the only owner of message state.
 *
 * <p>{@link dev.petrel.queue.MessageStore} is the contract the listener and the command line use;
 * {@link dev.petrel.queue.SqliteMessageStore} is the embedded implementation in a data folder:
 *
 * <pre>
 * &lt;data-dir&gt;/petrel.db       SQLite, WAL journal, synchronous=FULL; schema from db/sqlite (Flyway)
 * &lt;data-dir&gt;/spool/XY/ID.eml bodies of 64 KiB and more (smaller ones are rows in the bodies table)
 * &lt;data-dir&gt;/petrel.lock     held by the running serve ({@link dev.petrel.queue.DataDirLock})
 * </pre>
 *
 * <p>Durability: a message exists once its row is committed, and a row is only committed after its
 * body is on stable storage (in the same transaction, or as an fsync'd file). One writer thread
 * commits every waiting message in one transaction, so concurrent sessions share the fsync.
 */
package dev.petrel.queue;
