/**
 * The HTTP API: JSON under {@code /api/v1}, one handler class per endpoint, errors as RFC 9457
 * problem documents. It sits beside the listener as a second way in: it writes to the queue through
 * the same store interface and reads delivery history through the same JSON shapes as the command
 * line ({@link dev.petrel.report.MessageJson}), so there is one source of truth.
 */
package dev.petrel.api;
