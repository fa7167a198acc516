package dev.petrel.accept;

import dev.petrel.accounts.LoginStore;
import dev.petrel.model.Envelope;
import dev.petrel.queue.PrivateFiles;
import dev.petrel.queue.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMTP logins with each password hashed (PBKDF2 with HMAC-SHA256, a random salt per user, a high
 * iteration count), kept in the store's {@link LoginStore}: every process using the store (a
 * running server, {@code petrel credentials}, the API) sees a change at once, and every node
 * sharing the store accepts the same logins.
 *
 * <p>Logins used to live in a file of the data folder, one per line: {@code user TAB account TAB
 * pbkdf2-sha256$iterations$salt$hash}. {@link #importFile} brings such a file into the store once.
 */
public final class CredentialStore implements Authenticator {

  private static final Logger log = LoggerFactory.getLogger(CredentialStore.class);

  /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
  public static final int DEFAULT_ITERATIONS = 600_000;

  /** What an imported logins file is renamed to (kept as a backup). */
  public static final String IMPORTED_SUFFIX = ".imported";

  private static final String SCHEME = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The login already exists; nothing was changed. */
  public static final class UserExistsException extends Exception {
    public UserExistsException(String user) {
      super("a login named '" + user + "' already exists");
    }
  }

  private final LoginStore logins;
  private final int iterations;
  private final Clock clock;

  /**
   * Successful checks, remembered as a keyed digest of (user, password, stored hash) so a client
   * that logs in on every connection does not pay the full key stretching each time. The key lives
   * only in this process; a changed hash no longer matches.
   */
  private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

  private final byte[] cacheKey = new byte[32];

  private final String dummyHash;

  public CredentialStore(LoginStore logins) {
    this(logins, DEFAULT_ITERATIONS);
  }

  /** With another iteration count for new hashes (tests use a low one). */
  public CredentialStore(LoginStore logins, int iterations) {
    if (iterations < 1) throw new IllegalArgumentException("iterations must be at least 1");
    this.logins = Objects.requireNonNull(logins, "logins");
    this.iterations = iterations;
    this.clock = Clock.systemUTC();
    RANDOM.nextBytes(cacheKey);
    this.dummyHash = hash("not a password", iterations);
  }

  /** Rejects names SMTP AUTH cannot carry (and the old file format could not). */
  public static void checkUserName(String user) {
    if (user == null || user.isEmpty()) throw new IllegalArgumentException("empty user name");
    if (user.length() > 256) throw new IllegalArgumentException("user name longer than 256");
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if (c <= ' ' || c == 127)
        throw new IllegalArgumentException("user name contains white space or a control character");
    }
  }

  /**
   * Creates a login in the default account and returns its generated password: 24 characters from a
   * secure random source. The password is not stored, only its hash.
   */
  public String add(String user) throws IOException, UserExistsException {
    return add(Envelope.DEFAULT_ACCOUNT, user);
  }

  /**
   * 144 random bits in URL-safe Base64. A password never starts with {@code -} or {@code _}: people
   * paste it after an option such as swaks' {@code --auth-password}, and a leading dash would be
   * read as another option.
   */
  private static String newPassword() {
    byte[] raw = new byte[18];
    String password;
    do {
      RANDOM.nextBytes(raw);
      password = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    } while (!Character.isLetterOrDigit(password.charAt(0)));
    return password;
  }

  /** Creates a login whose mail belongs to {@code account}; returns its generated password. */
  public String add(String account, String user) throws IOException, UserExistsException {
    checkUserName(user);
    String password = newPassword();
    String hash = hash(password, iterations);
    try {
      if (!logins.addLogin(new LoginStore.Login(user, account, hash, clock.instant())))
        throw new UserExistsException(user);
    } catch (StorageException e) {
      throw io(e);
    }
    return password;
  }

  /** Removes a login; false when there was none. */
  public boolean remove(String user) throws IOException {
    try {
      return logins.removeLogin(user, null);
    } catch (StorageException e) {
      throw io(e);
    }
  }

  /** The logins of one account, in the order they were added. */
  public List<String> users(String account) throws IOException {
    Objects.requireNonNull(account, "account");
    return names(account);
  }

  /** Removes a login of one account; false when the account has no such login. */
  public boolean remove(String account, String user) throws IOException {
    Objects.requireNonNull(account, "account");
    try {
      return logins.removeLogin(user, account);
    } catch (StorageException e) {
      throw io(e);
    }
  }

  /** The login names, in the order they were added. */
  public List<String> users() throws IOException {
    return names(null);
  }

  private List<String> names(String account) throws IOException {
    try {
      return logins.logins(account).stream().map(LoginStore.Login::user).toList();
    } catch (StorageException e) {
      throw io(e);
    }
  }

  private static IOException io(StorageException e) {
    return new IOException(e.getMessage(), e);
  }

  @Override
  public Optional<String> authenticate(String user, String password) {
    Optional<LoginStore.Login> found;
    try {
      found = logins.login(user);
    } catch (StorageException e) {
      log.warn("cannot read SMTP logins: {}", e.getMessage());
      return Optional.empty(); // unreadable store: nobody can log in, which is the safe answer
    }
    if (found.isEmpty()) {
      verify(password, dummyHash); // same cost as a real check: no hint that the user is unknown
      return Optional.empty();
    }
    LoginStore.Login e = found.get();
    byte[] quick = quickDigest(user, password, e.hash());
    byte[] known = verified.get(user);
    if (known != null && MessageDigest.isEqual(known, quick)) return Optional.of(e.account());
    if (!verify(password, e.hash())) return Optional.empty();
    verified.put(user, quick);
    return Optional.of(e.account());
  }

  /**
   * Brings the logins of an old logins file into the store, once: each login whose name the store
   * does not know yet is added with its hash as it is (the passwords keep working), and the file is
   * renamed to {@code <name>.imported}, kept as a backup. Nothing happens when there is no file.
   *
   * @return how many logins were added
   * @throws IOException when the file cannot be read or renamed, or holds a line that is not a
   *     login (nothing is renamed then, so the next start tries again)
   */
  public static int importFile(Path file, LoginStore logins) throws IOException {
    List<String> lines;
    Instant modified;
    try {
      modified = Files.getLastModifiedTime(file).toInstant();
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return 0;
    }
    List<LoginStore.Login> found = new ArrayList<>();
    int n = 0;
    for (String line : lines) {
      n++;
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] f = line.split("\t", -1);
      if (f.length != 3 || !f[2].startsWith(SCHEME + "$"))
        throw new IOException(file + " line " + n + ": not a credentials line");
      // the file kept the order logins were added in; the store orders by the time added
      found.add(new LoginStore.Login(f[0], f[1], f[2], modified.plusMillis(found.size())));
    }
    int added = 0;
    try {
      for (LoginStore.Login l : found) {
        if (logins.addLogin(l)) added++;
        else
          log.warn(
              "{}: the login {} exists in the store already; kept the store's", file, l.user());
      }
    } catch (StorageException e) {
      throw io(e);
    }
    Path kept = file.resolveSibling(file.getFileName() + IMPORTED_SUFFIX);
    Files.move(file, kept, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir =
        FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException ignored) {
      // some file systems cannot sync a folder; the rename happened
    }
    PrivateFiles.restrict(kept);
    Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".lock"));
    log.info(
        "imported {} SMTP logins from {} into the store; the file is kept as {}",
        added,
        file,
        kept);
    return added;
  }

  static String hash(String password, int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] h = pbkdf2(password, salt, iterations);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(h);
  }

  static boolean verify(String password, String stored) {
    String[] f = stored.split("\\$");
    if (f.length != 4 || !f[0].equals(SCHEME)) return false;
    try {
      int iterations = Integer.parseInt(f[1]);
      byte[] salt = Base64.getDecoder().decode(f[2]);
      byte[] expected = Base64.getDecoder().decode(f[3]);
      if (iterations < 1 || expected.length != HASH_BYTES) return false;
      return MessageDigest.isEqual(expected, pbkdf2(password, salt, iterations));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BYTES * 8);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA256", e);
    } finally {
      spec.clearPassword();
    }
  }

  private byte[] quickDigest(String user, String password, String storedHash) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
      for (String part : new String[] {user, password, storedHash}) {
        mac.update(part.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e);
    }
  }
}
