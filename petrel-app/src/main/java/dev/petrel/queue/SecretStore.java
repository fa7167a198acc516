package dev.petrel.queue;

/**
 * Secrets of the installation, by name, kept in the store so that every node sharing it uses the
 * same ones. A secret is written once and never replaced.
 */
public interface SecretStore {

  /**
   * The secret of that name; when there is none yet, {@code proposed} is stored and returned. If
   * another writer stored one first, that one is returned: callers always end up with the value
   * every node sees.
   */
  byte[] secret(String name, byte[] proposed) throws StorageException;

  /** The secret of that name, if one is stored. */
  java.util.Optional<byte[]> secret(String name) throws StorageException;
}
