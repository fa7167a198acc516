package dev.petrel.peers;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base of the dashboard tests: before each test, a {@link DashboardRig} delivering as {@link
 * #delivery()} says, its parts in fields; after it, the rig is closed. Uncaught JavaScript errors
 * of the test's pages are collected in {@link #pageErrors}.
 */
abstract class DashboardPages {

  @TempDir Path dir;
  DashboardRig rig;
  RunningPetrel petrel;
  Chromium chromium;
  Http http;
  String key;
  final List<String> pageErrors = new CopyOnWriteArrayList<>();

  /** How the test's server delivers. */
  abstract DashboardRig.Delivery delivery();

  @BeforeEach
  void startRig() throws Exception {
    rig = DashboardRig.start(dir, delivery());
    chromium = rig.chromium;
    petrel = rig.petrel;
    http = rig.http;
    key = rig.key;
  }

  @AfterEach
  void stopRig() {
    if (rig != null) rig.close();
  }
}
