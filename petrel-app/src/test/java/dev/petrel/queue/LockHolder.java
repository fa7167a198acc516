package dev.petrel.queue;

import java.nio.file.Path;

/** Run in a child JVM by {@link DataDirLockTest}: holds a data folder until its input closes. */
public final class LockHolder {

  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    try (DataDirLock lock = DataDirLock.acquire(Path.of(args[0]))) {
      System.out.print("LOCKED " + ProcessHandle.current().pid() + "\n");
      System.out.flush();
      System.in.read(); // until the parent closes our input or kills us
    }
  }
}
