-- What pruning keeps of the messages it deletes: the counts GET /api/v1/stats is made of, per
-- account and UTC hour (hour = the hour's first millisecond since the epoch). Statistics add these
-- to what they count from the rows still present, so deleting a finished message after the
-- retention period changes no statistics. Rows are only ever added to here, by the pruning that
-- deletes the counted rows in the same transaction.
--
-- Nothing to backfill: until this version nothing was pruned, so every count is still in the
-- events and attempts tables (messages deleted by hand keep their events, as before).

-- Recipients that reached each final state (from state-change events), and deferred attempts.
CREATE TABLE stats_hours (
  account    TEXT    NOT NULL,
  hour       INTEGER NOT NULL,
  delivered  INTEGER NOT NULL DEFAULT 0,
  deferred   INTEGER NOT NULL DEFAULT 0,
  bounced    INTEGER NOT NULL DEFAULT 0,
  expired    INTEGER NOT NULL DEFAULT 0,
  suppressed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account, hour)
) STRICT;

-- Failure reasons of attempts that did not succeed.
CREATE TABLE stats_reasons (
  account TEXT    NOT NULL,
  hour    INTEGER NOT NULL,
  reason  TEXT    NOT NULL,
  n       INTEGER NOT NULL,
  PRIMARY KEY (account, hour, reason)
) STRICT;

-- Reply codes of attempts; enhanced is '' for a reply without an enhanced code.
CREATE TABLE stats_codes (
  account  TEXT    NOT NULL,
  hour     INTEGER NOT NULL,
  code     INTEGER NOT NULL,
  enhanced TEXT    NOT NULL,
  n        INTEGER NOT NULL,
  PRIMARY KEY (account, hour, code, enhanced)
) STRICT;

-- Recipients that reached a final state, per destination domain, and how many of them bounced.
CREATE TABLE stats_domains (
  account    TEXT    NOT NULL,
  hour       INTEGER NOT NULL,
  domain     TEXT    NOT NULL,
  recipients INTEGER NOT NULL,
  bounced    INTEGER NOT NULL,
  PRIMARY KEY (account, hour, domain)
) STRICT;

-- Recipients that bounced, by the reason of their last attempt (or bounce report) before it;
-- 'unclassified' when the engine gave none.
CREATE TABLE stats_bounce_reasons (
  account TEXT    NOT NULL,
  hour    INTEGER NOT NULL,
  reason  TEXT    NOT NULL,
  n       INTEGER NOT NULL,
  PRIMARY KEY (account, hour, reason)
) STRICT;

-- Pruning looks for old webhook log lines by time.
CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries (at);

-- Pruning keeps the messages whose events a webhook still has to send: it looks them up by event.
CREATE INDEX webhook_queue_by_event ON webhook_queue (event_id);
