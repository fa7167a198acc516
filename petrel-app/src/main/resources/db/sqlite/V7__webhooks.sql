-- Webhooks (SPEC §7; issue 5): endpoints of an account, the events each still has to receive, and
-- the log of every try. Times are milliseconds since the epoch (UTC).

-- secret is kept as given (whsec_...): signing needs the secret itself, so unlike API keys it
-- cannot be stored hashed. Anyone who can read the database can sign as Petrel for this endpoint.
CREATE TABLE webhooks (
  id         TEXT    NOT NULL PRIMARY KEY,          -- wh_ followed by random characters
  account    TEXT    NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
  url        TEXT    NOT NULL,
  secret     TEXT    NOT NULL,
  events     TEXT,                                  -- comma-separated event types; NULL: all
  final_only INTEGER NOT NULL DEFAULT 0 CHECK (final_only IN (0, 1)),
  created    INTEGER NOT NULL,
  cursor     INTEGER NOT NULL                       -- the last events.id looked at for it
) STRICT;

CREATE INDEX webhooks_by_account ON webhooks (account, created);

-- Events handed out to a webhook and not yet delivered or given up: the dispatcher's to-do list.
-- A row leaves once the receiver took the event (2xx) or the retry schedule ran out, so after a
-- restart whatever is left here is sent again.
CREATE TABLE webhook_queue (
  webhook      TEXT    NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_id     INTEGER NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL,
  PRIMARY KEY (webhook, event_id)
) STRICT;

CREATE INDEX webhook_queue_due ON webhook_queue (webhook, next_attempt);

-- One row per try of one event at one webhook. state says what the try left: delivered (2xx),
-- pending (failed, retried at next_attempt) or failed (failed, and the schedule is exhausted).
CREATE TABLE webhook_deliveries (
  id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  webhook      TEXT    NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_id     INTEGER NOT NULL,
  event_type   TEXT    NOT NULL,
  attempt      INTEGER NOT NULL,                    -- 1 for the first try of the event
  at           INTEGER NOT NULL,
  status       INTEGER,                             -- HTTP status, NULL when there was no answer
  error        TEXT,                                -- why the try failed, NULL when delivered
  duration     INTEGER NOT NULL,                    -- milliseconds the try took
  next_attempt INTEGER,                             -- when pending: the next try
  state        TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed'))
) STRICT;

CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook, id);
