package dev.petrel.accept;

import dev.petrel.model.Envelope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SMTP logins, kept in one file in the data folder with each password hashed (PBKDF2 with
 * HMAC-SHA256, a random salt per user, a high iteration count). The running server reads the file
 * again when it changes, so {@code petrel credentials add} takes effect without a restart.
 *
 * <p>File format, one login per line: {@code user TAB account TAB
 * pbkdf2-sha256$iterations$salt$hash} (salt and hash in base64). Writers lock a sibling lock file
 * and replace the file atomically, so readers never see half a file.
 */
public final class CredentialStore implements Authenticator {

  /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
  public static final int DEFAULT_ITERATIONS = 600_000;

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

  private record Entry(String account, String hash) {}

  private record Snapshot(FileTime modified, long size, Object fileKey, Map<String, Entry> users) {}

  private final Path file;
  private final int iterations;
  private volatile Snapshot snapshot = new Snapshot(null, -1, null, Map.of());

  /**
   * Successful checks, remembered as a keyed digest of (user, password, stored hash) so a client
   * that logs in on every connection does not pay the full key stretching each time. The key lives
   * only in this process; a changed hash no longer matches.
   */
  private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

  private final byte[] cacheKey = new byte[32];

  private final String dummyHash;

  public CredentialStore(Path file) {
    this(file, DEFAULT_ITERATIONS);
  }

  /** With another iteration count for new hashes (tests use a low one). */
  public CredentialStore(Path file, int iterations) {
    if (iterations < 1) throw new IllegalArgumentException("iterations must be at least 1");
    this.file = file;
    this.iterations = iterations;
    RANDOM.nextBytes(cacheKey);
    this.dummyHash = hash("not a password", iterations);
  }

  public Path file() {
    return file;
  }

  /** Rejects names the file format or SMTP AUTH cannot carry. */
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
    try (Lock ignored = lock()) {
      Map<String, Entry> users = new LinkedHashMap<>(read().users());
      if (users.containsKey(user)) throw new UserExistsException(user);
      users.put(user, new Entry(account, hash));
      write(users);
    }
    return password;
  }

  /** Removes a login; false when there was none. */
  public boolean remove(String user) throws IOException {
    try (Lock ignored = lock()) {
      Map<String, Entry> users = new LinkedHashMap<>(read().users());
      if (users.remove(user) == null) return false;
      write(users);
      return true;
    }
  }

  /** The logins of one account, in the order they were added. */
  public List<String> users(String account) throws IOException {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Entry> e : current().users().entrySet())
      if (e.getValue().account().equals(account)) out.add(e.getKey());
    return out;
  }

  /** Removes a login of one account; false when the account has no such login. */
  public boolean remove(String account, String user) throws IOException {
    try (Lock ignored = lock()) {
      Map<String, Entry> users = new LinkedHashMap<>(read().users());
      Entry e = users.get(user);
      if (e == null || !e.account().equals(account)) return false;
      users.remove(user);
      write(users);
      return true;
    }
  }

  /** The login names, in the order they were added. */
  public List<String> users() throws IOException {
    return new ArrayList<>(current().users().keySet());
  }

  @Override
  public Optional<String> authenticate(String user, String password) {
    Snapshot s;
    try {
      s = current();
    } catch (IOException e) {
      return Optional.empty(); // unreadable file: nobody can log in, which is the safe answer
    }
    Entry e = s.users().get(user);
    if (e == null) {
      verify(password, dummyHash); // same cost as a real check: no hint that the user is unknown
      return Optional.empty();
    }
    byte[] quick = quickDigest(user, password, e.hash());
    byte[] known = verified.get(user);
    if (known != null && MessageDigest.isEqual(known, quick)) return Optional.of(e.account());
    if (!verify(password, e.hash())) return Optional.empty();
    verified.put(user, quick);
    return Optional.of(e.account());
  }

  private Snapshot current() throws IOException {
    Snapshot s = snapshot;
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      if (s.size() != -1) snapshot = s = new Snapshot(null, -1, null, Map.of());
      return s;
    }
    if (a.lastModifiedTime().equals(s.modified())
        && a.size() == s.size()
        && java.util.Objects.equals(a.fileKey(), s.fileKey())) return s;
    s = read();
    snapshot = s;
    return s;
  }

  private Snapshot read() throws IOException {
    BasicFileAttributes a;
    List<String> lines;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new Snapshot(null, -1, null, Map.of());
    }
    Map<String, Entry> users = new LinkedHashMap<>();
    int n = 0;
    for (String line : lines) {
      n++;
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] f = line.split("\t", -1);
      if (f.length != 3 || !f[2].startsWith(SCHEME + "$"))
        throw new IOException(file + " line " + n + ": not a credentials line");
      users.put(f[0], new Entry(f[1], f[2]));
    }
    return new Snapshot(a.lastModifiedTime(), a.size(), a.fileKey(), Map.copyOf(users));
  }

  private void write(Map<String, Entry> users) throws IOException {
    StringBuilder sb = new StringBuilder("# Petrel SMTP logins: user, account, password hash\n");
    for (Map.Entry<String, Entry> e : users.entrySet())
      sb.append(e.getKey())
          .append('\t')
          .append(e.getValue().account())
          .append('\t')
          .append(e.getValue().hash())
          .append('\n');
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    createPrivate(tmp);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) ch.write(buf);
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** An exclusive lock on the sibling lock file, held while a writer reads and replaces. */
  private record Lock(FileChannel channel) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      channel.close(); // releases the lock too
    }
  }

  private Lock lock() throws IOException {
    dev.petrel.queue.PrivateFiles.createDirectories(file.toAbsolutePath().getParent());
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    FileChannel ch =
        dev.petrel.queue.PrivateFiles.open(
            lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      ch.lock();
      return new Lock(ch);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static void createPrivate(Path p) throws IOException {
    dev.petrel.queue.PrivateFiles.createFile(p);
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
