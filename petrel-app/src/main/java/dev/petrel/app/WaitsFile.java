package dev.petrel.app;

import dev.petrel.model.DeliveryWaits;
import dev.petrel.model.QueueId;
import dev.petrel.report.StatusJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The recipients held back by their destination's limits, in {@code DATA_DIR/delivery-waits.json},
 * so that {@code petrel queue show} (another process, reading the data folder) can say why a
 * recipient still waits. Delivery keeps the waits in memory; {@code serve} rewrites this file
 * shortly after they change (a new name moved in place, so a reader sees a whole file) and removes
 * it when it stops. A file left by a process that no longer runs is ignored.
 */
final class WaitsFile implements AutoCloseable {

  static final String FILE_NAME = "delivery-waits.json";

  private static final Logger LOG = LoggerFactory.getLogger("deliver");

  /** Changes within this time go into one write. */
  private static final long COALESCE_MILLIS = 200;

  private final Path file;
  private final Supplier<Map<QueueId, List<DeliveryWaits.Waiting>>> waits;
  private final Semaphore changed = new Semaphore(0);
  private final Thread writer;
  private volatile boolean running = true;

  private WaitsFile(Path dataDir, Supplier<Map<QueueId, List<DeliveryWaits.Waiting>>> waits) {
    this.file = dataDir.resolve(FILE_NAME);
    this.waits = waits;
    this.writer = Thread.ofVirtual().name("petrel-waits-file").start(this::run);
  }

  /** Starts writing the file whenever {@code waits} may have changed ({@link #changed()}). */
  static WaitsFile start(Path dataDir, Supplier<Map<QueueId, List<DeliveryWaits.Waiting>>> waits) {
    return new WaitsFile(dataDir, waits);
  }

  /** The waits changed: the file is rewritten soon. */
  void changed() {
    if (changed.availablePermits() == 0) changed.release();
  }

  private void run() {
    boolean written = false;
    while (running) {
      try {
        if (!changed.tryAcquire(1, TimeUnit.SECONDS) && written) continue;
        Thread.sleep(COALESCE_MILLIS);
        changed.drainPermits();
      } catch (InterruptedException e) {
        return;
      }
      try {
        write(waits.get());
        written = true;
      } catch (IOException | RuntimeException e) {
        LOG.warn("cannot write {}: {}", file, e.toString());
      }
    }
  }

  private void write(Map<QueueId, List<DeliveryWaits.Waiting>> all) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("pid", ProcessHandle.current().pid());
    Map<String, Object> byId = new LinkedHashMap<>();
    all.forEach(
        (id, list) -> {
          List<Object> out = new ArrayList<>();
          for (DeliveryWaits.Waiting w : list) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("position", w.position());
            m.putAll(w.json());
            out.add(m);
          }
          if (!out.isEmpty()) byId.put(id.value(), out);
        });
    doc.put("waits", byId);
    byte[] bytes = StatusJson.MAPPER.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8);
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    Files.deleteIfExists(tmp);
    try (FileChannel ch =
        dev.petrel.queue.PrivateFiles.open(
            tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes));
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * The waits of one message as the running {@code serve} last wrote them; none when no {@code
   * serve} of this data folder runs, or the file cannot be read.
   */
  static List<DeliveryWaits.Waiting> read(Path dataDir, QueueId id) {
    Path f = dataDir.resolve(FILE_NAME);
    if (!Files.isRegularFile(f)) return List.of();
    try {
      JsonNode doc = StatusJson.MAPPER.readTree(Files.readString(f, StandardCharsets.UTF_8));
      long pid = doc.path("pid").asLong(-1);
      if (pid < 0 || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        return List.of();
      List<DeliveryWaits.Waiting> out = new ArrayList<>();
      for (JsonNode w : doc.path("waits").path(id.value())) {
        out.add(
            new DeliveryWaits.Waiting(
                w.path("position").asInt(),
                w.path("reason").asString(),
                w.path("destination").asString(),
                w.hasNonNull("until") ? Instant.parse(w.get("until").asString()) : null,
                w.hasNonNull("cause") ? w.get("cause").asString() : null));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** Stops writing and removes the file: nothing waits in a stopped server. */
  @Override
  public void close() {
    running = false;
    writer.interrupt();
    try {
      writer.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(file);
      Files.deleteIfExists(file.resolveSibling(FILE_NAME + ".tmp"));
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", file, e.toString());
    }
  }
}
