-- The queue's first schema (SPEC §5, §6), SQLite dialect. Times are milliseconds since the epoch
-- (UTC). A row in messages is what makes a message exist; its body is in the bodies table or in a
-- file under spool/ named by the message id.

CREATE TABLE messages (
  id                TEXT    NOT NULL PRIMARY KEY,
  account           TEXT    NOT NULL,
  sender            TEXT,                         -- NULL for the null reverse path <>
  size              INTEGER NOT NULL,
  created           INTEGER NOT NULL,
  held              INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1)),
  auth_user         TEXT,
  client_address    TEXT,
  helo_name         TEXT,
  body_type         TEXT    NOT NULL,             -- 7BIT, 8BITMIME or BINARYMIME
  smtputf8          INTEGER NOT NULL CHECK (smtputf8 IN (0, 1)),
  dsn_ret           TEXT,
  dsn_envid         TEXT,
  -- a summary of the first header block, for people looking at the queue
  header_subject    TEXT,
  header_from       TEXT,
  header_to         TEXT,
  header_message_id TEXT,
  header_date       TEXT
) STRICT;

CREATE INDEX messages_by_created ON messages (created);
CREATE INDEX messages_by_account ON messages (account, created);

CREATE TABLE recipients (
  message_id   TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  position     INTEGER NOT NULL,                  -- order in the envelope, from 0
  address      TEXT    NOT NULL,
  domain       TEXT    NOT NULL,                  -- lower case, for per-destination scheduling
  state        TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN
                 ('queued', 'deferred', 'delivered', 'bounced', 'expired', 'suppressed', 'cancelled')),
  next_attempt INTEGER,                           -- NULL once the state is final
  attempts     INTEGER NOT NULL DEFAULT 0,
  dsn_notify   TEXT,
  dsn_orcpt    TEXT,
  updated      INTEGER NOT NULL,
  PRIMARY KEY (message_id, position)
) STRICT;

-- The delivery scheduler claims due work with: state IN ('queued','deferred') AND next_attempt <= now.
CREATE INDEX recipients_due ON recipients (state, next_attempt);
CREATE INDEX recipients_by_domain ON recipients (domain, state);
CREATE INDEX recipients_by_address ON recipients (address);

-- Bodies small enough to fit the spool's first buffer (under 64 KiB) are kept here rather than
-- in a file: they then become durable with the same grouped commit as their rows, so a small
-- message costs no fsync of its own. Larger bodies are files under spool/.
CREATE TABLE bodies (
  message_id TEXT NOT NULL PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  data       BLOB NOT NULL
) STRICT;

-- One row per delivery attempt of one recipient (filled by delivery, issue 4).
CREATE TABLE attempts (
  id         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  message_id TEXT    NOT NULL,
  position   INTEGER NOT NULL,
  at         INTEGER NOT NULL,
  mx         TEXT,                                -- the MX host name tried
  ip         TEXT,                                -- the address connected to
  tls        TEXT,                                -- protocol and cipher, NULL without TLS
  phase      TEXT,                                -- connect, ehlo, mail, rcpt, data, ...
  code       INTEGER,                             -- basic reply code, NULL when there was no reply
  enhanced   TEXT,                                -- enhanced status code, e.g. 5.1.1
  text       TEXT,                                -- the reply text as received
  bounce     TEXT,                                -- classification: hard, soft, ...
  reason     TEXT,                                -- classification reason
  action     TEXT,                                -- what was done: retry, bounce, suppress, ...
  FOREIGN KEY (message_id, position) REFERENCES recipients (message_id, position) ON DELETE CASCADE
) STRICT;

CREATE INDEX attempts_by_recipient ON attempts (message_id, position, at);

-- Things that happened, for webhooks, the dashboard and statistics. Kept after a message is deleted.
CREATE TABLE events (
  id         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  account    TEXT    NOT NULL,
  type       TEXT    NOT NULL,                    -- e.g. message.queued, message.delivered
  message_id TEXT,
  position   INTEGER,
  data       TEXT                                 -- JSON details
) STRICT;

CREATE INDEX events_by_time ON events (at);
CREATE INDEX events_by_message ON events (message_id);
