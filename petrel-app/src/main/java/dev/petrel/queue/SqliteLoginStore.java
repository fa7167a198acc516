package dev.petrel.queue;

import dev.petrel.accounts.LoginStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link LoginStore} and {@link SecretStore} on the embedded database, through the queue store's
 * writer and pooled readers.
 */
final class SqliteLoginStore implements LoginStore, SecretStore {

  private final SqlMessageStore store;

  SqliteLoginStore(SqlMessageStore store) {
    this.store = store;
  }

  @Override
  public boolean addLogin(Login login) throws StorageException {
    Objects.requireNonNull(login, "login");
    return store
        .writer()
        .call(c -> LoginRows.add(c, login), false, "adding the login " + login.user());
  }

  @Override
  public Optional<Login> login(String user) throws StorageException {
    Objects.requireNonNull(user, "user");
    return Optional.ofNullable(store.readOne(c -> LoginRows.find(c, user), "reading a login"));
  }

  @Override
  public List<Login> logins(String account) throws StorageException {
    return store.read(c -> LoginRows.list(c, account), "listing logins");
  }

  @Override
  public boolean removeLogin(String user, String account) throws StorageException {
    Objects.requireNonNull(user, "user");
    return store
        .writer()
        .call(c -> LoginRows.remove(c, user, account), false, "removing the login " + user);
  }

  @Override
  public Optional<byte[]> secret(String name) throws StorageException {
    Objects.requireNonNull(name, "name");
    return Optional.ofNullable(
        store.readOne(c -> LoginRows.findSecret(c, name), "reading the secret " + name));
  }

  @Override
  public byte[] secret(String name, byte[] proposed) throws StorageException {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(proposed, "proposed");
    return store
        .writer()
        .call(c -> LoginRows.secret(c, name, proposed), false, "reading the secret " + name);
  }
}
