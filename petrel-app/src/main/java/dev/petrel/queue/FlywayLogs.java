package dev.petrel.queue;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes Flyway's messages to slf4j one level lower for the routine ones: every store open (each
 * {@code queue} command too) runs the migrations, and "schema is up to date" is not news. Warnings
 * and errors keep their level; the store itself logs at INFO when a migration was applied.
 *
 * <p>Public with a public constructor because Flyway instantiates it by name.
 */
public final class FlywayLogs implements LogCreator {

  public FlywayLogs() {}

  @Override
  public Log createLogger(Class<?> owner) {
    Logger logger = LoggerFactory.getLogger(owner);
    return new Log() {
      @Override
      public boolean isDebugEnabled() {
        return logger.isTraceEnabled();
      }

      @Override
      public void debug(String message) {
        logger.trace(message);
      }

      @Override
      public void info(String message) {
        logger.debug(message);
      }

      @Override
      public void notice(String message) {
        logger.debug(message);
      }

      @Override
      public void warn(String message) {
        logger.warn(message);
      }

      @Override
      public void error(String message) {
        logger.error(message);
      }

      @Override
      public void error(String message, Exception e) {
        logger.error(message, e);
      }
    };
  }
}
