package dev.petrel.queue;

import dev.petrel.model.QueueId;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.InstantSource;

/**
 * Run in a child JVM by {@link CrashSafetyTest}: takes the data folder like {@code serve} does,
 * then commits messages from several threads as fast as it can, printing {@code COMMITTED <id>}
 * after each commit returned, until it is killed.
 */
public final class CrashChild {

  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    DataDirLock lock = DataDirLock.acquire(dir);
    SqliteMessageStore store =
        SqliteMessageStore.open(dir, QueueTestSupport.options(), InstantSource.system());
    say("READY " + lock.dataDir());
    for (int t = 0; t < threads; t++) {
      Thread.ofPlatform()
          .start(
              () -> {
                try {
                  while (true) {
                    try (Spool spool = store.begin(QueueTestSupport.envelope())) {
                      byte[] body = CrashBodies.body(spool.id());
                      OutputStream out = spool.body();
                      for (int pos = 0; pos < body.length; pos += 8192)
                        out.write(body, pos, Math.min(8192, body.length - pos));
                      QueueId id = spool.commit();
                      say("COMMITTED " + id);
                    }
                  }
                } catch (Exception e) {
                  e.printStackTrace();
                  System.exit(3);
                }
              });
    }
  }

  private static synchronized void say(String line) {
    System.out.print(line + "\n");
    System.out.flush();
  }
}
