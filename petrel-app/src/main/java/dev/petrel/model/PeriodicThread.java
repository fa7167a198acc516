package dev.petrel.model;

import java.time.Duration;
import java.util.Objects;

/**
 * A daemon thread of its own that runs a job a first wait after start, then after every interval,
 * until closed. Closing wakes the thread from its wait; a run in progress finishes.
 */
public final class PeriodicThread {

  private final String name;
  private final Duration first;
  private final Duration interval;
  private final Runnable job;
  private final Object gate = new Object();
  private boolean running;
  private Thread thread;

  /**
   * @param name the thread's name
   * @param first the wait before the first run
   * @param interval the wait between two runs
   * @param job one run; should not throw
   */
  public PeriodicThread(String name, Duration first, Duration interval, Runnable job) {
    this.name = Objects.requireNonNull(name, "name");
    this.first = Objects.requireNonNull(first, "first");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.job = Objects.requireNonNull(job, "job");
  }

  /** Starts the thread; does nothing when it runs already. */
  public void start() {
    synchronized (gate) {
      if (thread != null) return;
      running = true;
      thread = Thread.ofPlatform().name(name).daemon(true).start(this::loop);
    }
  }

  /** Whether the thread was started and is being stopped. */
  public boolean stopping() {
    synchronized (gate) {
      return thread != null && !running;
    }
  }

  private void loop() {
    Duration wait = first;
    while (true) {
      synchronized (gate) {
        long until = System.nanoTime() + wait.toNanos();
        try {
          for (long left = wait.toNanos(); running && left > 0; left = until - System.nanoTime())
            gate.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
        if (!running) return;
      }
      job.run();
      wait = interval;
    }
  }

  /**
   * Stops the thread and waits for it to end.
   *
   * @param interrupt whether to interrupt a run in progress
   * @param joinMillis how long to wait for the thread at most, 0 for as long as it takes
   */
  public void close(boolean interrupt, long joinMillis) {
    Thread t;
    synchronized (gate) {
      running = false;
      gate.notifyAll();
      t = thread;
      thread = null;
    }
    if (t == null) return;
    if (interrupt) t.interrupt();
    try {
      t.join(joinMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
