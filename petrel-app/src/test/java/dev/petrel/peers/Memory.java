package dev.petrel.peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory of a running JVM, for reports: heap after a full collection (asked with {@code jcmd
 * PID GC.run}, read with {@code GC.heap_info}) and the resident set size from /proc.
 */
record Memory(double heapUsedMiB, double heapCommittedMiB, double rssMiB) {

  private static final Pattern HEAP =
      Pattern.compile("total (?:reserved \\d+K, committed )?(\\d+)K, used (\\d+)K");
  private static final Pattern RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB");

  static Memory of(long pid) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Exec.Result gc = Exec.run(Duration.ofMinutes(1), List.of(jcmd, String.valueOf(pid), "GC.run"));
    if (gc.exit() != 0) throw new IllegalStateException("jcmd GC.run failed: " + gc.all());
    Exec.Result info =
        Exec.run(Duration.ofMinutes(1), List.of(jcmd, String.valueOf(pid), "GC.heap_info"));
    Matcher h = HEAP.matcher(info.out());
    if (!h.find()) throw new IllegalStateException("no heap figures in: " + info.all());
    Matcher r = RSS.matcher(Files.readString(Path.of("/proc", String.valueOf(pid), "status")));
    double rss = r.find() ? Long.parseLong(r.group(1)) / 1024.0 : Double.NaN;
    return new Memory(
        Long.parseLong(h.group(2)) / 1024.0, Long.parseLong(h.group(1)) / 1024.0, rss);
  }
}
