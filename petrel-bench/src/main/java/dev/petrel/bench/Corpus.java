package dev.petrel.bench;

import dev.petrel.status.bounce.MailInputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loads the bounce mails a benchmark parses into memory, so that timing excludes the disk. */
final class Corpus {

  /** Used when neither the parameter nor {@code -Dpetrel.bench.corpus} names a path. */
  static final String DEFAULT = "corpus/sisimai/maildir/bsd";

  private Corpus() {}

  /**
   * Resolves {@code path} against the working directory, then against its parents, so that the
   * default works from the repository root and from {@code petrel-bench/}.
   */
  static Path resolve(String path) {
    Path p = Path.of(path);
    if (p.isAbsolute() || Files.exists(p)) return p;
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(path);
      if (Files.exists(candidate)) return candidate;
    }
    throw new IllegalArgumentException("no such file or folder: " + path);
  }

  /** The path from {@code param} when it is set, else the system property, else the default. */
  static String choose(String param) {
    if (param != null && !param.isBlank()) return param;
    return System.getProperty("petrel.bench.corpus", DEFAULT);
  }

  /** Every mail under {@code path} (a file, mbox, or folder read recursively), as bytes. */
  static byte[][] load(Path path) {
    List<byte[]> mails = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    MailInputs.read(
        path, m -> mails.add(m.bytes()), (where, what) -> errors.add(where + ": " + what));
    if (!errors.isEmpty()) throw new IllegalStateException("cannot read " + errors);
    if (mails.isEmpty()) throw new IllegalStateException("no mails under " + path);
    return mails.toArray(byte[][]::new);
  }
}
