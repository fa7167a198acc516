package dev.petrel.queue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * The child of {@link LeaseCrashTest}: opens the store, claims everything due at the given time
 * with a lease, prints each claimed recipient ({@code claimed ID/POSITION}) and then waits to be
 * killed, as a delivery node that dies mid-attempt.
 */
public final class LeaseChild {

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Instant at = Instant.parse(args[1]);
    Duration lease = Duration.parse(args[2]);
    SqliteMessageStore store =
        SqliteMessageStore.open(dir, QueueTestSupport.options(), InstantSource.system());
    for (DeliveryJob j : store.claimDue(at, 1000, lease))
      for (DeliveryJob.JobRecipient r : j.recipients())
        System.out.println("claimed " + j.message().id() + "/" + r.position());
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
